package dev.sluice.it.rsyslog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Free local ports for programs we cannot hand a bound socket to, such as rsyslogd. The port is free when
 * returned; another process could take it before rsyslogd binds, which on a test machine is rare enough.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port that is free for TCP and for UDP on 127.0.0.1 right now. */
    public static int freePort() {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free TCP port", e);
            }
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                return port;
            } catch (IOException e) {
                // taken for UDP; try another
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP after 20 attempts");
    }
}
