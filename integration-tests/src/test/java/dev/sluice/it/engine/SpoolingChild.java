package dev.sluice.it.engine;

import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.health.Health;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.spool.SpoolConfig;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The application of {@link EngineRsyslogCrashTest}, in a JVM of its own so that it can be killed with SIGKILL:
 * {@code SPOOL_DIR PORT FROM TO MAX_BYTES_PER_SECOND} runs a {@link DeliveryEngine} with a spool in
 * {@code SPOOL_DIR} towards {@code relp://127.0.0.1:PORT}, prints {@code READY}, appends events {@code FROM} to
 * {@code TO - 1} and prints {@code accepted N} (flushed) after each append of event N returned {@code true}, then
 * prints {@code appended} and keeps delivering until it is killed, printing its health every second to stderr.
 */
public final class SpoolingChild {

    private SpoolingChild() {
    }

    /** The command line that runs this class in a fresh JVM with this JVM's class path. */
    static List<String> command(Path spoolDir, int port, long from, long to, long maxBytesPerSecond) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), SpoolingChild.class.getName()));
        cmd.addAll(Arrays.asList(spoolDir.toString(), Integer.toString(port), Long.toString(from), Long.toString(to),
                Long.toString(maxBytesPerSecond)));
        return cmd;
    }

    public static void main(String[] args) {
        // stdout goes to a file: every flushed line is there after a SIGKILL.
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false);
        Path spoolDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        long from = Long.parseLong(args[2]);
        long to = Long.parseLong(args[3]);
        long maxBytesPerSecond = Long.parseLong(args[4]);
        DeliveryEngine engine = DeliveryEngine.start(EngineSettings.builder("child")
                .targets(List.of(Target.parse("relp://127.0.0.1:" + port)))
                .transport(TransportSettings.builder().connectTimeout(Duration.ofSeconds(2))
                        .ackTimeout(Duration.ofSeconds(5)).backoff(() -> Backoff.fixed(Duration.ofMillis(100)))
                        .build())
                .spool(SpoolConfig.builder(spoolDir).minFreeDiskSpace(0).build())
                .maxBytesPerSecond(maxBytesPerSecond)
                .build());
        out.println("READY");
        out.flush();
        for (long i = from; i < to; i++) {
            if (engine.append(NumberedEvents.event(i))) {
                out.println("accepted " + i);
                out.flush();
            } else {
                out.println("dropped " + i);
                out.flush();
            }
        }
        out.println("appended");
        out.flush();
        while (true) {
            Health h = engine.health();
            System.err.printf("%s spool=%d acknowledged=%d resent=%d reconnects=%d dropped=%d%n", h.state(),
                    h.spoolRecords(), h.counters().acknowledged(), h.counters().resent(), h.counters().reconnects(),
                    h.counters().droppedTotal());
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
    }
}
