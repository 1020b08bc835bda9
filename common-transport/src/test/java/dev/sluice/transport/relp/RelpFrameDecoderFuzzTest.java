package dev.sluice.transport.relp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * At least a million generated frames, valid, truncated and corrupted, in random pieces, through decoders.
 *
 * <p>Deterministic: the seed is fixed (override with {@code -Dsluice.fuzz.seed=...}) and every failure message
 * starts with it and the batch number, so a failure can be replayed exactly.
 *
 * <p>Batches of 1-40 frames are sent as they are (65%), cut short (15%), with one frame's DATALEN replaced by one
 * above the maximum (5%), or with 1-3 random octets changed, half of them in headers and trailers (15%).
 *
 * <p>Holds the decoder to: only {@link RelpProtocolException} ever escapes, and the channel is closed after it;
 * valid streams decode to exactly the frames encoded; every frame that ends before the first corrupted byte or
 * the truncation point decodes exactly; the cumulation never holds more than one frame's header and maximum data,
 * the data array never outgrows the maximum; and the heap after the run is back near where it started.
 */
@ExtendWith(NettyLeakWatch.class)
class RelpFrameDecoderFuzzTest {

    private static final long DEFAULT_SEED = 0x5_1CE_2026L;
    private static final int FRAMES = 1_000_000;
    /** Small maximum for the fuzzed decoders, so frames of the maximum size are frequent and cheap. */
    private static final int MAX_DATA = 2048;
    /** Longest header plus trailer: 9 digits, SP, 32 letters, SP, 9 digits, SP, LF. */
    private static final int MAX_OVERHEAD = 9 + 1 + 32 + 1 + 9 + 1 + 1;
    private static final String[] KNOWN = {"syslog", "rsp", "open", "close", "serverclose"};

    private final byte[] pool = new byte[1 << 20];
    private final ByteBuf scratch = Unpooled.buffer(64 * 1024);

    private Random random;
    private String where;
    private RelpFrameDecoder validDecoder;
    private EmbeddedChannel validChannel;

    @Test
    void survivesOneMillionValidTruncatedAndCorruptedFrames() {
        long seed = Long.getLong("sluice.fuzz.seed", DEFAULT_SEED);
        random = new Random(seed);
        random.nextBytes(pool);
        for (int i = 0; i < pool.length; i += 17) {
            pool[i] = (byte) (i % 3 == 0 ? '\n' : i % 3 == 1 ? ' ' : 0); // the octets framing cares about
        }
        long heapBefore = usedHeapAfterGc();

        long frames = 0;
        long valid = 0;
        long truncated = 0;
        long corrupted = 0;
        long rejected = 0;
        long oversized = 0;
        int batch = 0;
        newValidChannel();
        try {
            while (frames < FRAMES) {
                batch++;
                where = "seed=" + seed + " batch=" + batch;
                List<RelpFrame> expected = generateFrames(1 + random.nextInt(40));
                frames += expected.size();
                int[] ends = new int[expected.size()];
                byte[] wire = encode(expected, ends);
                int mode = random.nextInt(100);
                if (mode < 65) {
                    feedValid(expected, wire);
                    valid++;
                } else if (mode < 80) {
                    feedTruncated(expected, ends, wire);
                    truncated++;
                } else if (mode < 85) {
                    feedOversized(expected, ends);
                    oversized++;
                } else if (feedCorrupted(expected, ends, wire)) {
                    corrupted++;
                    rejected++;
                } else {
                    corrupted++;
                }
            }
        } catch (AssertionError e) {
            throw new AssertionError(where + ": " + e.getMessage(), e);
        } finally {
            validChannel.finishAndReleaseAll();
            scratch.release();
        }

        assertThat(frames).as(where).isGreaterThanOrEqualTo(FRAMES);
        assertThat(valid).as(where).isPositive();
        assertThat(truncated).as(where).isPositive();
        assertThat(oversized).as(where).isPositive();
        // Flips inside data are invisible to framing, and a digit turned into another digit can stay valid (or
        // leave the decoder waiting); half the flips aim at header octets, so most streams must be rejected.
        assertThat(rejected).as(where + " corrupted=" + corrupted).isGreaterThan(corrupted / 2);

        long heapGrowth = usedHeapAfterGc() - heapBefore;
        assertThat(heapGrowth).as(where + ": heap growth in octets").isLessThan(32L * 1024 * 1024);
    }

    private void newValidChannel() {
        validDecoder = new RelpFrameDecoder(MAX_DATA);
        validChannel = new EmbeddedChannel(validDecoder);
    }

    private void feedValid(List<RelpFrame> expected, byte[] wire) {
        List<RelpFrame> decoded = new ArrayList<>();
        Throwable error = feed(validChannel, validDecoder, wire, wire.length, decoded);
        assertThat(error).as(where + " valid stream").isNull();
        assertThat(decoded).as(where + " valid stream").isEqualTo(expected);
        assertThat(validDecoder.state()).as(where).isEqualTo(RelpFrameDecoder.State.TXNR);
    }

    private void feedTruncated(List<RelpFrame> expected, int[] ends, byte[] wire) {
        int cut = random.nextInt(wire.length);
        RelpFrameDecoder decoder = new RelpFrameDecoder(MAX_DATA);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<RelpFrame> decoded = new ArrayList<>();
        Throwable error = feed(channel, decoder, wire, cut, decoded);
        assertThat(error).as(where + " truncated at " + cut).isNull();
        assertThat(decoded).as(where + " truncated at " + cut).isEqualTo(expected.subList(0, complete(ends, cut)));
        assertThat(channel.finishAndReleaseAll()).as(where).isFalse();
    }

    /**
     * Replaces one frame's header by one claiming more than the maximum (up to 999999999) and sends some of its
     * "data": the decoder must reject it by its DATALEN alone, after passing the frames before it intact.
     */
    private void feedOversized(List<RelpFrame> expected, int[] ends) {
        int victim = random.nextInt(expected.size());
        int claimed = MAX_DATA + 1 + random.nextInt(random.nextBoolean() ? 10 : RelpFrame.MAX_DATA_LENGTH - MAX_DATA);
        int start = victim == 0 ? 0 : ends[victim - 1];
        byte[] before = encode(expected.subList(0, victim), new int[victim]);
        scratch.clear();
        scratch.writeBytes(before);
        scratch.writeCharSequence(expected.get(victim).txnr() + " " + expected.get(victim).command() + " " + claimed
                + " ", java.nio.charset.StandardCharsets.US_ASCII);
        scratch.writeBytes(pool, 0, random.nextInt(4 * MAX_DATA));
        byte[] wire = new byte[scratch.readableBytes()];
        scratch.getBytes(0, wire);

        RelpFrameDecoder decoder = new RelpFrameDecoder(MAX_DATA);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<RelpFrame> decoded = new ArrayList<>();
        Throwable error = feed(channel, decoder, wire, wire.length, decoded);
        assertThat(error).as(where + " oversized frame at " + start).isInstanceOf(RelpProtocolException.class)
                .hasMessage("datalen: " + claimed + " (expected: <= " + MAX_DATA + ")");
        assertThat(channel.isOpen()).as(where).isFalse();
        assertThat(decoded).as(where).isEqualTo(expected.subList(0, victim));
        channel.finishAndReleaseAll();
    }

    /** Returns whether the decoder rejected the stream. */
    private boolean feedCorrupted(List<RelpFrame> expected, int[] ends, byte[] wire) {
        int flips = 1 + random.nextInt(3);
        int first = wire.length;
        for (int i = 0; i < flips; i++) {
            int at;
            if (random.nextBoolean()) {
                at = random.nextInt(wire.length);
            } else {
                // a header or trailer octet: where framing errors live, though they are few of all octets
                int frame = random.nextInt(expected.size());
                int start = frame == 0 ? 0 : ends[frame - 1];
                int headerLength = ends[frame] - start - expected.get(frame).dataLength();
                int k = random.nextInt(headerLength);
                at = k == headerLength - 1 ? ends[frame] - 1 : start + k;
            }
            wire[at] = (byte) (wire[at] ^ (1 + random.nextInt(255)));
            first = Math.min(first, at);
        }
        RelpFrameDecoder decoder = new RelpFrameDecoder(MAX_DATA);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<RelpFrame> decoded = new ArrayList<>();
        Throwable error = feed(channel, decoder, wire, wire.length, decoded);
        if (error != null) {
            assertThat(error).as(where + " corrupted from " + first).isInstanceOf(RelpProtocolException.class);
            assertThat(channel.isOpen()).as(where + " open after " + error).isFalse();
        }
        int intact = complete(ends, first);
        assertThat(decoded.size()).as(where + " corrupted from " + first).isGreaterThanOrEqualTo(intact);
        assertThat(decoded.subList(0, intact)).as(where + " corrupted from " + first)
                .isEqualTo(expected.subList(0, intact));
        channel.finishAndReleaseAll();
        return error != null;
    }

    /** Feeds {@code wire[0, length)} in random pieces; returns the exception that escaped, if any. */
    private Throwable feed(EmbeddedChannel channel, RelpFrameDecoder decoder, byte[] wire, int length,
            List<RelpFrame> decoded) {
        int offset = 0;
        while (offset < length) {
            int piece = random.nextInt(4) == 0 ? 1 + random.nextInt(8) : 1 + random.nextInt(length - offset);
            piece = Math.min(piece, length - offset);
            ByteBuf buf;
            if (random.nextInt(64) == 0) {
                // now and then a buffer that paranoid leak detection tracks
                buf = ByteBufAllocator.DEFAULT.buffer(piece).writeBytes(wire, offset, piece);
            } else {
                buf = Unpooled.wrappedBuffer(wire, offset, piece);
            }
            offset += piece;
            Throwable error = null;
            try {
                channel.writeInbound(buf);
            } catch (Throwable t) {
                error = t;
            }
            drain(channel, decoded);
            if (error != null) {
                if (!(error instanceof RelpProtocolException)) {
                    throw new AssertionError(where + ": unexpected " + error, error);
                }
                return error;
            }
            assertThat(decoder.cumulationCapacity()).as(where).isLessThanOrEqualTo(MAX_DATA + MAX_OVERHEAD);
            assertThat(decoder.dataCapacity()).as(where).isLessThanOrEqualTo(MAX_DATA);
        }
        return null;
    }

    private void drain(EmbeddedChannel channel, List<RelpFrame> decoded) {
        for (Object o; (o = channel.readInbound()) != null; ) {
            if (!(o instanceof RelpFrame frame)) {
                io.netty.util.ReferenceCountUtil.release(o);
                throw new AssertionError(where + ": not a frame: " + o);
            }
            decoded.add(frame);
        }
    }

    /** How many frames end at or before {@code offset}. */
    private static int complete(int[] ends, int offset) {
        int n = 0;
        while (n < ends.length && ends[n] <= offset) {
            n++;
        }
        return n;
    }

    private List<RelpFrame> generateFrames(int count) {
        List<RelpFrame> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(RelpFrame.wrap(txnr(), command(), data()));
        }
        return frames;
    }

    private int txnr() {
        if (random.nextInt(50) == 0) {
            return random.nextBoolean() ? 0 : RelpFrame.MAX_TXNR;
        }
        int digits = 1 + random.nextInt(9);
        int low = digits == 1 ? 0 : (int) Math.pow(10, digits - 1);
        int high = (int) Math.min((long) Math.pow(10, digits) - 1, RelpFrame.MAX_TXNR);
        return low + random.nextInt(high - low + 1);
    }

    private String command() {
        if (random.nextInt(10) < 7) {
            return KNOWN[random.nextInt(KNOWN.length)];
        }
        char[] letters = new char[1 + random.nextInt(RelpFrame.MAX_COMMAND_LENGTH)];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (char) ((random.nextBoolean() ? 'a' : 'A') + random.nextInt(26));
        }
        return new String(letters);
    }

    private byte[] data() {
        int kind = random.nextInt(100);
        int length;
        if (kind < 30) {
            return new byte[0];
        } else if (kind < 90) {
            length = 1 + random.nextInt(128);
        } else if (kind < 98) {
            length = 129 + random.nextInt(MAX_DATA - 129);
        } else {
            length = MAX_DATA;
        }
        int from = random.nextInt(pool.length - length);
        return Arrays.copyOfRange(pool, from, from + length);
    }

    private byte[] encode(List<RelpFrame> frames, int[] ends) {
        scratch.clear();
        for (int i = 0; i < frames.size(); i++) {
            RelpFrameEncoder.writeFrame(scratch, frames.get(i));
            ends[i] = scratch.writerIndex();
        }
        byte[] wire = new byte[scratch.readableBytes()];
        scratch.getBytes(0, wire);
        return wire;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
