package dev.sluice.benchmarks.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code rsyslogd} (never the system's): its own config directory, work directory and pid file, in the
 * foreground as a child of this JVM. A counting config writes a 2-octet line ({@code "x\n"}) per received message
 * to {@code count.out}, so the count is the file size / 2 without parsing anything.
 */
final class PrivateRsyslog implements AutoCloseable {

    private final Path dir;
    private final Path countFile;
    private Process process;

    private PrivateRsyslog(Path dir) {
        this.dir = dir;
        this.countFile = dir.resolve("count.out");
    }

    /** imrelp on {@code relpPort} and imptcp on {@code tcpPort}, both into the counting file. */
    static PrivateRsyslog receiver(Path dir, int relpPort, int tcpPort) throws IOException {
        PrivateRsyslog r = new PrivateRsyslog(dir);
        r.start("module(load=\"imrelp\")\n"
                + "module(load=\"imptcp\")\n"
                + "template(name=\"one\" type=\"string\" string=\"x\\n\")\n"
                + "ruleset(name=\"count\") {\n"
                + "  action(type=\"omfile\" file=\"" + r.countFile + "\" template=\"one\")\n"
                + "}\n"
                + "input(type=\"imrelp\" port=\"" + relpPort + "\" ruleset=\"count\")\n"
                + "input(type=\"imptcp\" address=\"127.0.0.1\" port=\"" + tcpPort + "\" ruleset=\"count\")\n",
                relpPort, tcpPort);
        return r;
    }

    /** imptcp on {@code tcpPort}, forwarded with omrelp (window {@code window}) to 127.0.0.1:{@code relpPort}. */
    static PrivateRsyslog omrelpForwarder(Path dir, int tcpPort, int relpPort, int window) throws IOException {
        PrivateRsyslog r = new PrivateRsyslog(dir);
        r.start("module(load=\"imptcp\")\n"
                + "module(load=\"omrelp\")\n"
                + "ruleset(name=\"fwd\") {\n"
                + "  action(type=\"omrelp\" target=\"127.0.0.1\" port=\"" + relpPort + "\" windowSize=\"" + window
                + "\" queue.type=\"LinkedList\" queue.size=\"200000\" queue.dequeueBatchSize=\"1024\")\n"
                + "}\n"
                + "input(type=\"imptcp\" address=\"127.0.0.1\" port=\"" + tcpPort + "\" ruleset=\"fwd\")\n",
                tcpPort);
        return r;
    }

    private void start(String body, int... ports) throws IOException {
        Files.createDirectories(dir.resolve("work"));
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, "global(workDirectory=\"" + dir.resolve("work") + "\")\n"
                + "main_queue(queue.size=\"200000\")\n" + body);
        process = new ProcessBuilder("rsyslogd", "-n", "-f", conf.toString(), "-i", dir.resolve("rsyslogd.pid")
                .toString()).redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int port : ports) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("rsyslogd exited: " + Files.readString(dir.resolve("rsyslogd.out")));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("rsyslogd does not listen on " + port);
                    }
                    sleep(50);
                }
            }
        }
    }

    /**
     * CPU time used so far by each of rsyslogd's threads, by thread name ({@code in:imrelp}, {@code rs:main Q:Reg}
     * ...), in clock ticks (usually 10 ms), read from {@code /proc/<pid>/task/<tid>/stat}; empty where there is no
     * {@code /proc}. Two readings around a run say which thread was busy, so whether the receiver was the limit.
     */
    java.util.Map<String, Long> threadTicks() {
        return threadTicks(process.pid());
    }

    /** As {@link #threadTicks()}, for any process (threads of the same name are summed). */
    static java.util.Map<String, Long> threadTicks(long pid) {
        java.util.Map<String, Long> ticks = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (var dirs = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) dirs::iterator) {
                String stat = Files.readString(task.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // fields after the name: state is f[0]; utime and stime are fields 14 and 15 of stat, f[11], f[12]
                ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            }
        } catch (IOException | RuntimeException e) {
            // no /proc, or a thread ended while we read: report what we have
        }
        return ticks;
    }

    long count() {
        try {
            return Files.exists(countFile) ? Files.size(countFile) / 2 : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
