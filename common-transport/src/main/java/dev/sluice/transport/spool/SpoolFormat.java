package dev.sluice.transport.spool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Encoding and checking of the on-disk structures of format version 1; the layout is documented on {@link Spool}.
 * Pure functions over byte arrays, big-endian.
 */
final class SpoolFormat {

    static final short VERSION = 1;

    /** {@code "SLSG"}: the first four bytes of a segment (and of the rejected file). */
    static final int SEGMENT_MAGIC = 0x534C5347;
    /** {@code "SLRC"}: the first four bytes of a record; resynchronisation after damage searches for it. */
    static final int RECORD_MAGIC = 0x534C5243;
    /** {@code "SLCK"}: the first four bytes of the checkpoint file. */
    static final int CHECKPOINT_MAGIC = 0x534C434B;
    /** {@code "SLDA"}: the first four bytes of the file of ids delivered ahead of the head. */
    static final int DELIVERED_AHEAD_MAGIC = 0x534C4441;
    /** Octets of that file besides its ranges: magic, version, reserved, count, and the trailing CRC32C. */
    static final int DELIVERED_AHEAD_OVERHEAD = 16;

    static final int SEGMENT_HEADER_BYTES = 32;
    static final int RECORD_HEADER_BYTES = 28;
    /** Record header plus the trailing CRC32C. */
    static final int RECORD_OVERHEAD = RECORD_HEADER_BYTES + 4;
    static final int CHECKPOINT_BYTES = 36;

    /** Largest message a record may hold, in octets (16 MiB); a larger length field is damage. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /** {@link #recordLength} results that are not lengths. */
    static final int BAD_MAGIC = -1;
    static final int BAD_LENGTH = -2;
    static final int BAD_CRC = -3;
    static final int INCOMPLETE = -4;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private SpoolFormat() {
    }

    static int getInt(byte[] b, int i) {
        return (int) INT.get(b, i);
    }

    static long getLong(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    static short getShort(byte[] b, int i) {
        return (short) SHORT.get(b, i);
    }

    static void putInt(byte[] b, int i, int v) {
        INT.set(b, i, v);
    }

    static void putLong(byte[] b, int i, long v) {
        LONG.set(b, i, v);
    }

    static void putShort(byte[] b, int i, short v) {
        SHORT.set(b, i, v);
    }

    static int crc(CRC32C crc, byte[] b, int off, int len) {
        crc.reset();
        crc.update(b, off, len);
        return (int) crc.getValue();
    }

    /** The 32-byte header of segment {@code number}. */
    static byte[] segmentHeader(long number, CRC32C crc) {
        byte[] h = new byte[SEGMENT_HEADER_BYTES];
        putInt(h, 0, SEGMENT_MAGIC);
        putShort(h, 4, VERSION);
        putShort(h, 6, (short) SEGMENT_HEADER_BYTES);
        putLong(h, 8, number);
        // 16..27 reserved, zero
        putInt(h, 28, crc(crc, h, 0, 28));
        return h;
    }

    /**
     * Checks a segment header read from {@code b[0..size)}.
     *
     * @return {@code null} if it is sound, else what is wrong with it
     */
    static String checkSegmentHeader(byte[] b, long size, long expectedNumber, CRC32C crc) {
        if (size < SEGMENT_HEADER_BYTES) {
            return "segment shorter than its header: " + size + " bytes (expected: >= " + SEGMENT_HEADER_BYTES + ")";
        }
        int magic = getInt(b, 0);
        if (magic != SEGMENT_MAGIC) {
            return String.format("segment magic: 0x%08x (expected: 0x%08x)", magic, SEGMENT_MAGIC);
        }
        int storedCrc = getInt(b, 28);
        int actualCrc = crc(crc, b, 0, 28);
        if (storedCrc != actualCrc) {
            return String.format("segment header crc32c: 0x%08x (expected: 0x%08x)", storedCrc, actualCrc);
        }
        short version = getShort(b, 4);
        if (version != VERSION) {
            return "segment format version: " + version + " (expected: " + VERSION + ")";
        }
        short headerLength = getShort(b, 6);
        if (headerLength != SEGMENT_HEADER_BYTES) {
            return "segment header length: " + headerLength + " (expected: " + SEGMENT_HEADER_BYTES + ")";
        }
        long number = getLong(b, 8);
        if (number != expectedNumber) {
            return "segment number: " + number + " (expected: " + expectedNumber + ", from the file name)";
        }
        return null;
    }

    /** Octets a record of a {@code messageLength}-octet message takes on disk. */
    static int recordBytes(int messageLength) {
        return RECORD_OVERHEAD + messageLength;
    }

    /** Writes a whole record into {@code dst} at {@code off}; {@code dst} has room for {@link #recordBytes}. */
    static void encodeRecord(byte[] dst, int off, long seqId, long epochSecond, int nano, byte[] message,
            CRC32C crc) {
        encodeRecordHeader(dst, off, seqId, epochSecond, nano, message.length);
        System.arraycopy(message, 0, dst, off + RECORD_HEADER_BYTES, message.length);
        int end = off + RECORD_HEADER_BYTES + message.length;
        putInt(dst, end, crc(crc, dst, off, RECORD_HEADER_BYTES + message.length));
    }

    /** Writes the {@link #RECORD_HEADER_BYTES} octets that precede the message into {@code dst} at {@code off}. */
    static void encodeRecordHeader(byte[] dst, int off, long seqId, long epochSecond, int nano, int length) {
        putInt(dst, off, RECORD_MAGIC);
        putInt(dst, off + 4, length);
        putLong(dst, off + 8, seqId);
        putLong(dst, off + 16, epochSecond);
        putInt(dst, off + 24, nano);
    }

    /**
     * The CRC32C that ends a record: over its header ({@code header[0..28)}) and then its message, the same value
     * as over the two laid out back to back, without copying the message next to the header first.
     */
    static int recordCrc(CRC32C crc, byte[] header, byte[] message) {
        return recordCrc(crc, header, message, message.length);
    }

    /** {@link #recordCrc(CRC32C, byte[], byte[])} of the first {@code length} octets of {@code message}. */
    static int recordCrc(CRC32C crc, byte[] header, byte[] message, int length) {
        crc.reset();
        crc.update(header, 0, RECORD_HEADER_BYTES);
        crc.update(message, 0, length);
        return (int) crc.getValue();
    }

    /**
     * The length of {@code b[0..limit)} without its trailing zero octets: the offset after the last non-zero one.
     * A record starts with its magic, never with a zero, so where a record should start and everything from there
     * to the end of the file is zero, the records have ended: the rest is space the memory-mapped writer reserved
     * and had not written yet (see the class comment of {@link Spool}).
     */
    static int withoutZeroTail(byte[] b, int limit) {
        int i = limit;
        while (i >= 8 && getLong(b, i - 8) == 0) {
            i -= 8;
        }
        while (i > 0 && b[i - 1] == 0) {
            i--;
        }
        return i;
    }

    /**
     * Checks the record that starts at {@code b[off]}, with the data valid up to {@code limit}.
     *
     * @return the record's total length in octets if it is whole and sound; else {@link #BAD_MAGIC},
     *         {@link #BAD_LENGTH}, {@link #BAD_CRC} or {@link #INCOMPLETE} (it runs past {@code limit})
     */
    static int recordLength(byte[] b, int off, int limit, CRC32C crc) {
        if (limit - off < 8) {
            return INCOMPLETE;
        }
        if (getInt(b, off) != RECORD_MAGIC) {
            return BAD_MAGIC;
        }
        int length = getInt(b, off + 4);
        if (length < 0 || length > MAX_MESSAGE_BYTES) {
            return BAD_LENGTH;
        }
        int total = RECORD_OVERHEAD + length;
        if (limit - off < total) {
            return INCOMPLETE;
        }
        int nano = getInt(b, off + 24);
        int stored = getInt(b, off + total - 4);
        if (stored != crc(crc, b, off, total - 4) || nano < 0 || nano > 999_999_999) {
            return BAD_CRC;
        }
        return total;
    }

    static String describe(int code, byte[] b, int off, int limit) {
        switch (code) {
            case BAD_MAGIC:
                return String.format("record magic: 0x%08x (expected: 0x%08x)", getInt(b, off), RECORD_MAGIC);
            case BAD_LENGTH:
                return "record length: " + getInt(b, off + 4) + " (expected: 0.." + MAX_MESSAGE_BYTES + ")";
            case BAD_CRC:
                return "record crc32c mismatch";
            case INCOMPLETE:
                return "record runs past the end of the file (" + (limit - off) + " bytes left)";
            default:
                return "record length " + code;
        }
    }

    /** The first offset at or after {@code from} where a whole, sound record starts, or -1. */
    static int resync(byte[] b, int from, int limit, CRC32C crc) {
        for (int i = Math.max(from, 0); i <= limit - RECORD_OVERHEAD; i++) {
            if (b[i] == 0x53 && getInt(b, i) == RECORD_MAGIC && recordLength(b, i, limit, crc) > 0) {
                return i;
            }
        }
        return -1;
    }

    static byte[] checkpoint(long headSegment, long headOffset, long highestSeqId, CRC32C crc) {
        byte[] c = new byte[CHECKPOINT_BYTES];
        putInt(c, 0, CHECKPOINT_MAGIC);
        putShort(c, 4, VERSION);
        // 6..7 reserved, zero
        putLong(c, 8, headSegment);
        putLong(c, 16, headOffset);
        putLong(c, 24, highestSeqId);
        putInt(c, 32, crc(crc, c, 0, 32));
        return c;
    }

    /** @return {@code null} if the checkpoint in {@code c[0..size)} is sound, else what is wrong with it */
    static String checkCheckpoint(byte[] c, int size, CRC32C crc) {
        if (size != CHECKPOINT_BYTES) {
            return "checkpoint size: " + size + " (expected: " + CHECKPOINT_BYTES + ")";
        }
        if (getInt(c, 0) != CHECKPOINT_MAGIC) {
            return String.format("checkpoint magic: 0x%08x (expected: 0x%08x)", getInt(c, 0), CHECKPOINT_MAGIC);
        }
        if (getInt(c, 32) != crc(crc, c, 0, 32)) {
            return "checkpoint crc32c mismatch";
        }
        if (getShort(c, 4) != VERSION) {
            return "checkpoint format version: " + getShort(c, 4) + " (expected: " + VERSION + ")";
        }
        if (getLong(c, 8) < 1 || getLong(c, 16) < 0) {
            return "checkpoint position: segment " + getLong(c, 8) + " offset " + getLong(c, 16)
                    + " (expected: segment >= 1, offset >= 0)";
        }
        return null;
    }

    /** The file of ids delivered ahead of the head, for {@code pairs} = first, last, ... ascending. */
    static byte[] deliveredAhead(long[] pairs, CRC32C crc) {
        int n = pairs.length / 2;
        byte[] b = new byte[DELIVERED_AHEAD_OVERHEAD + 16 * n];
        putInt(b, 0, DELIVERED_AHEAD_MAGIC);
        putShort(b, 4, VERSION);
        // 6..7 reserved, zero
        putInt(b, 8, n);
        for (int i = 0; i < pairs.length; i++) {
            putLong(b, 12 + 8 * i, pairs[i]);
        }
        putInt(b, b.length - 4, crc(crc, b, 0, b.length - 4));
        return b;
    }

    /**
     * Checks the file of ids delivered ahead of the head in {@code b}.
     *
     * @return {@code null} if it is sound, else what is wrong with it
     */
    static String checkDeliveredAhead(byte[] b, CRC32C crc) {
        if (b.length < DELIVERED_AHEAD_OVERHEAD) {
            return "delivered-ahead size: " + b.length + " (expected: >= " + DELIVERED_AHEAD_OVERHEAD + ")";
        }
        if (getInt(b, 0) != DELIVERED_AHEAD_MAGIC) {
            return String.format("delivered-ahead magic: 0x%08x (expected: 0x%08x)", getInt(b, 0),
                    DELIVERED_AHEAD_MAGIC);
        }
        int n = getInt(b, 8);
        if (n < 0 || n > DeliveredAhead.MAX_RANGES) {
            return "delivered-ahead ranges: " + n + " (expected: 0.." + DeliveredAhead.MAX_RANGES + ")";
        }
        if (b.length != DELIVERED_AHEAD_OVERHEAD + 16L * n) {
            return "delivered-ahead size: " + b.length + " (expected: " + (DELIVERED_AHEAD_OVERHEAD + 16L * n)
                    + " for " + n + " ranges)";
        }
        if (getInt(b, b.length - 4) != crc(crc, b, 0, b.length - 4)) {
            return "delivered-ahead crc32c mismatch";
        }
        if (getShort(b, 4) != VERSION) {
            return "delivered-ahead format version: " + getShort(b, 4) + " (expected: " + VERSION + ")";
        }
        long previous = 0;
        for (int i = 0; i < n; i++) {
            long first = getLong(b, 12 + 16 * i);
            long last = getLong(b, 20 + 16 * i);
            if (first <= previous || last < first) {
                return "delivered-ahead range " + i + ": " + first + ".." + last + " (expected: ascending, after "
                        + previous + ")";
            }
            previous = last;
        }
        return null;
    }

    /** The ranges of a sound file of ids delivered ahead of the head, as first, last, ... */
    static long[] deliveredAheadRanges(byte[] b) {
        long[] pairs = new long[2 * getInt(b, 8)];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = getLong(b, 12 + 8 * i);
        }
        return pairs;
    }
}
