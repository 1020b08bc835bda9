package dev.sluice.transport.relp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

import java.nio.charset.StandardCharsets;

/**
 * Encodes a {@link RelpFrame} as {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}.
 *
 * <p>A frame without data is written as librelp writes it: {@code "TXNR SP COMMAND SP 0 LF"}, with no SP after
 * the 0 (librelp's reader would take such an SP as a bad trailer). The output buffer is allocated at the exact
 * encoded length.
 *
 * <p>Senders that batch many frames into one buffer use {@link #writeFrame(ByteBuf, RelpFrame)} and
 * {@link #encodedLength(RelpFrame)} directly.
 *
 * <p>Stateless and {@link Sharable}: use {@link #INSTANCE}.
 */
@Sharable
public final class RelpFrameEncoder extends MessageToByteEncoder<RelpFrame> {

    /** The shared instance. */
    public static final RelpFrameEncoder INSTANCE = new RelpFrameEncoder();

    private static final byte SP = ' ';
    private static final byte LF = '\n';
    /** The protocol's two per-message commands as octets, each with the spaces around it. */
    private static final byte[] SP_SYSLOG_SP = (' ' + RelpCommands.SYSLOG + ' ').getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SP_RSP_SP = (' ' + RelpCommands.RSP + ' ').getBytes(StandardCharsets.US_ASCII);

    public RelpFrameEncoder() {
        super(RelpFrame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, RelpFrame msg, boolean preferDirect) {
        int length = encodedLength(msg);
        return preferDirect ? ctx.alloc().ioBuffer(length) : ctx.alloc().heapBuffer(length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RelpFrame msg, ByteBuf out) {
        writeFrame(out, msg);
    }

    /**
     * Octets {@code frame} takes on the wire, header and trailer included.
     *
     * @throws IllegalArgumentException if the data is longer than {@value RelpFrame#MAX_DATA_LENGTH} octets,
     *         which the nine-digit DATALEN cannot express
     */
    public static int encodedLength(RelpFrame frame) {
        int dataLength = checkDataLength(frame);
        long length = (long) decimalLength(frame.txnr()) + 1 + frame.command().length() + 1
                + decimalLength(dataLength) + (dataLength == 0 ? 0 : 1 + dataLength) + 1;
        return (int) length; // at most 9 + 1 + 32 + 1 + 9 + 1 + 999_999_999 + 1, which fits an int
    }

    /**
     * Appends the wire form of {@code frame} to {@code out}, growing it once if needed.
     *
     * @return the number of octets written
     * @throws IllegalArgumentException as {@link #encodedLength(RelpFrame)}
     */
    public static int writeFrame(ByteBuf out, RelpFrame frame) {
        checkDataLength(frame);
        return write(out, frame.txnr(), frame.command(), frame.dataArray());
    }

    /**
     * Appends the wire form of the frame {@code txnr command data} to {@code out} without making a
     * {@link RelpFrame} (and without copying {@code data} into one): what a sender that already holds the
     * message's octets uses. Checks the same as a {@link RelpFrame} would.
     *
     * @return the number of octets written
     * @throws IllegalArgumentException if {@code txnr}, {@code command} or the data length is invalid
     */
    public static int writeFrame(ByteBuf out, int txnr, String command, byte[] data) {
        RelpFrame.checkTxnr(txnr);
        RelpFrame.checkCommand(command);
        checkDataLength(data.length);
        return write(out, txnr, command, data);
    }

    private static int write(ByteBuf out, int txnr, String command, byte[] data) {
        int dataLength = data.length;
        int length = decimalLength(txnr) + 1 + command.length() + 1 + decimalLength(dataLength)
                + (dataLength == 0 ? 0 : 1 + dataLength) + 1;
        out.ensureWritable(length);
        writeDecimal(out, txnr);
        // the per-message commands as one copy of constant octets, not char by char
        if (command == RelpCommands.SYSLOG) {
            out.writeBytes(SP_SYSLOG_SP);
        } else if (command == RelpCommands.RSP) {
            out.writeBytes(SP_RSP_SP);
        } else {
            out.writeByte(SP);
            ByteBufUtil.writeAscii(out, command);
            out.writeByte(SP);
        }
        writeDecimal(out, dataLength);
        if (dataLength > 0) {
            out.writeByte(SP);
            out.writeBytes(data);
        }
        out.writeByte(LF);
        return length;
    }

    private static int checkDataLength(RelpFrame frame) {
        return checkDataLength(frame.dataLength());
    }

    private static int checkDataLength(int dataLength) {
        if (dataLength > RelpFrame.MAX_DATA_LENGTH) {
            throw new IllegalArgumentException(
                    "datalen: " + dataLength + " (expected: <= " + RelpFrame.MAX_DATA_LENGTH + ")");
        }
        return dataLength;
    }

    /** The two ASCII digits of 0-99, the tens in the high octet. */
    private static final int[] DIGIT_PAIRS = new int[100];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[i] = ('0' + i / 10) << 8 | ('0' + i % 10);
        }
    }

    /** Decimal digits of a non-negative int. */
    static int decimalLength(int value) {
        // comparisons, not divisions: called twice per frame
        return value < 10 ? 1 : value < 100 ? 2 : value < 1_000 ? 3 : value < 10_000 ? 4 : value < 100_000 ? 5
                : value < 1_000_000 ? 6 : value < 10_000_000 ? 7 : value < 100_000_000 ? 8
                : value < 1_000_000_000 ? 9 : 10;
    }

    /**
     * Writes the decimal digits of a non-negative int with at most three calls on the buffer, not one per digit: each
     * call checks bounds and access, and a digit at a time was ~15 % of the I/O thread's time at a million frames a
     * second (two numbers per frame, on the sender's and on the receiver's side).
     */
    static void writeDecimal(ByteBuf out, int value) {
        int length = decimalLength(value);
        int v = value;
        if (length > 8) { // 9 or 10 digits: the leading one or two first, then eight
            int high = v / 100_000_000;
            v -= high * 100_000_000;
            if (high >= 10) {
                out.writeShort(('0' + high / 10) << 8 | ('0' + high % 10));
            } else {
                out.writeByte('0' + high);
            }
            length = 8;
        }
        // eight digits, leading zeros included, digit i (from the right) in octet i so that the leftmost goes out
        // first: two pairs from each half, the halves independent of each other (not one division after another)
        int upper = v / 10_000;
        int lower = v - upper * 10_000;
        int upperHigh = upper / 100;
        int lowerHigh = lower / 100;
        long packed = (long) DIGIT_PAIRS[upperHigh] << 48 | (long) DIGIT_PAIRS[upper - upperHigh * 100] << 32
                | (long) DIGIT_PAIRS[lowerHigh] << 16 | DIGIT_PAIRS[lower - lowerHigh * 100];
        if (length == 8) {
            out.writeLong(packed);
            return;
        }
        if (length >= 4) {
            length -= 4;
            out.writeInt((int) (packed >>> (8 * length)));
        }
        if (length >= 2) {
            length -= 2;
            out.writeShort((int) (packed >>> (8 * length)));
        }
        if (length == 1) {
            out.writeByte((int) packed);
        }
    }
}
