package dev.sluice.transport.syslog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FramingTest {

    private static final String FORGERY = "\n<13>1 2026-01-01T00:00:00Z forged - - - - fake";

    private static SyslogMessage forging() {
        return SyslogMessage.builder().timestamp(Instant.parse("2026-01-05T09:08:07Z")).hostname("host")
                .appName("app").message("hello" + FORGERY).build();
    }

    private static int count(byte[] bytes, int b) {
        int n = 0;
        for (byte x : bytes) {
            if (x == b) {
                n++;
            }
        }
        return n;
    }

    @Test
    void parsesConfigNamesInAnyCase() {
        assertThat(Framing.parse("octet-counting")).isEqualTo(Framing.OCTET_COUNTING);
        assertThat(Framing.parse(" Octet-Counting ")).isEqualTo(Framing.OCTET_COUNTING);
        assertThat(Framing.parse("OCTET_COUNTING")).isEqualTo(Framing.OCTET_COUNTING);
        assertThat(Framing.parse("lf")).isEqualTo(Framing.LF);
        assertThat(Framing.parse("LF")).isEqualTo(Framing.LF);
        assertThat(Framing.DEFAULT).isEqualTo(Framing.OCTET_COUNTING);
        assertThat(Framing.LF.configName()).isEqualTo("lf");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"nul", "octet", "crlf", "octetcounting"})
    void rejectsUnknownFramingNamingValueAndAcceptedOnes(String value) {
        assertThatThrownBy(() -> Framing.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("framing: '" + value + "' (expected one of: octet-counting, lf)");
    }

    @Test
    void octetCountingPrefixesTheLengthAndASpace() {
        assertThat(new String(Framing.OCTET_COUNTING.frame("<13>1 - - - - - -".getBytes(UTF_8)), UTF_8))
                .isEqualTo("17 <13>1 - - - - - -");
    }

    @Test
    void octetCountingCountsOctetsNotCharacters() {
        byte[] msg = "<13>1 - - - - - \u00e9\u20ac\uD83D\uDE00".getBytes(UTF_8);
        assertThat(msg).hasSize(16 + 2 + 3 + 4);
        assertThat(new String(Framing.OCTET_COUNTING.frame(msg), UTF_8)).startsWith("25 <13>1");
        assertThat(Framing.OCTET_COUNTING.framedLength(msg, 0, msg.length)).isEqualTo(3 + 25);
    }

    @Test
    void octetCountingCarriesAForgeryAsContentWithAnExactLength() {
        byte[] payload = SyslogEncoder.builder().framing(Framing.OCTET_COUNTING).build().encode(forging()).payload();
        byte[] framed = Framing.OCTET_COUNTING.frame(payload);
        String s = new String(framed, UTF_8);
        int sp = s.indexOf(' ');
        int length = Integer.parseInt(s.substring(0, sp));
        assertThat(length).isEqualTo(payload.length);
        assertThat(framed.length - sp - 1).isEqualTo(length);
        // The content goes unchanged: a reader that honours the count reads exactly one message.
        assertThat(new String(framed, sp + 1, length, UTF_8)).endsWith("hello" + FORGERY);
    }

    @Test
    void lfFramingOfAForgeryYieldsExactlyOneLfTheTrailer() {
        byte[] payload = SyslogEncoder.builder().framing(Framing.LF).build().encode(forging()).payload();
        byte[] framed = Framing.LF.frame(payload);
        assertThat(count(framed, '\n')).isEqualTo(1);
        assertThat(framed[framed.length - 1]).isEqualTo((byte) '\n');
        assertThat(new String(framed, UTF_8)).isEqualTo("<13>1 2026-01-05T09:08:07Z host app - - - \uFEFF"
                + "hello#012<13>1 2026-01-01T00:00:00Z forged - - - - fake\n");
    }

    @Test
    void lfFramingEscapesLfCrAndNulEvenWithoutTheEncoder() {
        byte[] raw = "<13>1 - - - - - a\nb\r\nc\u0000d\n".getBytes(UTF_8);
        byte[] framed = Framing.LF.frame(raw);
        assertThat(new String(framed, UTF_8)).isEqualTo("<13>1 - - - - - a#012b#015#012c#000d#012\n");
        assertThat(count(framed, '\n')).isEqualTo(1);
        assertThat(count(framed, '\r')).isZero();
        assertThat(count(framed, 0)).isZero();
        assertThat(Framing.LF.framedLength(raw, 0, raw.length)).isEqualTo(framed.length);
    }

    @Test
    void lfFramingLeavesUtf8AndOtherControlCharactersAlone() {
        byte[] raw = "x\u00e9\t\u20ac\uD83D\uDE00\u0007".getBytes(UTF_8);
        assertThat(Framing.LF.frame(raw)).isEqualTo(("x\u00e9\t\u20ac\uD83D\uDE00\u0007\n").getBytes(UTF_8));
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void writeFrameToAStreamMatchesFrame(Framing framing) throws IOException {
        byte[] raw = "..<13>1 - - - - - a\nb\r\u0000\u00e9\n..".getBytes(UTF_8);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        framing.writeFrame(raw, 2, raw.length - 4, stream);
        byte[] slice = java.util.Arrays.copyOfRange(raw, 2, raw.length - 2);
        assertThat(stream.toByteArray()).isEqualTo(framing.frame(slice));
        assertThat(framing.framedLength(raw, 2, raw.length - 4)).isEqualTo(stream.size());
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void framesIntoAReusableBufferAfterWhatIsThere(Framing framing) {
        SyslogBuffer buffer = new SyslogBuffer(1);
        byte[] a = "<13>1 - - - - - a\nb".getBytes(UTF_8);
        byte[] b = "<14>1 - - - - - c".getBytes(UTF_8);
        framing.frame(a, 0, a.length, buffer);
        framing.frame(b, 0, b.length, buffer);
        byte[] expected = new byte[framing.frame(a).length + framing.frame(b).length];
        System.arraycopy(framing.frame(a), 0, expected, 0, framing.frame(a).length);
        System.arraycopy(framing.frame(b), 0, expected, framing.frame(a).length, framing.frame(b).length);
        assertThat(buffer.toByteArray()).isEqualTo(expected);
    }

    @Test
    void framesAnEmptyMessage() {
        assertThat(Framing.OCTET_COUNTING.frame(new byte[0])).isEqualTo("0 ".getBytes(UTF_8));
        assertThat(Framing.LF.frame(new byte[0])).isEqualTo("\n".getBytes(UTF_8));
    }

    @Test
    void syslogFormatParsesNamesInAnyCase() {
        assertThat(SyslogFormat.parse("RFC5424")).isEqualTo(SyslogFormat.RFC5424);
        assertThat(SyslogFormat.parse(" rfc3164 ")).isEqualTo(SyslogFormat.RFC3164);
        assertThat(SyslogFormat.DEFAULT).isEqualTo(SyslogFormat.RFC5424);
        assertThat(SyslogFormat.RFC5424.newFormatter()).isInstanceOf(Rfc5424Formatter.class);
        assertThat(SyslogFormat.RFC3164.newFormatter()).isInstanceOf(Rfc3164Formatter.class);
        assertThatThrownBy(() -> SyslogFormat.parse("5424")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("format: '5424' (expected one of: RFC5424, RFC3164)");
    }
}
