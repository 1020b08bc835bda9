package dev.sluice.transport.relp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF} into {@link RelpFrame}s.
 *
 * <p>Strict and cheap: every byte is checked as it arrives, and every number the peer sends is checked before
 * anything is sized by it.
 * <ul>
 *   <li>TXNR: 1 to 9 digits, no sign.</li>
 *   <li>COMMAND: 1 to {@value RelpFrame#MAX_COMMAND_LENGTH} ASCII letters.</li>
 *   <li>DATALEN: 1 to 9 digits, at most the configured maximum. A DATALEN of 0 is followed directly by the
 *       LF, without SP (as librelp writes and reads it); any other DATALEN is followed by SP and the data.</li>
 *   <li>TRAILER: exactly one LF.</li>
 * </ul>
 *
 * <p>Header bytes are consumed into the decoder's fields as they arrive, and data bytes are copied out of the
 * cumulation as they arrive, so the cumulation never holds more than one read's worth of bytes. The data array
 * is never sized by the claimed DATALEN alone: when the whole data has already arrived it is copied once into an
 * array of exactly that size; otherwise it is gathered in an array that grows with what has actually arrived
 * (at most twice that, and never beyond DATALEN).
 *
 * <p>A well-formed frame with one of RELP's commands that is whole in the read is parsed from one bulk copy of its
 * header instead (the common case: a window of frames per read); anything else goes byte by byte, so that
 * violations are found and reported in one place, and both ways accept and refuse the same input.
 *
 * <p>All frames available in one read are decoded in one pass. On the first violation the decoder throws a
 * {@link RelpProtocolException} whose message names the field, what was found and what was expected, for example
 * {@code "datalen: 200000 (expected: <= 131072)"}. Frames decoded before the violation are still passed on; then
 * the decoder resets, discards all further input, passes the exception on and closes the channel (RELP's rule:
 * the peer that detects a framing error closes the connection). A handler after it can answer the peer in its
 * {@code exceptionCaught}, before the close.
 *
 * <p>If the connection ends in the middle of a frame, the incomplete frame is dropped without an error: the
 * peer's unacknowledged commands are its own to resend.
 *
 * <p>Not {@link io.netty.channel.ChannelHandler.Sharable}: one instance per channel.
 */
public class RelpFrameDecoder extends ByteToMessageDecoder {

    /** Default maximum DATALEN, in octets: 128 KiB, librelp's default and RELP version 1's fixed limit. */
    public static final int DEFAULT_MAX_DATA_LENGTH = 128 * 1024;

    /** Where the decoder is inside the current frame. */
    enum State {
        /** Reading the transaction number digits, up to the first SP. */
        TXNR,
        /** Reading the command letters, up to the second SP. */
        COMMAND,
        /** Reading the DATALEN digits, up to SP (data follows) or LF (DATALEN 0). */
        DATALEN,
        /** Copying DATALEN octets of data. */
        DATA,
        /** Expecting the LF that ends the frame. */
        TRAILER,
        /** A violation was found: everything that arrives is dropped until the channel is closed. */
        DISCARD
    }

    private static final byte SP = ' ';
    private static final byte LF = '\n';
    private static final int MAX_DIGITS = 9;
    /** First capacity of the data array when the data arrives in pieces, in octets. */
    private static final int INITIAL_DATA_CAPACITY = 1024;

    private static final String[] KNOWN_COMMANDS = {
        RelpCommands.SYSLOG, RelpCommands.RSP, RelpCommands.OPEN, RelpCommands.CLOSE, RelpCommands.SERVERCLOSE
    };

    /** {@link #KNOWN_COMMANDS} as octets. */
    private static final byte[][] KNOWN_COMMAND_BYTES = new byte[KNOWN_COMMANDS.length][];

    static {
        for (int i = 0; i < KNOWN_COMMANDS.length; i++) {
            KNOWN_COMMAND_BYTES[i] = KNOWN_COMMANDS[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final int maxDataLength;

    private State state = State.TXNR;
    private int digits;
    private int txnr;
    private final byte[] commandBytes = new byte[RelpFrame.MAX_COMMAND_LENGTH];
    private int commandLength;
    private String command;
    private int dataLength;
    private byte[] data;
    private int dataRead;
    /** Where decoded frames go, during {@link #decode}. */
    private List<Object> out;
    private final ByteProcessor headerScanner = this::headerByte;

    /** A decoder that accepts DATALEN up to {@link #DEFAULT_MAX_DATA_LENGTH} octets. */
    public RelpFrameDecoder() {
        this(DEFAULT_MAX_DATA_LENGTH);
    }

    /**
     * A decoder that accepts DATALEN up to {@code maxDataLength} octets.
     *
     * @param maxDataLength largest DATALEN accepted, in octets, 1 to {@value RelpFrame#MAX_DATA_LENGTH}
     */
    public RelpFrameDecoder(int maxDataLength) {
        if (maxDataLength < 1 || maxDataLength > RelpFrame.MAX_DATA_LENGTH) {
            throw new IllegalArgumentException(
                    "maxDataLength: " + maxDataLength + " (expected: 1-" + RelpFrame.MAX_DATA_LENGTH + ")");
        }
        this.maxDataLength = maxDataLength;
    }

    /** Largest DATALEN accepted, in octets. */
    public int maxDataLength() {
        return maxDataLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        this.out = out;
        try {
            while (in.isReadable()) {
                if (state == State.DATA) {
                    readData(in);
                } else if (state == State.DISCARD) {
                    in.skipBytes(in.readableBytes());
                } else if (state == State.TXNR && digits == 0 && decodeWhole(in)) {
                    continue;
                } else {
                    // One pass over the header bytes (and whole frames without data); stops after the SP that
                    // starts a frame's data, which readData then copies in bulk.
                    int stop = in.forEachByte(headerScanner);
                    in.readerIndex(stop < 0 ? in.writerIndex() : stop + 1);
                }
            }
        } catch (RelpProtocolException e) {
            reset();
            state = State.DISCARD;
            in.skipBytes(in.readableBytes());
            throw e;
        } finally {
            this.out = null;
        }
    }

    /** Longest header: TXNR (9) SP COMMAND (32) SP DATALEN (9) SP. */
    private static final int MAX_HEADER = MAX_DIGITS + 1 + RelpFrame.MAX_COMMAND_LENGTH + 1 + MAX_DIGITS + 1;
    /** The start of the readable bytes, copied in one call for {@link #decodeWhole}. */
    private final byte[] head = new byte[MAX_HEADER + 1];

    /**
     * The fast path, for a frame that is whole in {@code in} and well formed: its header is parsed from one bulk
     * copy instead of byte by byte, and the frame is passed on. Returns {@code false}, consuming nothing, for
     * anything else (a frame cut by the end of the read, any violation), which the byte-by-byte path then takes:
     * it alone reports violations, so both paths accept and refuse exactly the same input.
     */
    private boolean decodeWhole(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.writerIndex() - start;
        int n = Math.min(readable, head.length);
        in.getBytes(start, head, 0, n);
        int i = 0;
        int t = 0;
        while (i < n && i < MAX_DIGITS && isDigit(head[i])) {
            t = t * 10 + (head[i++] - '0');
        }
        if (i == 0 || i >= n || head[i] != SP) {
            return false;
        }
        int commandStart = ++i;
        while (i < n && i - commandStart < RelpFrame.MAX_COMMAND_LENGTH && isLetter(head[i])) {
            i++;
        }
        int length = i - commandStart;
        if (length == 0 || i >= n || head[i] != SP) {
            return false;
        }
        String known = knownCommand(head, commandStart, length);
        if (known == null) {
            return false;
        }
        int lengthStart = ++i;
        int len = 0;
        while (i < n && i - lengthStart < MAX_DIGITS && isDigit(head[i])) {
            len = len * 10 + (head[i++] - '0');
        }
        if (i == lengthStart || i >= n || len > maxDataLength) {
            return false;
        }
        if (len == 0) {
            if (head[i] != LF) {
                return false;
            }
            in.readerIndex(start + i + 1);
            out.add(RelpFrame.of(t, known));
            return true;
        }
        if (head[i] != SP) {
            return false;
        }
        int dataStart = i + 1;
        if ((long) dataStart + len + 1 > readable || in.getByte(start + dataStart + len) != LF) {
            return false;
        }
        byte[] bytes;
        if (len == RelpFrame.OK_DATA.length && dataStart + len <= n && sameBytes(head, dataStart, RelpFrame.OK_DATA)) {
            bytes = RelpFrame.OK_DATA; // the answer to nearly every message: shared, as a frame never changes its data
        } else {
            bytes = new byte[len];
            in.getBytes(start + dataStart, bytes);
        }
        in.readerIndex(start + dataStart + len + 1);
        out.add(RelpFrame.wrap(t, known, bytes));
        return true;
    }

    /** One of the commands RELP defines, or {@code null}. */
    private static String knownCommand(byte[] a, int from, int length) {
        for (int i = 0; i < KNOWN_COMMAND_BYTES.length; i++) {
            byte[] known = KNOWN_COMMAND_BYTES[i];
            if (known.length == length && sameBytes(a, from, known)) {
                return KNOWN_COMMANDS[i];
            }
        }
        return null;
    }

    private static boolean sameBytes(byte[] a, int from, byte[] known) {
        for (int k = 0; k < known.length; k++) {
            if (a[from + k] != known[k]) {
                return false;
            }
        }
        return true;
    }

    /** Passes the exception on; after a framing violation of this decoder, also closes the channel. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.fireExceptionCaught(cause);
        if (state == State.DISCARD) {
            ctx.close();
        }
    }

    /** Consumes one header or trailer byte; returns false after the SP that starts the data. */
    private boolean headerByte(byte b) {
        switch (state) {
            case TXNR -> txnrByte(b);
            case COMMAND -> commandByte(b);
            case DATALEN -> {
                return dataLengthByte(b);
            }
            case TRAILER -> trailerByte(b);
            default -> throw new IllegalStateException("state: " + state);
        }
        return true;
    }

    private void txnrByte(byte b) {
        if (isDigit(b)) {
            if (digits == MAX_DIGITS) {
                throw new RelpProtocolException("txnr: too many digits (expected: <= " + MAX_DIGITS + ")");
            }
            txnr = txnr * 10 + (b - '0');
            digits++;
        } else if (b == SP) {
            if (digits == 0) {
                throw new RelpProtocolException("txnr: empty (expected: 1-" + MAX_DIGITS + " digits)");
            }
            digits = 0;
            state = State.COMMAND;
        } else {
            throw new RelpProtocolException(
                    "txnr: " + hex(b) + " (expected: " + (digits == 0 ? "digit" : "digit or SP") + ")");
        }
    }

    private void commandByte(byte b) {
        if (isLetter(b)) {
            if (commandLength == RelpFrame.MAX_COMMAND_LENGTH) {
                throw new RelpProtocolException(
                        "command: too many letters (expected: <= " + RelpFrame.MAX_COMMAND_LENGTH + ")");
            }
            commandBytes[commandLength++] = b;
        } else if (b == SP) {
            if (commandLength == 0) {
                throw new RelpProtocolException(
                        "command: empty (expected: 1-" + RelpFrame.MAX_COMMAND_LENGTH + " letters)");
            }
            command = commandString();
            state = State.DATALEN;
        } else {
            StringBuilder seen = new StringBuilder(commandLength + 4);
            for (int k = 0; k < commandLength; k++) {
                seen.append((char) commandBytes[k]);
            }
            throw new RelpProtocolException("command: '" + appendPrintable(seen, b)
                    + "' (expected: 1-" + RelpFrame.MAX_COMMAND_LENGTH + " letters)");
        }
    }

    /** Returns false after consuming the SP before data. */
    private boolean dataLengthByte(byte b) {
        if (isDigit(b)) {
            if (digits == MAX_DIGITS) {
                throw new RelpProtocolException("datalen: too many digits (expected: <= " + MAX_DIGITS + ")");
            }
            dataLength = dataLength * 10 + (b - '0');
            digits++;
            return true;
        }
        if (digits == 0) {
            throw new RelpProtocolException(b == SP || b == LF
                    ? "datalen: empty (expected: 1-" + MAX_DIGITS + " digits)"
                    : "datalen: " + hex(b) + " (expected: digit)");
        }
        if (b != SP && b != LF) {
            throw new RelpProtocolException("datalen: " + hex(b) + " (expected: digit, SP or LF)");
        }
        // The claimed length is checked here, before anything is sized by it.
        if (dataLength > maxDataLength) {
            throw new RelpProtocolException("datalen: " + dataLength + " (expected: <= " + maxDataLength + ")");
        }
        if (dataLength == 0) {
            // No data and no SP: the byte that ended DATALEN is the trailer (librelp reads it the same way).
            state = State.TRAILER;
            trailerByte(b);
            return true;
        }
        if (b == LF) {
            throw new RelpProtocolException(
                    "datalen: " + dataLength + " followed by LF (expected: SP and " + dataLength + " octets)");
        }
        state = State.DATA;
        return false;
    }

    private void trailerByte(byte b) {
        if (b != LF) {
            throw new RelpProtocolException("trailer: " + hex(b) + " (expected: LF)");
        }
        // data is exactly dataLength long here (both paths in readData end there), so no copy is needed.
        out.add(dataLength == 0 ? RelpFrame.of(txnr, command) : RelpFrame.wrap(txnr, command, data));
        reset();
    }

    private void readData(ByteBuf in) {
        int remaining = dataLength - dataRead;
        int readable = in.readableBytes();
        if (data == null && readable >= remaining) {
            // The whole data has arrived: one copy into an array of exactly its size.
            data = new byte[dataLength];
            in.readBytes(data);
            dataRead = dataLength;
        } else {
            int n = Math.min(readable, remaining);
            ensureDataCapacity(dataRead + n);
            in.readBytes(data, dataRead, n);
            dataRead += n;
        }
        if (dataRead == dataLength) {
            state = State.TRAILER;
        }
    }

    /** Grows the data array with what has arrived: at most twice that (or 1 KiB), never beyond DATALEN. */
    private void ensureDataCapacity(int needed) {
        if (data == null) {
            data = new byte[Math.min(dataLength, Math.max(needed, INITIAL_DATA_CAPACITY))];
        } else if (data.length < needed) {
            int doubled = (int) Math.min((long) data.length * 2, Integer.MAX_VALUE);
            data = Arrays.copyOf(data, Math.min(dataLength, Math.max(needed, doubled)));
        }
    }

    private void reset() {
        state = State.TXNR;
        digits = 0;
        txnr = 0;
        commandLength = 0;
        command = null;
        dataLength = 0;
        data = null;
        dataRead = 0;
    }

    /** The command as a String, without allocating one for the commands RELP defines. */
    private String commandString() {
        String known = knownCommand(commandBytes, 0, commandLength);
        return known != null ? known : new String(commandBytes, 0, commandLength, StandardCharsets.US_ASCII);
    }

    /** Current state, for tests. */
    State state() {
        return state;
    }

    /** Capacity of the cumulation buffer the base class holds between reads (0 if none), for tests. */
    int cumulationCapacity() {
        return internalBuffer().capacity();
    }

    /** Capacity of the array gathering the current frame's data (0 if none), for tests. */
    int dataCapacity() {
        return data == null ? 0 : data.length;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isLetter(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    static String hex(byte b) {
        return String.format("0x%02x", b & 0xff);
    }

    private static String appendPrintable(StringBuilder sb, byte b) {
        if (b >= 0x21 && b <= 0x7e) {
            sb.append((char) b);
        } else {
            sb.append("\\x").append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }
}
