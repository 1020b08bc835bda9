package dev.sluice.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;

import dev.sluice.transport.event.AppendGuard;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * What Sluice's own threads log (Netty's DEBUG lines through SLF4J, say) stays out of the appender also when the
 * framework hands it over on a thread of its own: the event's thread, not the appending one, says whose it is.
 */
class OwnThreadEventsTest {

    @Test
    void anEventLoggedOnSluicesOwnThreadIsNotSentBehindAnAsyncAppender() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            receiver.setSoTimeout(30_000);
            LoggerContext context = new LoggerContext();
            context.setMDCAdapter(new LogbackMDCAdapter());
            context.start();
            RemoteSyslogAppender remote = new RemoteSyslogAppender();
            remote.setContext(context);
            remote.setName("own-threads");
            remote.setTarget("udp://127.0.0.1:" + receiver.getLocalPort());
            remote.start();
            AsyncAppender async = new AsyncAppender();
            async.setContext(context);
            async.setName("async");
            async.addAppender(remote);
            async.start();
            Logger logger = context.getLogger("io.netty.handler.ssl.SslHandler");
            logger.addAppender(async);
            try {
                Thread io = new Thread(() -> logger.info("logged on our I/O thread"),
                        AppendGuard.THREAD_PREFIX + "io-1");
                io.start();
                io.join();
                logger.info("logged by the application");

                // in order: had the first been sent, it would be the first to arrive
                DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
                receiver.receive(packet);
                String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                assertThat(text).endsWith("logged by the application")
                        .contains("thread=\"" + Thread.currentThread().getName() + "\"");
            } finally {
                context.stop();
            }
        }
    }
}
