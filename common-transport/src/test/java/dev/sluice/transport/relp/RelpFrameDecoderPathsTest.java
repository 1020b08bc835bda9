package dev.sluice.transport.relp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The decoder parses a frame that is whole in one read from one bulk copy of its header, and anything else byte
 * by byte. Both must accept and refuse exactly the same input: random streams of valid and damaged frames, fed
 * whole (the bulk path first) and one octet at a time (never the bulk path), give the same frames and the same
 * error.
 */
@ExtendWith(NettyLeakWatch.class)
class RelpFrameDecoderPathsTest {

    private static final String[] COMMANDS = {"syslog", "rsp", "open", "close", "serverclose", "custom"};
    private static final int MAX_DATA = 300;

    @Test
    void wholeAndOctetByOctetDecodeTheSameFramesAndFailTheSameWay() {
        Random random = new Random(20261128);
        int failures = 0;
        for (int round = 0; round < 5_000; round++) {
            byte[] wire = stream(random);
            Outcome whole = decode(wire, wire.length);
            Outcome octets = decode(wire, 1);
            assertThat(whole.frames).as("round %d: %s", round, printable(wire)).isEqualTo(octets.frames);
            assertThat(whole.error).as("round %d: %s", round, printable(wire)).isEqualTo(octets.error);
            if (whole.error != null) {
                failures++;
            }
        }
        assertThat(failures).as("damaged streams refused").isBetween(500, 4_500);
    }

    private static byte[] stream(Random random) {
        StringBuilder sb = new StringBuilder();
        int frames = 1 + random.nextInt(6);
        for (int i = 0; i < frames; i++) {
            String command = COMMANDS[random.nextInt(COMMANDS.length)];
            int length = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(MAX_DATA + 20);
            sb.append(random.nextInt(1_000_000_000)).append(' ').append(command).append(' ').append(length);
            if (length > 0) {
                sb.append(' ');
                for (int k = 0; k < length; k++) {
                    sb.append((char) ('a' + random.nextInt(26)));
                }
            }
            sb.append('\n');
        }
        byte[] wire = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        int damage = random.nextInt(3);
        for (int d = 0; d < damage; d++) {
            int at = random.nextInt(Math.min(wire.length, 40));
            wire[at] = (byte) " \n0123456789xZ\0".charAt(random.nextInt(15));
        }
        return wire;
    }

    private record Outcome(List<String> frames, String error) {
    }

    private static Outcome decode(byte[] wire, int piece) {
        EmbeddedChannel channel = new EmbeddedChannel(new RelpFrameDecoder(MAX_DATA));
        List<String> frames = new ArrayList<>();
        String error = null;
        try {
            for (int i = 0; i < wire.length && error == null; i += piece) {
                try {
                    channel.writeInbound(Unpooled.wrappedBuffer(wire, i, Math.min(piece, wire.length - i)));
                } catch (DecoderException e) {
                    error = e.getMessage();
                }
                Object m;
                while ((m = channel.readInbound()) != null) {
                    RelpFrame f = (RelpFrame) m;
                    frames.add(f.txnr() + " " + f.command() + " " + new String(f.dataArray(), StandardCharsets.ISO_8859_1));
                    io.netty.util.ReferenceCountUtil.release(m);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return new Outcome(frames, error);
    }

    private static String printable(byte[] wire) {
        return new String(wire, StandardCharsets.ISO_8859_1).replace("\n", "\\n").replace("\0", "\\0");
    }
}
