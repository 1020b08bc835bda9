package dev.sluice.benchmarks.e2e;

import dev.sluice.relp.server.RelpServer;
import dev.sluice.transport.net.DeliveryListener;
import dev.sluice.transport.net.Outbound;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Receive rate of the RELP test server ({@code recordMessages(false)}, counting only) from 1, 2, 4 and 8 parallel
 * clients. Each client is our RELP transport used directly (no engine, no appender), default window (128), fed
 * pre-formatted ~200-octet messages by its own thread; the clock stops when the server has counted them all.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     dev.sluice.benchmarks.e2e.ServerRate [total-messages, default 1000000] [clients ...]
 * </pre>
 */
public final class ServerRate {

    private ServerRate() {
    }

    public static void main(String[] args) throws Exception {
        long total = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        List<Integer> clientCounts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            clientCounts.add(Integer.parseInt(args[i]));
        }
        if (clientCounts.isEmpty()) {
            clientCounts = List.of(1, 2, 4, 8);
        }
        byte[] payload = ("<14>1 " + Instant.now() + " localhost bench - - [meta sequenceId=\"1\"] event "
                + "x".repeat(120)).getBytes(StandardCharsets.UTF_8);
        try (RelpServer server = RelpServer.builder().recordMessages(false).build().start()) {
            Target target = Target.parse("relp://127.0.0.1:" + server.port());
            run(server, target, 2, total / 10, payload); // warm-up
            System.out.println("| clients | messages | seconds | msg/s |");
            System.out.println("|---:|---:|---:|---:|");
            for (int clients : clientCounts) {
                double seconds = run(server, target, clients, total, payload);
                System.out.printf(Locale.ROOT, "| %d | %,d | %.2f | %,.0f |%n", clients, total, seconds,
                        total / seconds);
            }
        }
        System.exit(0);
    }

    private static double run(RelpServer server, Target target, int clients, long total, byte[] payload)
            throws Exception {
        List<SyslogTransport> transports = new ArrayList<>();
        CountDownLatch connected = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            transports.add(SyslogTransports.create(target, TransportSettings.defaults(), new DeliveryListener() {
                @Override
                public void connected(SocketAddress remote) {
                    connected.countDown();
                }
            }));
        }
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("clients did not connect");
        }
        long base = server.messageCount();
        long per = total / clients;
        long expected = base + per * clients;
        List<Thread> feeders = new ArrayList<>();
        long start = System.nanoTime();
        for (SyslogTransport t : transports) {
            Thread f = new Thread(() -> {
                for (long n = 0; n < per; n++) {
                    Outbound m = new Outbound(n, payload);
                    while (!t.offer(m)) {
                        LockSupport.parkNanos(20_000);
                    }
                }
            }, "feeder");
            f.start();
            feeders.add(f);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (server.messageCount() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("server counted " + (server.messageCount() - base) + " of " + total);
            }
            LockSupport.parkNanos(1_000_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Thread f : feeders) {
            f.join();
        }
        for (SyslogTransport t : transports) {
            t.close(Duration.ofSeconds(5));
        }
        return seconds;
    }
}
