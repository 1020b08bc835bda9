package dev.sluice.transport.spool;

import static dev.sluice.transport.spool.SpoolFormat.RECORD_HEADER_BYTES;
import static dev.sluice.transport.spool.SpoolFormat.RECORD_OVERHEAD;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Octets {@code [0, limit)} of a file in segment format, read a chunk at a time into one buffer, with the
 * {@link SpoolFormat} checks over them: how open checks a segment or {@code rejected.spool}, and how damage found
 * while reading is stepped over, without the whole file in memory. {@code rejected.spool} is bounded by
 * {@code maxSize} alone (gigabytes, for some): read whole, it took as much heap at every open, past 2 GiB more than an
 * array holds. A record longer than the chunk (at most 16 MiB) is read into a buffer of its own while it is looked at.
 * Offsets are the file's; reads are positional, so the channel's position does not move.
 */
final class FileWindow {

    private final FileChannel channel;
    private final long limit;
    private final byte[] chunk;
    /** What is held: {@link #chunk}, or a buffer of one record longer than it. */
    private byte[] buf;
    /** The file offset of {@code buf[0]}. */
    private long base;
    /** Octets of {@code buf} that hold the file's. */
    private int held;

    /** @param chunk reused for every read that fits in it; its length is the chunk size */
    FileWindow(FileChannel channel, long limit, byte[] chunk) {
        this.channel = channel;
        this.limit = limit;
        this.chunk = chunk;
        this.buf = chunk;
    }

    /**
     * Makes the window hold {@code [pos, min(pos + need, limit))}, reading from {@code pos} if it does not (a chunk, or
     * {@code need} octets if more). {@code pos} is below the limit.
     *
     * @return the index of {@code pos} in {@link #buffer()}
     */
    int load(long pos, int need) throws IOException {
        long end = Math.min(limit, pos + need);
        if (pos >= base && end <= base + held) {
            return (int) (pos - base);
        }
        int n = (int) Math.min(limit - pos, Math.max(need, chunk.length));
        byte[] b = n <= chunk.length ? chunk : new byte[n];
        held = 0; // nothing sound in it if the read fails
        ByteBuffer dst = ByteBuffer.wrap(b, 0, n);
        while (dst.hasRemaining()) {
            if (channel.read(dst, pos + dst.position()) < 0) {
                throw new EOFException("unexpected end of file at " + (pos + dst.position()));
            }
        }
        buf = b;
        base = pos;
        held = n;
        return 0;
    }

    byte[] buffer() {
        return buf;
    }

    /**
     * {@link SpoolFormat#withoutZeroTail} of the whole file: the offset after its last octet that is not zero. Read
     * back from the limit a chunk at a time, so a long zero tail (a crashed mapped writer's) costs reads, not memory.
     */
    long withoutZeroTail() throws IOException {
        long end = limit;
        while (end > 0) {
            long from = Math.max(0, end - chunk.length);
            int i = load(from, (int) (end - from));
            int nonZero = SpoolFormat.withoutZeroTail(buf, i + (int) (end - from));
            if (nonZero > 0) {
                return base + nonZero;
            }
            end = base;
        }
        return 0;
    }

    /**
     * {@link SpoolFormat#recordLength} of the record at {@code pos}, whole up to the limit: one that runs past the
     * chunk is read again whole, in a buffer of its length, so {@link SpoolFormat#INCOMPLETE} means the file ends in
     * it.
     */
    int recordLength(long pos, CRC32C crc) throws IOException {
        int i = load(pos, RECORD_HEADER_BYTES);
        int r = SpoolFormat.recordLength(buf, i, held, crc);
        if (r == SpoolFormat.INCOMPLETE && base + held < limit) {
            // Runs past what is held: the window holds its header (at least RECORD_HEADER_BYTES octets, the limit is
            // further), and recordLength found its length field sound.
            i = load(pos, RECORD_OVERHEAD + SpoolFormat.getInt(buf, i + 4));
            r = SpoolFormat.recordLength(buf, i, held, crc);
        }
        return r;
    }

    /** The sequence id of the record at {@code pos}. */
    long sequenceId(long pos) throws IOException {
        return SpoolFormat.getLong(buf, load(pos, RECORD_HEADER_BYTES) + 8);
    }

    /** {@link SpoolFormat#describe} of what {@link #recordLength} found at {@code pos}. */
    String describe(int code, long pos) throws IOException {
        int i = load(pos, RECORD_HEADER_BYTES);
        return SpoolFormat.describe(code, buf, i, (int) Math.min(Integer.MAX_VALUE, i + (limit - pos)));
    }

    /**
     * {@link SpoolFormat#resync} over the file: the first offset at or after {@code from} where a whole, sound record
     * starts, or -1.
     */
    long resync(long from, CRC32C crc) throws IOException {
        for (long pos = Math.max(from, 0); pos <= limit - RECORD_OVERHEAD; pos++) {
            int i = load(pos, RECORD_OVERHEAD);
            if (buf[i] == 0x53 && SpoolFormat.getInt(buf, i) == SpoolFormat.RECORD_MAGIC
                    && recordLength(pos, crc) > 0) {
                return pos;
            }
        }
        return -1;
    }

    /** Writes {@code [from, to)} of the file to {@code file}, replacing it, a chunk at a time. */
    void copy(long from, long to, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long pos = from; pos < to; ) {
                int n = (int) Math.min(to - pos, chunk.length);
                int i = load(pos, n);
                out.write(buf, i, n);
                pos += n;
            }
        }
    }
}
