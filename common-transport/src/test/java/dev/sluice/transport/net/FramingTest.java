package dev.sluice.transport.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FramingTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void octetCountingCountsOctetsNotCharacters() {
        byte[] payload = utf8("<14>1 - h a - - - ünïcödé\n");
        byte[] framed = Framing.OCTET_COUNTING.frame(payload);
        assertThat(new String(framed, StandardCharsets.UTF_8)).startsWith(payload.length + " <14>1");
        assertThat(framed).hasSize(Framing.OCTET_COUNTING.framedLength(payload));
        assertThat(payload.length).isGreaterThan("<14>1 - h a - - - ünïcödé\n".length());
    }

    @Test
    void lfFramingEscapesLineBreaksSoThatContentCannotForgeAFrame() {
        byte[] framed = Framing.LF.frame(utf8("a\nb\r\nc"));
        assertThat(new String(framed, StandardCharsets.US_ASCII)).isEqualTo("a#012b#015#012c\n");
        assertThat(framed).hasSize(Framing.LF.framedLength(utf8("a\nb\r\nc")));
    }

    @Test
    void framesAnEmptyPayload() {
        assertThat(Framing.OCTET_COUNTING.frame(new byte[0])).isEqualTo(utf8("0 "));
        assertThat(Framing.LF.frame(new byte[0])).isEqualTo(utf8("\n"));
    }

    @Test
    void parsesTheOptionValue() {
        assertThat(Framing.parse(" Octet-Counting ")).isEqualTo(Framing.OCTET_COUNTING);
        assertThat(Framing.parse("lf")).isEqualTo(Framing.LF);
        assertThatThrownBy(() -> Framing.parse("crlf")).hasMessage("framing: 'crlf' (expected: octet-counting or lf)");
    }
}
