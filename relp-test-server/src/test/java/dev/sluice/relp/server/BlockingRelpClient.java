package dev.sluice.relp.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A deliberately simple, blocking RELP client for the server's own tests: it writes exactly the bytes it is
 * told to, so tests can also send malformed frames, and reads responses one at a time.
 */
final class BlockingRelpClient implements AutoCloseable {

    /** A response as read off the wire. */
    record Response(int txnr, String command, String data) {
        int code() {
            return Integer.parseInt(data.substring(0, 3));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int nextTxnr = 1;

    BlockingRelpClient(int port) throws IOException {
        socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static BlockingRelpClient open(int port) throws IOException {
        BlockingRelpClient client = new BlockingRelpClient(port);
        Response r = client.command("open", "relp_version=0\nrelp_software=test\ncommands=syslog");
        if (r.code() != 200) {
            throw new IOException("open refused: " + r);
        }
        return client;
    }

    Response command(String command, String data) throws IOException {
        int txnr = send(command, data);
        Response r = read();
        if (r.txnr() != txnr) {
            throw new IOException("response to txnr " + r.txnr() + ", expected " + txnr + ": " + r);
        }
        return r;
    }

    /** Sends a frame without waiting; returns its TXNR. */
    int send(String command, String data) throws IOException {
        int txnr = nextTxnr++;
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        String header = txnr + " " + command + " " + bytes.length + (bytes.length > 0 ? " " : "");
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write('\n');
        out.flush();
        return txnr;
    }

    void sendRaw(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    Response read() throws IOException {
        int txnr = Integer.parseInt(token());
        String command = token();
        String lenToken = readUntil(' ', '\n');
        int len = Integer.parseInt(lenToken);
        byte[] data = new byte[len];
        if (len > 0) {
            int off = 0;
            while (off < len) {
                int n = in.read(data, off, len - off);
                if (n < 0) {
                    throw new EOFException();
                }
                off += n;
            }
            if (in.read() != '\n') {
                throw new IOException("missing trailer");
            }
        }
        return new Response(txnr, command, new String(data, StandardCharsets.UTF_8));
    }

    /** True when the server has closed the connection (reads EOF or reset). */
    boolean isClosedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private String token() throws IOException {
        return readUntil(' ', (char) -1);
    }

    private String readUntil(char delimiter, char alternative) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b == delimiter || b == alternative) {
                return buf.toString(StandardCharsets.US_ASCII);
            }
            buf.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
