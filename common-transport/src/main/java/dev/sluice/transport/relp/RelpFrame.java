package dev.sluice.transport.relp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One RELP frame: {@code TXNR SP COMMAND SP DATALEN [SP DATA] TRAILER}.
 *
 * <p>Immutable. The data is held as the exact octets that travel on the wire; {@link #data()} returns a copy,
 * {@link #dataLength()} and {@link #dataAsString()} read it without exposing the array.
 */
public final class RelpFrame {

    /** Highest transaction number the protocol allows: nine decimal digits. */
    public static final int MAX_TXNR = 999_999_999;

    /** The TXNR after {@code txnr}: {@value #MAX_TXNR} wraps to 1 (0 is reserved for hints such as serverclose). */
    public static int nextTxnr(int txnr) {
        return txnr >= MAX_TXNR || txnr < 0 ? 1 : txnr + 1;
    }
    /** Longest command name the protocol allows, in ASCII letters. */
    public static final int MAX_COMMAND_LENGTH = 32;
    /**
     * Highest DATALEN the wire format can express: nine decimal digits, in octets. Real sessions use a far
     * smaller limit, see {@link RelpFrameDecoder#DEFAULT_MAX_DATA_LENGTH}.
     */
    public static final int MAX_DATA_LENGTH = 999_999_999;

    private static final byte[] EMPTY = new byte[0];
    /**
     * The data of a {@code 200 OK} answer, shared by the frames that carry it (decoded or made by
     * {@link RelpResponse#okFrame}): a frame never changes its data.
     */
    static final byte[] OK_DATA = "200 OK".getBytes(StandardCharsets.US_ASCII);

    private final int txnr;
    private final String command;
    private final byte[] data;

    private RelpFrame(int txnr, String command, byte[] data) {
        checkTxnr(txnr);
        checkCommand(command);
        this.txnr = txnr;
        this.command = command;
        this.data = data;
    }

    /** @throws IllegalArgumentException if {@code txnr} is outside 0-{@value #MAX_TXNR} */
    static void checkTxnr(int txnr) {
        if (txnr < 0 || txnr > MAX_TXNR) {
            throw new IllegalArgumentException("txnr: " + txnr + " (expected: 0-" + MAX_TXNR + ")");
        }
    }

    /**
     * Checks a command name: 1 to {@value #MAX_COMMAND_LENGTH} ASCII letters. The protocol's own commands (the
     * {@link RelpCommands} constants, which the decoder returns for them) are known to be valid and skip the
     * loop: every frame carries one.
     *
     * @throws IllegalArgumentException if it is not
     */
    static void checkCommand(String command) {
        Objects.requireNonNull(command, "command");
        if (command == RelpCommands.SYSLOG || command == RelpCommands.RSP) {
            return;
        }
        if (command.isEmpty() || command.length() > MAX_COMMAND_LENGTH) {
            throw new IllegalArgumentException(
                    "command length: " + command.length() + " (expected: 1-" + MAX_COMMAND_LENGTH + ")");
        }
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                throw new IllegalArgumentException("command: '" + command + "' (expected: letters only)");
            }
        }
    }

    /** A frame whose data is a copy of {@code data}. */
    public static RelpFrame of(int txnr, String command, byte[] data) {
        return new RelpFrame(txnr, command, data.length == 0 ? EMPTY : data.clone());
    }

    /** A frame whose data is {@code data} encoded as UTF-8. */
    public static RelpFrame of(int txnr, String command, String data) {
        return new RelpFrame(txnr, command, data.getBytes(StandardCharsets.UTF_8));
    }

    /** A frame without data. */
    public static RelpFrame of(int txnr, String command) {
        return new RelpFrame(txnr, command, EMPTY);
    }

    /**
     * A frame that takes ownership of {@code data} without copying it. The caller must not modify the array
     * afterwards; meant for codecs and senders that have just built the array.
     */
    static RelpFrame wrap(int txnr, String command, byte[] data) {
        return new RelpFrame(txnr, command, data);
    }

    /** Transaction number, 0 to {@value #MAX_TXNR}. */
    public int txnr() {
        return txnr;
    }

    /** Command name, for example {@code syslog}, {@code rsp}, {@code open}. */
    public String command() {
        return command;
    }

    /** Number of data octets (DATALEN). */
    public int dataLength() {
        return data.length;
    }

    /** A copy of the data octets. */
    public byte[] data() {
        return data.length == 0 ? EMPTY : data.clone();
    }

    /** The data decoded as UTF-8 (malformed sequences replaced). */
    public String dataAsString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The data array itself, for the codec in this package. */
    byte[] dataArray() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RelpFrame other)) {
            return false;
        }
        return txnr == other.txnr && command.equals(other.command) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * txnr + command.hashCode()) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "RelpFrame[txnr=" + txnr + ", command=" + command + ", dataLength=" + data.length + "]";
    }
}
