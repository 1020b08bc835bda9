package dev.sluice.benchmarks.e2e;

import dev.sluice.relp.server.RelpServer;
import dev.sluice.transport.health.Jmx;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Memory with the receiver down: N events (default 10,000,000) through the Log4j2 appender with a spool while
 * nothing listens on the RELP port, in a small heap; then the RELP test server starts on that port and the run
 * ends when it has counted every event. Prints the heap after a full GC at checkpoints, the peak heap, the spool
 * size, drops, and the count received.
 *
 * <pre>
 * java -Xmx64m -XX:+ExitOnOutOfMemoryError -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     dev.sluice.benchmarks.e2e.SpoolMemory [events] [spool-directory]
 * </pre>
 */
public final class SpoolMemory {

    private SpoolMemory() {
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("sluice-spool-memory");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("log4j2.xml");
        Files.writeString(config, "<Configuration status=\"WARN\"><Appenders>"
                + "<RemoteSyslog name=\"out\" target=\"relp://127.0.0.1:" + port + "\" appName=\"bench\""
                + " reconnectDelay=\"1s\" shutdownTimeout=\"30s\">"
                + "<Spool directory=\"" + dir.resolve("spool") + "\" maxSize=\"8 GB\" fsync=\"interval\"/>"
                + "</RemoteSyslog></Appenders><Loggers><Root level=\"INFO\"><AppenderRef ref=\"out\"/></Root>"
                + "</Loggers></Configuration>");
        System.out.printf("max heap %d MiB, %,d events, receiver down (port %d), spool %s%n",
                Runtime.getRuntime().maxMemory() >> 20, events, port, dir.resolve("spool"));
        LoggerContext ctx = new LoggerContext("memory", null, config.toUri());
        ctx.start();
        Logger logger = ctx.getLogger("bench");
        String pad = "x".repeat(100);
        long start = System.nanoTime();
        for (long i = 0; i < events; i++) {
            logger.info("event {} {}", i, pad);
            if ((i + 1) % (events / 5) == 0) {
                report(String.format(Locale.ROOT, "logged %,d (%.1f s)", i + 1, (System.nanoTime() - start) / 1e9));
            }
        }
        long logged = System.nanoTime();
        System.out.printf(Locale.ROOT, "logging took %.1f s (%,.0f events/s) with the receiver down%n",
                (logged - start) / 1e9, events / ((logged - start) / 1e9));
        try (RelpServer server = RelpServer.builder().port(port).recordMessages(false).build().start()) {
            long up = System.nanoTime();
            long deadline = up + TimeUnit.MINUTES.toNanos(20);
            long lastReport = up;
            while (server.messageCount() < events && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                    lastReport = System.nanoTime();
                    report(String.format(Locale.ROOT, "received %,d", server.messageCount()));
                }
            }
            long done = System.nanoTime();
            // let the engine see the last acks, so the spool is empty when we look
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
            report("after delivery");
            System.out.printf(Locale.ROOT, "receiver up: %,d received in %.1f s (%,.0f msg/s from the spool)%n",
                    server.messageCount(), (done - up) / 1e9, server.messageCount() / ((done - up) / 1e9));
            ctx.stop(30, TimeUnit.SECONDS);
            System.out.printf("received %,d of %,d logged%s%n", server.messageCount(), events,
                    server.messageCount() >= events ? " — all delivered" : " — MISSING");
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("peak heap (sum of pool peaks, before GC) %d MiB; no OutOfMemoryError%n", peak >> 20);
        System.exit(0);
    }

    private static void report(String what) throws Exception {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = Jmx.objectName("out");
        String engine = "";
        if (mbs.isRegistered(name)) {
            engine = String.format(Locale.ROOT, "; spool %,d records / %,d MiB, dropped %,d, acknowledged %,d",
                    (Long) mbs.getAttribute(name, "SpoolRecords"), (Long) mbs.getAttribute(name, "SpoolBytes") >> 20,
                    (Long) mbs.getAttribute(name, "Dropped"), (Long) mbs.getAttribute(name, "Acknowledged"));
        }
        System.out.printf(Locale.ROOT, "%s: heap after GC %.1f MiB%s%n", what, used / 1048576.0, engine);
    }
}
