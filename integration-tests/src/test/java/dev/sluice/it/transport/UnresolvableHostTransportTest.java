package dev.sluice.it.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.transport.net.HostResolver;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.net.TransportState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Transports to host names that never resolve ({@code .invalid}, RFC 2606). The name is looked up on a
 * {@code sluice-dns-N} thread, which hands the address to the transport's event loop; a transport closed meanwhile
 * may have been the last one, its event loop group already shut down when the lookup ends.
 */
class UnresolvableHostTransportTest {

    /** Enough quick open-and-close rounds for lookups to end after the group's shutdown (one in 15 or so here). */
    private static final int ROUNDS = 300;

    @Test
    void closingDuringTheLookupLeavesNoUncaughtExceptionOnTheResolverThread() {
        List<String> uncaught = new CopyOnWriteArrayList<>();
        AtomicInteger lookupsStarted = new AtomicInteger();
        AtomicInteger lookupsEnded = new AtomicInteger();
        HostResolver counted = host -> { // the JDK's lookup, as by default
            lookupsStarted.incrementAndGet();
            try {
                return HostResolver.system().resolve(host);
            } finally {
                lookupsEnded.incrementAndGet();
            }
        };
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        // A pool thread's uncaught exception goes to this handler; by default it is printed on System.err.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> uncaught.add(thread.getName() + ": " + e));
        try {
            for (int i = 0; i < ROUNDS; i++) {
                SyslogTransport transport = SyslogTransports.create(
                        Target.parse("relp://no-such-host-" + i + ".invalid:2514"),
                        TransportSettings.builder().resolver(counted).build(), new RecordingListener());
                assertThat(transport.close(Duration.ZERO)).isEmpty();
                assertThat(transport.state()).isEqualTo(TransportState.CLOSED);
            }
            // the last lookups end within milliseconds; give them well over that to report anything
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(uncaught).isEmpty());
            // Leave no lookup behind: a DNS server slow to say "no such name" holds the shared lookup threads, and the
            // next test class's transports to host names would wait behind what is left of the 300.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofMinutes(5))
                    .until(() -> lookupsEnded.get() == lookupsStarted.get());
            assertThat(uncaught).isEmpty();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }
}
