package dev.sluice.transport.relp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The data of an {@code rsp} frame: {@code CODE SP TEXT [LF DATA]}, for example {@code "200 OK"},
 * {@code "500 message rejected"} or, answering {@code open}, {@code "200 OK\nrelp_version=0\n..."}.
 *
 * <p>Immutable. {@code CODE} is exactly three digits (200 is success, anything else an error); {@code TEXT} is a
 * human-readable message without LF; {@code DATA}, present only after an LF, depends on the command answered
 * (the server's offers for {@code open}).
 *
 * <p>Note: librelp answers {@code close} with an {@code rsp} frame whose DATALEN is 0 (no code at all), which
 * {@link #parse(RelpFrame)} rejects as it is not a response header; a client that waits for the answer to
 * {@code close} checks {@link RelpFrame#dataLength()} {@code == 0} first.
 */
public final class RelpResponse {

    /** Code of a successful response. */
    public static final int OK = 200;
    /** Code of an error response, the only error code librelp and rsyslog send. */
    public static final int ERROR = 500;
    /**
     * Longest text librelp reads, in octets; longer texts are cut there by librelp, so {@link #of} refuses them.
     * {@link #parse} accepts longer ones from peers.
     */
    public static final int MAX_TEXT_LENGTH = 80;

    private static final RelpResponse OK_RESPONSE = new RelpResponse(OK, "OK", null);

    private final int code;
    private final String text;
    private final String data;

    private RelpResponse(int code, String text, String data) {
        this.code = code;
        this.text = text;
        this.data = data;
    }

    /** {@code "200 OK"}. */
    public static RelpResponse ok() {
        return OK_RESPONSE;
    }

    /**
     * An {@code rsp} frame answering {@code 200 OK}: what a server sends for nearly every message. Its data is one
     * array shared by all such frames (a frame never changes its data), not encoded again for each.
     */
    public static RelpFrame okFrame(int txnr) {
        return RelpFrame.wrap(txnr, RelpCommands.RSP, RelpFrame.OK_DATA);
    }

    /** {@code "200 OK"} followed by LF and {@code data}, for example the server's offers. */
    public static RelpResponse ok(String data) {
        return of(OK, "OK", data);
    }

    /** {@code "500 " + text}, for example {@code error("message rejected")}. */
    public static RelpResponse error(String text) {
        return of(ERROR, text);
    }

    /** A response without data. */
    public static RelpResponse of(int code, String text) {
        return of(code, text, null);
    }

    /**
     * A response.
     *
     * @param code 0 to 999, written as three digits
     * @param text without LF, at most {@value #MAX_TEXT_LENGTH} octets of UTF-8
     * @param data written after an LF, or {@code null} for none
     */
    public static RelpResponse of(int code, String text, String data) {
        if (code < 0 || code > 999) {
            throw new IllegalArgumentException("code: " + code + " (expected: 0-999)");
        }
        Objects.requireNonNull(text, "text");
        if (text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("text: contains LF (expected: none)");
        }
        int textLength = text.getBytes(StandardCharsets.UTF_8).length;
        if (textLength > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(
                    "text: " + textLength + " octets (expected: <= " + MAX_TEXT_LENGTH + ")");
        }
        return new RelpResponse(code, text, data);
    }

    /**
     * Parses the data of an {@code rsp} frame.
     *
     * @throws RelpProtocolException if the frame is not an {@code rsp} or its data not {@code CODE SP TEXT [LF DATA]}
     */
    public static RelpResponse parse(RelpFrame frame) {
        if (!RelpCommands.RSP.equals(frame.command())) {
            throw new RelpProtocolException("rsp: command '" + frame.command() + "' (expected: rsp)");
        }
        return parse(frame.dataAsString());
    }

    /**
     * Whether {@code frame} is an {@code rsp} whose code is 200, read from its octets without making strings: what
     * {@code parse(frame).isOk()} says for such a frame (its data starts {@code "200 "}, which parses whatever
     * follows), for the answer to every message. {@code false} tells nothing: parse the frame.
     */
    public static boolean isOk(RelpFrame frame) {
        byte[] d = frame.dataArray();
        return d.length >= 4 && d[0] == '2' && d[1] == '0' && d[2] == '0' && d[3] == ' '
                && RelpCommands.RSP.equals(frame.command());
    }

    /**
     * Parses {@code CODE SP TEXT [LF DATA]}: exactly three digits, one SP, a text (possibly empty) up to the first
     * LF, and everything after that LF as data.
     *
     * @throws RelpProtocolException if {@code rspData} does not have that form
     */
    public static RelpResponse parse(String rspData) {
        if (rspData.isEmpty()) {
            throw new RelpProtocolException("rsp: empty (expected: 3-digit code, SP, text)");
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = i < rspData.length() ? rspData.charAt(i) : 0;
            if (c < '0' || c > '9') {
                throw new RelpProtocolException("rsp code: '" + abbreviate(rspData, 3) + "' (expected: 3 digits)");
            }
            code = code * 10 + (c - '0');
        }
        if (rspData.length() == 3 || rspData.charAt(3) != ' ') {
            String found = rspData.length() == 3 ? "end of data" : "'" + abbreviate(rspData.substring(3), 1) + "'";
            throw new RelpProtocolException("rsp: " + found + " after code " + rspData.substring(0, 3)
                    + " (expected: SP)");
        }
        int lf = rspData.indexOf('\n', 4);
        String text = lf < 0 ? rspData.substring(4) : rspData.substring(4, lf);
        String data = lf < 0 ? null : rspData.substring(lf + 1);
        return new RelpResponse(code, text, data);
    }

    /** The three-digit code; 200 is success. */
    public int code() {
        return code;
    }

    /** Whether the code is 200. */
    public boolean isOk() {
        return code == OK;
    }

    /** The human-readable text, possibly empty. */
    public String text() {
        return text;
    }

    /** What follows the first LF, if there was one (possibly empty). */
    public Optional<String> data() {
        return Optional.ofNullable(data);
    }

    /** The data split at LF; empty if there is no data. */
    public List<String> dataLines() {
        if (data == null || data.isEmpty()) {
            return List.of();
        }
        return List.of(data.split("\n", -1));
    }

    /** The wire form of this response, ready to be the data of an {@code rsp} frame. */
    public String toFrameString() {
        StringBuilder sb = new StringBuilder(8 + text.length() + (data == null ? 0 : data.length()));
        if (code < 100) {
            sb.append(code < 10 ? "00" : "0");
        }
        sb.append(code).append(' ').append(text);
        if (data != null) {
            sb.append('\n').append(data);
        }
        return sb.toString();
    }

    /** The wire form of this response as UTF-8 octets. */
    public byte[] toFrameData() {
        return toFrameString().getBytes(StandardCharsets.UTF_8);
    }

    /** An {@code rsp} frame carrying this response. */
    public RelpFrame toFrame(int txnr) {
        return RelpFrame.wrap(txnr, RelpCommands.RSP, toFrameData());
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof RelpResponse other && code == other.code && text.equals(other.text)
                && Objects.equals(data, other.data));
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, text, data);
    }

    @Override
    public String toString() {
        return "RelpResponse[" + toFrameString().replace("\n", "\\n") + "]";
    }

    private static String abbreviate(String s, int n) {
        String head = s.length() <= n ? s : s.substring(0, n);
        return head.replace("\n", "\\n");
    }
}
