package dev.sluice.relp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyslogParserTest {

    private static ParsedSyslog parse(String s) {
        return SyslogParser.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesRfc5424ExampleWithStructuredDataAndBom() {
        ParsedSyslog p = parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \uFEFFAn application event");

        assertThat(p.format()).isEqualTo(SyslogFormat.RFC5424);
        assertThat(p.facility()).isEqualTo(20);
        assertThat(p.severity()).isEqualTo(5);
        assertThat(p.priority()).isEqualTo(165);
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.timestamp()).isEqualTo("2003-10-11T22:14:15.003Z");
        assertThat(p.timestampValue()).isEqualTo(OffsetDateTime.of(2003, 10, 11, 22, 14, 15, 3_000_000, ZoneOffset.UTC));
        assertThat(p.hostname()).isEqualTo("mymachine.example.com");
        assertThat(p.appName()).isEqualTo("evntslog");
        assertThat(p.procId()).isNull();
        assertThat(p.msgId()).isEqualTo("ID47");
        assertThat(p.structuredData()).containsExactly(new SdElement("exampleSDID@32473", java.util.List.of(
                new SdParam("iut", "3"), new SdParam("eventSource", "Application"), new SdParam("eventID", "1011"))));
        assertThat(p.sdParam("exampleSDID@32473", "eventID")).contains("1011");
        assertThat(p.message()).isEqualTo("An application event");
    }

    @Test
    void turnsEveryNilvalueIntoNull() {
        ParsedSyslog p = parse("<14>1 - - - - - -");

        assertThat(p.format()).isEqualTo(SyslogFormat.RFC5424);
        assertThat(p.timestamp()).isNull();
        assertThat(p.timestampValue()).isNull();
        assertThat(p.hostname()).isNull();
        assertThat(p.appName()).isNull();
        assertThat(p.procId()).isNull();
        assertThat(p.msgId()).isNull();
        assertThat(p.structuredData()).isEmpty();
        assertThat(p.message()).isEmpty();
    }

    @Test
    void parsesRfc5424WithoutStructuredData() {
        ParsedSyslog p = parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8");

        assertThat(p.structuredData()).isEmpty();
        assertThat(p.message()).isEqualTo("'su root' failed for lonvick on /dev/pts/8");
        assertThat(p.facility()).isEqualTo(4);
        assertThat(p.severity()).isEqualTo(2);
    }

    @Test
    void parsesSeveralStructuredDataElementsWithoutMessage() {
        ParsedSyslog p = parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + "[exampleSDID@32473 iut=\"3\"][examplePriority@32473 class=\"high\"][meta sequenceId=\"7\"]");

        assertThat(p.structuredData()).extracting(SdElement::id)
                .containsExactly("exampleSDID@32473", "examplePriority@32473", "meta");
        assertThat(p.sdParam("examplePriority@32473", "class")).contains("high");
        assertThat(p.sdParam("meta", "sequenceId")).contains("7");
        assertThat(p.sdParam("meta", "nope")).isEmpty();
        assertThat(p.message()).isEmpty();
    }

    @Test
    void unescapesQuoteBackslashAndBracketInParamValues() {
        ParsedSyslog p = parse("<13>1 - h a - - [x@1 v=\"a\\\"b\\\\c\\]d\\ne\" w=\"\"] msg");

        assertThat(p.sdParam("x@1", "v")).contains("a\"b\\c]d\\ne");
        assertThat(p.sdParam("x@1", "w")).contains("");
        assertThat(p.message()).isEqualTo("msg");
    }

    @Test
    void keepsMultiByteUtf8InParamValuesAndMessage() {
        ParsedSyslog p = parse("<13>1 2026-11-27T18:04:33.123456+01:00 h app 42 - [x@1 name=\"Zoë ✓ 𝄞\"] \uFEFFgrüße ✓ 𝄞");

        assertThat(p.sdParam("x@1", "name")).contains("Zoë ✓ 𝄞");
        assertThat(p.message()).isEqualTo("grüße ✓ 𝄞");
        assertThat(p.procId()).isEqualTo("42");
        assertThat(p.timestampValue()).isEqualTo(
                OffsetDateTime.of(2026, 11, 27, 18, 4, 33, 123_456_000, ZoneOffset.ofHours(1)));
    }

    @Test
    void removesOneTrailingLfOfRsyslogProtocol23Format() {
        // Exactly what rsyslog 8.2302 writes with template RSYSLOG_SyslogProtocol23Format.
        ParsedSyslog p = parse("<13>1 2026-11-27T18:08:48.463867+00:00 vm myapp 3647 - "
                + "[timeQuality tzKnown=\"1\" isSynced=\"0\"] hello [x] world\n");

        assertThat(p.format()).isEqualTo(SyslogFormat.RFC5424);
        assertThat(p.sdParam("timeQuality", "tzKnown")).contains("1");
        assertThat(p.message()).isEqualTo("hello [x] world");
    }

    @Test
    void keepsLeadingSpaceThatRsyslogPutsBeforeA3164MessageForwardedAs5424() {
        ParsedSyslog p = parse("<13>1 2026-11-27T18:08:48+00:00 vm myapp - - -  classic\n");

        assertThat(p.message()).isEqualTo(" classic");
        assertThat(p.procId()).isNull();
    }

    @Test
    void parsesClassicRfc3164() {
        ParsedSyslog p = parse("<13>Nov 27 18:04:33 host tag[123]: msg with: colon");

        assertThat(p.format()).isEqualTo(SyslogFormat.RFC3164);
        assertThat(p.facility()).isEqualTo(1);
        assertThat(p.severity()).isEqualTo(5);
        assertThat(p.version()).isZero();
        assertThat(p.timestamp()).isEqualTo("Nov 27 18:04:33");
        assertThat(p.timestampValue()).isNull();
        assertThat(p.hostname()).isEqualTo("host");
        assertThat(p.appName()).isEqualTo("tag");
        assertThat(p.procId()).isEqualTo("123");
        assertThat(p.msgId()).isNull();
        assertThat(p.structuredData()).isEmpty();
        assertThat(p.message()).isEqualTo("msg with: colon");
    }

    @Test
    void keepsTheSpacePaddedDayOfAClassicTimestamp() {
        ParsedSyslog p = parse("<34>Oct  1 22:14:15 mymachine su: 'su root' failed");

        assertThat(p.timestamp()).isEqualTo("Oct  1 22:14:15");
        assertThat(p.appName()).isEqualTo("su");
        assertThat(p.procId()).isNull();
        assertThat(p.message()).isEqualTo("'su root' failed");
    }

    @Test
    void acceptsClassicRfc3164WithoutHostname() {
        ParsedSyslog p = parse("<13>Nov 27 18:04:33 tag: msg");

        assertThat(p.format()).isEqualTo(SyslogFormat.RFC3164);
        assertThat(p.hostname()).isNull();
        assertThat(p.appName()).isEqualTo("tag");
        assertThat(p.message()).isEqualTo("msg");
    }

    @Test
    void parsesRsyslogForwardFormat() {
        ParsedSyslog p = parse("<13>2026-11-27T18:04:33.123456+00:00 host tag[pid]: msg");

        assertThat(p.format()).isEqualTo(SyslogFormat.RFC3164);
        assertThat(p.timestamp()).isEqualTo("2026-11-27T18:04:33.123456+00:00");
        assertThat(p.timestampValue()).isEqualTo(
                OffsetDateTime.of(2026, 11, 27, 18, 4, 33, 123_456_000, ZoneOffset.UTC));
        assertThat(p.hostname()).isEqualTo("host");
        assertThat(p.appName()).isEqualTo("tag");
        assertThat(p.procId()).isEqualTo("pid");
        assertThat(p.message()).isEqualTo("msg");
    }

    @Test
    void parsesRsyslogForwardFormatOfAMessageThatArrivedAs5424() {
        // rsyslog 8.2302 builds the tag of an RFC 5424 message as "app[procid]", without the colon.
        ParsedSyslog p = parse("<13>2026-11-27T18:08:48.463867+00:00 vm myapp[3647] hello [x] world");

        assertThat(p.appName()).isEqualTo("myapp");
        assertThat(p.procId()).isEqualTo("3647");
        assertThat(p.message()).isEqualTo("hello [x] world");
    }

    @Test
    void parsesRsyslogInternalMessageInForwardFormat() {
        ParsedSyslog p = parse("<46>2026-11-27T18:08:47.455548+00:00 vm rsyslogd: [origin software=\"rsyslogd\"] start");

        assertThat(p.facility()).isEqualTo(5);
        assertThat(p.severity()).isEqualTo(6);
        assertThat(p.appName()).isEqualTo("rsyslogd");
        assertThat(p.message()).isEqualTo("[origin software=\"rsyslogd\"] start");
    }

    @Test
    void acceptsPriorityZeroAnd191() {
        assertThat(parse("<0>1 - - - - - -").priority()).isZero();
        assertThat(parse("<191>1 - - - - - -").facility()).isEqualTo(23);
        assertThat(parse("<191>1 - - - - - -").severity()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "plain text without PRI",
        "<>1 - - - - - -",
        "<abc>1 - - - - - -",
        "<1234>1 - - - - - -",
        "<192>1 - - - - - -",
        "<999>Nov 27 18:04:33 host tag: msg",
        "<13",
        "<13>",
        "<13>1",
        "<13>1 ",
        "<13>1 2003-10-11T22:14:15.003Z",
        "<13>1 2003-10-11T22:14:15.003Z host app",
        "<13>1 2003-10-11T22:14:15.003Z host app - ID47",
        "<13>1 - - - - - [",
        "<13>1 - - - - - [id",
        "<13>1 - - - - - [id a=\"unterminated]",
        "<13>1 - - - - - [id a=b]",
        "<13>1 - - - - - [id]msg-without-space",
        "<13>1 - - - - - no-sd",
        "<13>1 - h\u00e9st - - - - msg",
        "<13>Nov 27 18:04",
        "<13>Nov 27 18:04:33",
        "<13>Foo 27 18:04:33 host tag: msg",
        "<13>yesterday host tag: msg",
        "<13>Nov 27 18:04:33 host tag[123: msg",
    })
    void turnsMalformedInputIntoUnparsedWithTheWholeTextAsMessage(String input) {
        ParsedSyslog p = parse(input);

        assertThat(p.format()).isEqualTo(SyslogFormat.UNPARSED);
        assertThat(p.message()).isEqualTo(input);
        assertThat(p.facility()).isEqualTo(-1);
        assertThat(p.severity()).isEqualTo(-1);
        assertThat(p.priority()).isEqualTo(-1);
        assertThat(p.structuredData()).isEmpty();
    }

    @Test
    void neverThrowsOnNullOrInvalidUtf8() {
        assertThat(SyslogParser.parse((byte[]) null).format()).isEqualTo(SyslogFormat.UNPARSED);
        ParsedSyslog p = SyslogParser.parse(new byte[] {'<', '1', '3', '>', '1', ' ', '-', ' ', '-', ' ', '-', ' ', '-',
            ' ', '-', ' ', '-', ' ', (byte) 0xC3, (byte) 0x28});
        assertThat(p.format()).isEqualTo(SyslogFormat.RFC5424);
        assertThat(p.message()).isEqualTo("\uFFFD(");
    }

    @Test
    void neverThrowsOnAnyPrefixOfValidMessages() {
        String[] inputs = {
            "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" e=\"\\]\"] \uFEFFAn event",
            "<13>Nov 27 18:04:33 host tag[123]: msg",
            "<13>2026-11-27T18:04:33.123456+00:00 host tag[pid]: msg",
        };
        for (String input : inputs) {
            byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i <= bytes.length; i++) {
                byte[] prefix = java.util.Arrays.copyOf(bytes, i);
                assertThat(SyslogParser.parse(prefix)).isNotNull();
            }
        }
    }
}
