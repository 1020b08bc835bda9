package dev.sluice.benchmarks;

import ch.qos.logback.classic.joran.JoranConfigurator;

import dev.sluice.relp.server.RelpServer;
import dev.sluice.transport.health.Jmx;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one {@code logger.info} costs the calling thread, per appender, with the receiver up and down. SampleTime
 * mode, so JMH reports the percentiles; run with {@code -t 1} and {@code -t 4}.
 *
 * <p>The loop logs as fast as it can, so every asynchronous appender soon runs at its saturation point: ours and
 * logstash's then drop (overflow {@code dropNewest} / ring buffer full) once their queue is full, Log4j2's
 * AsyncAppender blocks (its default). The tear-down prints the share of events our engine dropped, so a cheap
 * score that is a cheap drop can be told apart.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main \
 *     CallerCostBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s -t 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallerCostBenchmark {

    private static final String PAD = "x".repeat(100);

    /**
     * sluiceRelp / sluiceRelpSpool: our Log4j2 {@code RemoteSyslog}, relp://, without / with a spool
     * (fsync=interval); asyncNull: Log4j2 {@code Async} → {@code Null}; log4j2SyslogTcp: Log4j2 {@code Syslog}
     * over TCP; logbackSyslogUdp: Logback {@code SyslogAppender}; logstashTcp: logstash-logback-encoder's
     * {@code LogstashTcpSocketAppender} with {@code LogstashEncoder}.
     */
    @Param({"sluiceRelp", "sluiceRelpSpool", "asyncNull", "log4j2SyslogTcp", "logbackSyslogUdp", "logstashTcp"})
    public String appender;

    /** {@code up}: a receiver listens; {@code down}: the port is closed (nothing listens). */
    @Param({"up", "down"})
    public String receiver;

    private Path work;
    private RelpServer relp;
    private ServerSocket tcpSink;
    private DatagramSocket udpSink;
    private LoggerContext log4j;
    private ch.qos.logback.classic.LoggerContext logback;
    private Logger log4jLogger;
    private org.slf4j.Logger logbackLogger;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        work = Files.createTempDirectory("sluice-caller-cost");
        boolean up = receiver.equals("up");
        int port;
        switch (appender) {
            case "sluiceRelp", "sluiceRelpSpool" -> {
                port = freePort();
                if (up) {
                    relp = RelpServer.builder().port(port).recordMessages(false).build().start();
                }
                String spool = appender.endsWith("Spool") ? "<Spool directory=\"" + work.resolve("spool")
                        + "\" maxSize=\"4 GB\" fsync=\"interval\"/>" : "";
                log4j("<RemoteSyslog name=\"out\" target=\"relp://127.0.0.1:" + port + "\" appName=\"bench\">"
                        + spool + "</RemoteSyslog>");
            }
            case "asyncNull" -> log4j("<Null name=\"null\"/><Async name=\"out\"><AppenderRef ref=\"null\"/></Async>");
            case "log4j2SyslogTcp" -> {
                port = up ? drainingTcpSink() : freePort();
                log4j("<Syslog name=\"out\" host=\"127.0.0.1\" port=\"" + port + "\" protocol=\"TCP\" format=\"RFC5424\""
                        + " appName=\"bench\" facility=\"USER\" newLine=\"true\" includeMDC=\"false\""
                        + " ignoreExceptions=\"true\"/>");
            }
            case "logbackSyslogUdp" -> {
                port = up ? drainingUdpSink() : freePort();
                logback("<appender name=\"out\" class=\"ch.qos.logback.classic.net.SyslogAppender\">"
                        + "<syslogHost>127.0.0.1</syslogHost><port>" + port + "</port><facility>USER</facility>"
                        + "<suffixPattern>bench %msg</suffixPattern></appender>");
            }
            case "logstashTcp" -> {
                port = up ? drainingTcpSink() : freePort();
                logback("<appender name=\"out\" class=\"net.logstash.logback.appender.LogstashTcpSocketAppender\">"
                        + "<destination>127.0.0.1:" + port + "</destination>"
                        + "<encoder class=\"net.logstash.logback.encoder.LogstashEncoder\"/></appender>");
            }
            default -> throw new IllegalArgumentException(appender);
        }
    }

    @Benchmark
    public void info() {
        if (log4jLogger != null) {
            log4jLogger.info("event {}", PAD);
        } else {
            logbackLogger.info("event {}", PAD);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (appender.startsWith("sluice")) {
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = Jmx.objectName("out");
            if (mbs.isRegistered(name)) {
                long accepted = (Long) mbs.getAttribute(name, "Accepted");
                long dropped = (Long) mbs.getAttribute(name, "Dropped");
                long acked = (Long) mbs.getAttribute(name, "Acknowledged");
                System.out.printf("%n[%s/%s] accepted %,d, acknowledged %,d, dropped %,d (%.1f %% of accepted+dropped)"
                        + ", spool records %,d%n", appender, receiver, accepted, acked, dropped,
                        100.0 * dropped / Math.max(1, accepted + dropped), (Long) mbs.getAttribute(name, "SpoolRecords"));
            }
        }
        if (log4j != null) {
            log4j.stop(5, TimeUnit.SECONDS);
        }
        if (logback != null) {
            logback.stop();
        }
        if (relp != null) {
            relp.close();
        }
        if (tcpSink != null) {
            tcpSink.close();
        }
        if (udpSink != null) {
            udpSink.close();
        }
        Files2.deleteTree(work);
    }

    private void log4j(String appenders) throws IOException {
        Path config = work.resolve("log4j2.xml");
        Files.writeString(config, "<Configuration status=\"WARN\"><Appenders>" + appenders + "</Appenders><Loggers>"
                + "<Root level=\"INFO\"><AppenderRef ref=\"out\"/></Root></Loggers></Configuration>");
        log4j = new LoggerContext("bench", null, config.toUri());
        log4j.start();
        if (log4j.getConfiguration().getAppender("out") == null) {
            // else every call would be measured as a logger without appenders, a few nanoseconds
            throw new IllegalStateException("Log4j2 did not create the appender 'out': run from the module's classes"
                    + " and target/classpath.txt, not benchmarks.jar, whose Log4j2 plugin caches are not merged");
        }
        log4jLogger = log4j.getLogger("bench");
    }

    private void logback(String appenders) throws Exception {
        logback = new ch.qos.logback.classic.LoggerContext();
        logback.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(logback);
        String xml = "<configuration><statusListener class=\"ch.qos.logback.core.status.NopStatusListener\"/>" + appenders + "<root level=\"INFO\"><appender-ref ref=\"out\"/></root>"
                + "</configuration>";
        joran.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        logbackLogger = logback.getLogger("bench");
    }

    /** A TCP receiver that reads and discards, one thread per connection. */
    private int drainingTcpSink() throws IOException {
        tcpSink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!tcpSink.isClosed()) {
                try {
                    var s = tcpSink.accept();
                    Thread r = new Thread(() -> {
                        byte[] buf = new byte[256 * 1024];
                        try (s; var in = s.getInputStream()) {
                            while (in.read(buf) >= 0) {
                                // discard
                            }
                        } catch (IOException e) {
                            // gone
                        }
                    }, "tcp-sink-read");
                    r.setDaemon(true);
                    r.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "tcp-sink-accept");
        t.setDaemon(true);
        t.start();
        return tcpSink.getLocalPort();
    }

    private int drainingUdpSink() throws IOException {
        udpSink = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
            while (!udpSink.isClosed()) {
                try {
                    udpSink.receive(p);
                } catch (IOException e) {
                    return;
                }
            }
        }, "udp-sink");
        t.setDaemon(true);
        t.start();
        return udpSink.getLocalPort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
