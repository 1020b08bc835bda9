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
