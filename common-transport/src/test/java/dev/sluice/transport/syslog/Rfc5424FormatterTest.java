package dev.sluice.transport.syslog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Rfc5424FormatterTest {

    private static final Instant T = Instant.parse("2026-01-05T09:08:07Z");
    private static final Rfc5424Formatter WITH_BOM = new Rfc5424Formatter(true);
    private static final Rfc5424Formatter NO_BOM = new Rfc5424Formatter(false);

    private static SyslogMessage.Builder base() {
        return SyslogMessage.builder().timestamp(T).facility(Facility.LOCAL4).severity(Severity.NOTICE)
                .hostname("host.example.com").appName("billing").procId("4242").msgId("ID47");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    @Test
    void writesTheFullHeaderAndMessageWithBomByDefault() {
        assertThat(new Rfc5424Formatter().bom()).isTrue();
        byte[] out = new Rfc5424Formatter().format(base().message("hello").build());
        assertThat(out).isEqualTo(
                "<165>1 2026-01-05T09:08:07Z host.example.com billing 4242 ID47 - \uFEFFhello".getBytes(UTF_8));
    }

    @Test
    void bomOnPutsEfBbBfRightAfterTheSpaceBeforeMsg() {
        byte[] out = WITH_BOM.format(base().message("hi").build());
        String header = "<165>1 2026-01-05T09:08:07Z host.example.com billing 4242 ID47 - ";
        assertThat(out).hasSize(header.length() + 3 + 2);
        assertThat(out[header.length()]).isEqualTo((byte) 0xEF);
        assertThat(out[header.length() + 1]).isEqualTo((byte) 0xBB);
        assertThat(out[header.length() + 2]).isEqualTo((byte) 0xBF);
    }

    @Test
    void bomOffWritesTheMessageStraightAfterTheSpace() {
        assertThat(text(NO_BOM.format(base().message("hello").build())))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z host.example.com billing 4242 ID47 - hello");
    }

    @Test
    void noMessageMeansNoSpaceAndNoBom() {
        String expected = "<165>1 2026-01-05T09:08:07Z host.example.com billing 4242 ID47 -";
        assertThat(text(WITH_BOM.format(base().build()))).isEqualTo(expected);
        assertThat(text(WITH_BOM.format(base().message("").build()))).isEqualTo(expected);
    }

    @Test
    void writesNilvalueForEveryEmptyField() {
        SyslogMessage nulls = SyslogMessage.builder().timestamp(T).build();
        assertThat(text(WITH_BOM.format(nulls))).isEqualTo("<13>1 2026-01-05T09:08:07Z - - - - -");
        SyslogMessage empties = SyslogMessage.builder().timestamp(T)
                .hostname("").appName("").procId("").msgId("").message("").build();
        assertThat(text(WITH_BOM.format(empties))).isEqualTo("<13>1 2026-01-05T09:08:07Z - - - - -");
        assertThat(text(NO_BOM.format(base().hostname(null).build())))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z - billing 4242 ID47 -");
        assertThat(text(NO_BOM.format(base().appName(null).build())))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z host.example.com - 4242 ID47 -");
        assertThat(text(NO_BOM.format(base().procId(null).build())))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z host.example.com billing - ID47 -");
        assertThat(text(NO_BOM.format(base().msgId(null).build())))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z host.example.com billing 4242 - -");
    }

    @Test
    void writesPriFromZeroTo191() {
        SyslogMessage kernEmerg = SyslogMessage.builder().timestamp(T)
                .facility(Facility.KERN).severity(Severity.EMERGENCY).build();
        assertThat(text(NO_BOM.format(kernEmerg))).startsWith("<0>1 ");
        SyslogMessage local7Debug = SyslogMessage.builder().timestamp(T)
                .facility(Facility.LOCAL7).severity(Severity.DEBUG).build();
        assertThat(text(NO_BOM.format(local7Debug))).startsWith("<191>1 ");
    }

    // --- timestamps

    private static String timestamp(Instant instant, ZoneOffset offset) {
        String s = text(NO_BOM.format(SyslogMessage.builder().timestamp(instant, offset).build()));
        assertThat(s).startsWith("<13>1 ").endsWith(" - - - - -");
        return s.substring("<13>1 ".length(), s.length() - " - - - - -".length());
    }

    @Test
    void writesUtcAsZ() {
        assertThat(timestamp(T, ZoneOffset.UTC)).isEqualTo("2026-01-05T09:08:07Z");
    }

    @Test
    void writesPositiveOffsetInLocalTime() {
        assertThat(timestamp(T, ZoneOffset.ofHours(1))).isEqualTo("2026-01-05T10:08:07+01:00");
    }

    @Test
    void writesNegativeHalfHourOffsetInLocalTime() {
        assertThat(timestamp(T, ZoneOffset.ofHoursMinutes(-5, -30))).isEqualTo("2026-01-05T03:38:07-05:30");
    }

    @Test
    void writesOffsetThatCrossesMidnightAndYear() {
        assertThat(timestamp(Instant.parse("2026-01-01T00:30:00Z"), ZoneOffset.ofHours(-1)))
                .isEqualTo("2025-12-31T23:30:00-01:00");
        assertThat(timestamp(Instant.parse("2024-02-28T23:00:00Z"), ZoneOffset.ofHours(14)))
                .isEqualTo("2024-02-29T13:00:00+14:00");
    }

    @Test
    void writesMicrosecondsAndCutsNanoseconds() {
        assertThat(timestamp(Instant.parse("2026-01-05T09:08:07.123456789Z"), ZoneOffset.UTC))
                .isEqualTo("2026-01-05T09:08:07.123456Z");
        assertThat(timestamp(Instant.parse("2026-01-05T09:08:07.000001Z"), ZoneOffset.UTC))
                .isEqualTo("2026-01-05T09:08:07.000001Z");
        assertThat(timestamp(Instant.parse("2026-01-05T09:08:07.999999999Z"), ZoneOffset.ofHours(2)))
                .isEqualTo("2026-01-05T11:08:07.999999+02:00");
    }

    @Test
    void writesWholeMillisecondsAsThreeDigits() {
        assertThat(timestamp(Instant.parse("2026-01-05T09:08:07.120Z"), ZoneOffset.UTC))
                .isEqualTo("2026-01-05T09:08:07.120Z");
        assertThat(timestamp(Instant.parse("2026-01-05T09:08:07.003Z"), ZoneOffset.UTC))
                .isEqualTo("2026-01-05T09:08:07.003Z");
    }

    @Test
    void writesNoFractionWhenBelowAMicrosecond() {
        assertThat(timestamp(Instant.parse("2026-01-05T09:08:07.000000999Z"), ZoneOffset.UTC))
                .isEqualTo("2026-01-05T09:08:07Z");
    }

    @Test
    void writesTimesBefore1970() {
        assertThat(timestamp(Instant.parse("1969-12-31T23:59:59.500Z"), ZoneOffset.UTC))
                .isEqualTo("1969-12-31T23:59:59.500Z");
        assertThat(timestamp(Instant.parse("0000-01-01T00:00:00Z"), ZoneOffset.UTC))
                .isEqualTo("0000-01-01T00:00:00Z");
    }

    @Test
    void writesNilvalueForAYearRfc3339CannotHold() {
        Instant year10000 = OffsetDateTime.of(10_000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant();
        Instant yearMinus1 = OffsetDateTime.of(-1, 12, 31, 23, 0, 0, 0, ZoneOffset.UTC).toInstant();
        assertThat(timestamp(year10000, ZoneOffset.UTC)).isEqualTo("-");
        assertThat(timestamp(Instant.parse("9999-12-31T23:30:00Z"), ZoneOffset.ofHours(1))).isEqualTo("-");
        assertThat(timestamp(yearMinus1, ZoneOffset.UTC)).isEqualTo("-");
    }

    @Test
    void writesAnOffsetWithSecondsAsUtc() {
        // Amsterdam's offset until 1937, +00:19:32: RFC 3339 has no seconds in an offset.
        ZoneOffset lmt = ZoneOffset.ofHoursMinutesSeconds(0, 19, 32);
        assertThat(timestamp(Instant.parse("1930-01-01T00:00:00Z"), lmt)).isEqualTo("1930-01-01T00:00:00Z");
    }

    @Test
    void timestampOfOffsetDateTimeKeepsItsOffset() {
        SyslogMessage m = SyslogMessage.builder()
                .timestamp(OffsetDateTime.parse("2026-03-29T02:30:00.5+02:00")).build();
        assertThat(text(NO_BOM.format(m))).isEqualTo("<13>1 2026-03-29T02:30:00.500+02:00 - - - - -");
    }

    @Test
    void matchesJavaTimeForRandomInstantsAndOffsets() {
        Random random = new Random(5424);
        long min = Instant.parse("0000-01-02T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-30T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long seconds = min + (long) (random.nextDouble() * (max - min));
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(18 * 4 * 2 + 1) - 18 * 4) * 15 * 60);
            assertThat(timestamp(instant, offset)).as("%s at %s", instant, offset)
                    .isEqualTo(expectedRfc3339(instant.atOffset(offset)));
        }
    }

    private static String expectedRfc3339(OffsetDateTime t) {
        int micros = t.getNano() / 1000;
        String fraction = micros == 0 ? "" : micros % 1000 == 0
                ? String.format(".%03d", micros / 1000) : String.format(".%06d", micros);
        String offset = t.getOffset().getTotalSeconds() == 0 ? "Z" : t.getOffset().getId();
        return String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond()) + fraction + offset;
    }

    // --- header fields

    @Test
    void keepsEachHeaderFieldAtExactlyItsOctetLimit() {
        SyslogMessage m = base().hostname("h".repeat(255)).appName("a".repeat(48)).procId("p".repeat(128))
                .msgId("m".repeat(32)).build();
        assertThat(text(NO_BOM.format(m))).isEqualTo("<165>1 2026-01-05T09:08:07Z " + "h".repeat(255) + " "
                + "a".repeat(48) + " " + "p".repeat(128) + " " + "m".repeat(32) + " -");
    }

    @Test
    void trimsHostnameTo255Octets() {
        assertThat(text(NO_BOM.format(base().hostname("h".repeat(254) + "XYZ").build())))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z " + "h".repeat(254) + "X billing 4242 ID47 -");
    }

    @Test
    void trimsAppNameTo48Octets() {
        assertThat(text(NO_BOM.format(base().appName("a".repeat(47) + "XYZ").build())))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z host.example.com " + "a".repeat(47) + "X 4242 ID47 -");
    }

    @Test
    void trimsProcIdTo128Octets() {
        assertThat(text(NO_BOM.format(base().procId("p".repeat(127) + "XYZ").build())))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z host.example.com billing " + "p".repeat(127) + "X ID47 -");
    }

    @Test
    void trimsMsgIdTo32Octets() {
        assertThat(text(NO_BOM.format(base().msgId("m".repeat(31) + "XYZ").build())))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z host.example.com billing 4242 " + "m".repeat(31) + "X -");
    }

    @Test
    void replacesEachNonAsciiCharacterInHeaderFieldsByOneUnderscore() {
        SyslogMessage m = base().hostname("h\u00f4te.example").appName("caf\u00e9 app").procId("\u20ac1")
                .msgId("id\uD83D\uDE00x").build();
        byte[] out = NO_BOM.format(m);
        assertThat(text(out))
                .isEqualTo("<165>1 2026-01-05T09:08:07Z h_te.example caf__app _1 id_x -");
        for (byte b : out) {
            assertThat(b & 0xFF).isBetween(32, 126);
        }
    }

    @Test
    void replacesControlCharactersSpacesAndDelInHeaderFields() {
        SyslogMessage m = base().hostname("evil\nhost").appName("a b").procId("\t1\u0000").msgId("x\u007fy")
                .build();
        assertThat(text(NO_BOM.format(m))).isEqualTo("<165>1 2026-01-05T09:08:07Z evil_host a_b _1_ x_y -");
    }

    @Test
    void trimsAfterReplacingSoANonAsciiCharacterAtTheLimitCountsAsOneOctet() {
        assertThat(text(NO_BOM.format(base().msgId("m".repeat(31) + "\u00e9tail").build())))
                .contains(" " + "m".repeat(31) + "_ -");
        assertThat(text(NO_BOM.format(base().msgId("m".repeat(31) + "\uD83D\uDE00").build())))
                .contains(" " + "m".repeat(31) + "_ -");
    }

    // --- structured data

    @Test
    void writesTheRfcExampleStructuredData() {
        SyslogMessage m = base().structuredData(StructuredData.of(
                SdElement.of("exampleSDID@32473", "iut", "3", "eventSource", "Application", "eventID", "1011")))
                .message("An application event log entry...").build();
        assertThat(text(NO_BOM.format(m))).isEqualTo("<165>1 2026-01-05T09:08:07Z host.example.com billing 4242 ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
                + "An application event log entry...");
    }

    @Test
    void writesMultipleSdElementsBackToBackInOrder() {
        SyslogMessage m = base().structuredData(StructuredData.of(
                SdElement.of("exampleSDID@32473", "iut", "3"),
                SdElement.of("examplePriority@32473", "class", "high"),
                SdElement.of("meta", "sequenceId", "42"),
                SdElement.of("empty@1"))).build();
        assertThat(text(NO_BOM.format(m))).endsWith(" ID47 [exampleSDID@32473 iut=\"3\"]"
                + "[examplePriority@32473 class=\"high\"][meta sequenceId=\"42\"][empty@1]");
    }

    @Test
    void escapesQuoteBackslashAndBracketInParamValue() {
        SyslogMessage m = base().addSdElement(SdElement.of("x@1", "v", "a\"b\\c]d[e=f")).message("m").build();
        assertThat(text(NO_BOM.format(m))).endsWith(" ID47 [x@1 v=\"a\\\"b\\\\c\\]d[e=f\"] m");
    }

    @Test
    void escapesAValueMadeOnlyOfSpecialCharacters() {
        SyslogMessage m = base().addSdElement(SdElement.of("x@1", "v", "\\\\\"]")).build();
        assertThat(text(NO_BOM.format(m))).endsWith("[x@1 v=\"\\\\\\\\\\\"\\]\"]");
    }

    @Test
    void writesParamValueAsUtf8WithExactOctets() {
        SyslogMessage m = base().addSdElement(SdElement.of("x@1", "v", "\u00e9\u20ac\uD83D\uDE00")).build();
        byte[] out = NO_BOM.format(m);
        byte[] sd = "[x@1 v=\"\u00e9\u20ac\uD83D\uDE00\"]".getBytes(UTF_8);
        assertThat(sd).hasSize(8 + 2 + 3 + 4 + 2);
        assertThat(text(out)).endsWith(" ID47 [x@1 v=\"\u00e9\u20ac\uD83D\uDE00\"]");
        assertThat(out).endsWith(sd);
    }

    @Test
    void writesAnEmptyParamValue() {
        SyslogMessage m = base().addSdElement(SdElement.of("x@1", "v", "")).build();
        assertThat(text(NO_BOM.format(m))).endsWith(" ID47 [x@1 v=\"\"]");
    }

    // --- MSG

    @Test
    void writesMultiByteMessageAsUtf8WithOctetLengths() {
        String msg = "a\u00e9\u20ac\uD83D\uDE00";
        assertThat(msg).hasSize(5);
        byte[] out = WITH_BOM.format(base().message(msg).build());
        String header = "<165>1 2026-01-05T09:08:07Z host.example.com billing 4242 ID47 -";
        assertThat(out).hasSize(header.length() + 1 + 3 + 1 + 2 + 3 + 4);
        assertThat(out).endsWith(0x61, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80);
    }

    @Test
    void writesAnUnpairedSurrogateAsQuestionMarkAsStringGetBytesDoes() {
        String msg = "x\uD83Dy\uDE00z";
        assertThat(NO_BOM.format(base().message(msg).build())).endsWith(msg.getBytes(UTF_8));
        assertThat(text(NO_BOM.format(base().message(msg).build()))).endsWith(" x?y?z");
    }

    @Test
    void keepsControlCharactersInMsgForFramingToHandle() {
        assertThat(text(NO_BOM.format(base().message("a\nb\tc").build()))).endsWith(" - a\nb\tc");
    }

    @Test
    void formatToAppendsAndReturnsTheHeaderEnd() {
        SyslogBuffer buffer = new SyslogBuffer(4);
        buffer.write('X');
        int headerEnd = WITH_BOM.formatTo(base().message("hello").build(), buffer);
        String header = "<165>1 2026-01-05T09:08:07Z host.example.com billing 4242 ID47 -";
        assertThat(headerEnd).isEqualTo(1 + header.length());
        assertThat(buffer.toByteArray(1)).isEqualTo(WITH_BOM.format(base().message("hello").build()));
        assertThat(buffer.array()[0]).isEqualTo((byte) 'X');
    }
}
