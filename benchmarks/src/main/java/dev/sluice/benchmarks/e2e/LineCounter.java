package dev.sluice.benchmarks.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

/**
 * A plain TCP (or TLS) receiver that only counts LF-terminated lines: the cheapest possible receiver for
 * LF-framed syslog, one blocking thread per connection, so that the sender is what is measured.
 */
final class LineCounter implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong octets = new AtomicLong();
    private final Thread acceptor;

    LineCounter(SSLContext tls) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = tls == null ? new ServerSocket(0, 50, loopback)
                : tls.getServerSocketFactory().createServerSocket(0, 50, loopback);
        acceptor = new Thread(this::accept, "line-counter-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    long count() {
        return lines.get();
    }

    long octets() {
        return octets.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> read(s), "line-counter-read");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket s) {
        byte[] buf = new byte[256 * 1024];
        try (s; InputStream in = s.getInputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                octets.addAndGet(n);
                long c = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        c++;
                    }
                }
                if (c > 0) {
                    lines.addAndGet(c);
                }
            }
        } catch (IOException e) {
            // connection gone; the count stays
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
