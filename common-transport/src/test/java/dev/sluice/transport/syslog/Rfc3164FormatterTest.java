package dev.sluice.transport.syslog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Rfc3164FormatterTest {

    private static final Instant T = Instant.parse("2026-01-05T09:08:07.123456Z");
    private static final Rfc3164Formatter CLASSIC = new Rfc3164Formatter();
    private static final Rfc3164Formatter RFC3339 = new Rfc3164Formatter(true);

    private static SyslogMessage.Builder base() {
        return SyslogMessage.builder().timestamp(T).facility(Facility.LOCAL4).severity(Severity.NOTICE)
                .hostname("host.example.com").appName("billing").procId("4242").msgId("ID47");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    @Test
    void writesTheClassicLayoutWithSpacePaddedDay() {
        assertThat(CLASSIC.rfc3339Timestamp()).isFalse();
        assertThat(text(CLASSIC.format(base().message("hello").build())))
                .isEqualTo("<165>Jan  5 09:08:07 host.example.com billing[4242]: hello");
    }

    @Test
    void writesATwoDigitDayWithoutPadding() {
        SyslogMessage m = base().timestamp(Instant.parse("2026-11-27T18:04:33Z")).message("x").build();
        assertThat(text(CLASSIC.format(m))).isEqualTo("<165>Nov 27 18:04:33 host.example.com billing[4242]: x");
    }

    @Test
    void writesTheTimeInTheMessagesOffset() {
        SyslogMessage m = base().timestamp(Instant.parse("2026-01-31T23:30:00Z"), ZoneOffset.ofHours(1))
                .message("x").build();
        assertThat(text(CLASSIC.format(m))).startsWith("<165>Feb  1 00:30:00 host.example.com");
        SyslogMessage west = base().offset(ZoneOffset.ofHoursMinutes(-5, -30)).message("x").build();
        assertThat(text(CLASSIC.format(west))).startsWith("<165>Jan  5 03:38:07 host.example.com");
    }

    @Test
    void writesRfc3339TimestampWhenAskedLikeRsyslogForwardFormat() {
        SyslogMessage m = base().offset(ZoneOffset.ofHours(1)).message("hello").build();
        assertThat(text(RFC3339.format(m)))
                .isEqualTo("<165>2026-01-05T10:08:07.123456+01:00 host.example.com billing[4242]: hello");
    }

    @Test
    void classicTimestampMatchesJavaTimeInEnglishWhateverTheLocale() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            DateTimeFormatter f = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
            Random random = new Random(3164);
            for (int i = 0; i < 10_000; i++) {
                Instant instant = Instant.ofEpochSecond(random.nextLong() % 200_000_000_000L);
                ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(145) - 72) * 15 * 60);
                SyslogMessage m = SyslogMessage.builder().timestamp(instant, offset).build();
                String s = text(CLASSIC.format(m));
                assertThat(s.substring(4, 19)).as("%s at %s", instant, offset)
                        .isEqualTo(f.format(instant.atOffset(offset)));
            }
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void leavesOutProcIdBracketsWhenThereIsNoProcId() {
        assertThat(text(CLASSIC.format(base().procId(null).message("hello").build())))
                .isEqualTo("<165>Jan  5 09:08:07 host.example.com billing: hello");
    }

    @Test
    void writesDashForEmptyHostnameAndTag() {
        SyslogMessage m = SyslogMessage.builder().timestamp(T).message("hello").build();
        assertThat(text(CLASSIC.format(m))).isEqualTo("<13>Jan  5 09:08:07 - -: hello");
    }

    @Test
    void endsAtTheColonWhenThereIsNoMessage() {
        assertThat(text(CLASSIC.format(base().build())))
                .isEqualTo("<165>Jan  5 09:08:07 host.example.com billing[4242]:");
    }

    @Test
    void leavesOutMsgIdAndStructuredData() {
        SyslogMessage m = base().addSdElement(SdElement.of("meta", "sequenceId", "1")).message("m").build();
        assertThat(text(CLASSIC.format(m))).isEqualTo("<165>Jan  5 09:08:07 host.example.com billing[4242]: m");
    }

    @Test
    void cutsTheTagTo32Characters() {
        SyslogMessage m = base().appName("t".repeat(31) + "XYZ").message("m").build();
        assertThat(text(CLASSIC.format(m))).isEqualTo(
                "<165>Jan  5 09:08:07 host.example.com " + "t".repeat(31) + "X[4242]: m");
    }

    @Test
    void keepsAlphanumericsDashUnderscoreDotInTheTagAndReplacesTheRest() {
        SyslogMessage m = base().appName("billing-api_v2.1 x:y[z]/w\u00e9\uD83D\uDE00!").message("m").build();
        assertThat(text(CLASSIC.format(m))).isEqualTo(
                "<165>Jan  5 09:08:07 host.example.com billing-api_v2.1_x_y_z__w___[4242]: m");
    }

    @Test
    void replacesBracketsAndColonInProcId() {
        SyslogMessage m = base().procId("1]: [fake").message("m").build();
        assertThat(text(CLASSIC.format(m))).isEqualTo("<165>Jan  5 09:08:07 host.example.com billing[1____fake]: m");
    }

    @Test
    void keepsHostnameWithItsDomainButOnlyPrintableAscii() {
        SyslogMessage m = base().hostname("h\u00f4te .example.com").message("m").build();
        assertThat(text(CLASSIC.format(m))).isEqualTo("<165>Jan  5 09:08:07 h_te_.example.com billing[4242]: m");
        assertThat(text(CLASSIC.format(base().hostname("h".repeat(300)).build())))
                .contains(" " + "h".repeat(255) + " billing");
    }

    @Test
    void writesMultiByteMessageAsUtf8WithoutBom() {
        String msg = "\u00e9\u20ac\uD83D\uDE00";
        byte[] out = CLASSIC.format(base().message(msg).build());
        String header = "<165>Jan  5 09:08:07 host.example.com billing[4242]: ";
        assertThat(out).hasSize(header.length() + 2 + 3 + 4);
        assertThat(text(out)).isEqualTo(header + msg);
    }
}
