package dev.sluice.transport.relp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakWatch.class)
class RelpFrameEncoderTest {

    @Test
    void writesFrameWithData() {
        assertThat(encode(RelpFrame.of(5, "syslog", "hello"))).isEqualTo("5 syslog 5 hello\n");
    }

    @Test
    void writesDatalenZeroWithoutSpaceAsLibrelpDoes() {
        assertThat(encode(RelpFrame.of(2, "close"))).isEqualTo("2 close 0\n");
    }

    @Test
    void writesServercloseHint() {
        assertThat(encode(RelpFrame.of(0, RelpCommands.SERVERCLOSE))).isEqualTo("0 serverclose 0\n");
    }

    @Test
    void writesLargestTxnr() {
        assertThat(encode(RelpFrame.of(999_999_999, "rsp", "200 OK"))).isEqualTo("999999999 rsp 6 200 OK\n");
    }

    @Test
    void writesEveryNumberOfDigitsAsLongDoes() {
        // the digits go out packed in up to three writes: every length from 1 to 10, at both ends of its range and
        // in between, and random values
        List<Integer> values = new ArrayList<>(List.of(0, Integer.MAX_VALUE, 1_000_000_000, 1_234_567_890));
        for (int p = 1; p <= 1_000_000_000 && p > 0; p *= 10) {
            values.add(p);
            values.add(p - 1);
            values.add(p + 1);
            values.add(p <= 100_000_000 ? p * 3 + 7 : p + 987_654_321);
        }
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            values.add(random.nextInt(Integer.MAX_VALUE));
            values.add(random.nextInt(1_000));
        }
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer(16);
        try {
            for (int value : values) {
                out.clear();
                out.writeByte('<');
                RelpFrameEncoder.writeDecimal(out, value);
                out.writeByte('>');
                assertThat(out.toString(ISO_8859_1)).isEqualTo("<" + value + ">");
                assertThat(out.readableBytes()).isEqualTo(RelpFrameEncoder.decimalLength(value) + 2);
            }
        } finally {
            out.release();
        }
    }

    @Test
    void writesOctetsNotCharacters() {
        // "é" is two octets in UTF-8: DATALEN counts octets.
        assertThat(encode(RelpFrame.of(1, "syslog", "é"))).isEqualTo("1 syslog 2 \u00c3\u00a9\n");
    }

    @Test
    void computesEncodedLengthOfWhatItWrites() {
        List<RelpFrame> frames = List.of(RelpFrame.of(0, "serverclose"), RelpFrame.of(9, "a"),
                RelpFrame.of(10, "syslog", "x"), RelpFrame.of(999_999_999, "a".repeat(32), new byte[1000]));
        for (RelpFrame frame : frames) {
            ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
            try {
                int written = RelpFrameEncoder.writeFrame(buf, frame);
                assertThat(written).isEqualTo(buf.readableBytes()).isEqualTo(RelpFrameEncoder.encodedLength(frame));
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void batchesFramesIntoOneBuffer() {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(8);
        try {
            RelpFrameEncoder.writeFrame(buf, RelpFrame.of(1, "syslog", "a"));
            RelpFrameEncoder.writeFrame(buf, RelpFrame.of(2, "syslog", "bc"));
            RelpFrameEncoder.writeFrame(buf, RelpFrame.of(3, "close"));
            assertThat(buf.toString(ISO_8859_1)).isEqualTo("1 syslog 1 a\n2 syslog 2 bc\n3 close 0\n");
        } finally {
            buf.release();
        }
    }

    @Test
    void allocatesExactlyTheEncodedLength() {
        EmbeddedChannel channel = new EmbeddedChannel(RelpFrameEncoder.INSTANCE);
        channel.writeOutbound(RelpFrame.of(7, "syslog", "exact"));
        ByteBuf out = channel.readOutbound();
        try {
            assertThat(out.readableBytes()).isEqualTo(17);
            assertThat(out.capacity()).isEqualTo(17);
        } finally {
            out.release();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void sharesOneInstanceBetweenChannels() {
        EmbeddedChannel first = new EmbeddedChannel(RelpFrameEncoder.INSTANCE);
        EmbeddedChannel second = new EmbeddedChannel(RelpFrameEncoder.INSTANCE);
        assertThat(roundTrip(first, List.of(RelpFrame.of(1, "syslog", "one")))).containsExactly(
                RelpFrame.of(1, "syslog", "one"));
        assertThat(roundTrip(second, List.of(RelpFrame.of(2, "syslog", "two")))).containsExactly(
                RelpFrame.of(2, "syslog", "two"));
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void roundTripsFramesWithoutData() {
        List<RelpFrame> frames = List.of(RelpFrame.of(1, "open"), RelpFrame.of(2, "close"),
                RelpFrame.of(0, "serverclose"), RelpFrame.of(3, "rsp", new byte[0]));
        assertRoundTrip(frames);
    }

    @Test
    void roundTripsBinaryDataWithLfAndNul() {
        byte[] data = new byte[512];
        new Random(7).nextBytes(data);
        data[0] = '\n';
        data[1] = 0;
        data[511] = '\n';
        assertRoundTrip(List.of(RelpFrame.of(1, "syslog", data), RelpFrame.of(2, "syslog", new byte[] {'\n'}),
                RelpFrame.of(3, "syslog", new byte[] {0})));
    }

    @Test
    void roundTripsDataOfMaximumSize() {
        byte[] data = new byte[RelpFrameDecoder.DEFAULT_MAX_DATA_LENGTH];
        new Random(11).nextBytes(data);
        assertRoundTrip(List.of(RelpFrame.of(1, "syslog", data), RelpFrame.of(2, "close")));
    }

    @Test
    void roundTripsOpenAndItsAnswer() {
        RelpFrame open = RelpFrame.of(1, "open", RelpOffers.clientOffers().format());
        RelpFrame answer = RelpOffers.clientOffers().answerOpen(java.util.Set.of("syslog")).toFrame(1);
        assertRoundTrip(List.of(open, answer));
    }

    private static void assertRoundTrip(List<RelpFrame> frames) {
        EmbeddedChannel encoder = new EmbeddedChannel(RelpFrameEncoder.INSTANCE);
        assertThat(roundTrip(encoder, frames)).containsExactlyElementsOf(frames);
        assertThat(encoder.finishAndReleaseAll()).isFalse();
    }

    /** Frames through the encoder channel, its bytes through a decoder channel. */
    private static List<RelpFrame> roundTrip(EmbeddedChannel encoder, List<RelpFrame> frames) {
        EmbeddedChannel decoder = new EmbeddedChannel(new RelpFrameDecoder());
        for (RelpFrame frame : frames) {
            encoder.writeOutbound(frame);
        }
        for (Object bytes; (bytes = encoder.readOutbound()) != null; ) {
            decoder.writeInbound(bytes);
        }
        List<RelpFrame> decoded = new ArrayList<>();
        for (Object frame; (frame = decoder.readInbound()) != null; ) {
            decoded.add((RelpFrame) frame);
        }
        assertThat(decoder.finishAndReleaseAll()).isFalse();
        return decoded;
    }

    private static String encode(RelpFrame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(RelpFrameEncoder.INSTANCE);
        channel.writeOutbound(frame);
        ByteBuf out = channel.readOutbound();
        try {
            return out.toString(ISO_8859_1);
        } finally {
            out.release();
            channel.finishAndReleaseAll();
        }
    }
}
