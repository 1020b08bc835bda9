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
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * One appender under test, configured as a user would, with its receiver up (a RELP test server, or a TCP / UDP
 * sink that reads and discards) or down (nothing listens on the port). Shared by {@link CallerCostBenchmark} (JMH,
 * saturated) and {@code e2e.CallerLatency} (paced), so both measure the same configurations.
 *
 * <ul>
 *   <li>{@code sluiceRelp} / {@code sluiceRelpSpool}: our Log4j2 {@code RemoteSyslog}, relp://, without / with a
 *       spool ({@code fsync=interval});</li>
 *   <li>{@code asyncNull}: Log4j2 {@code Async} → {@code Null};</li>
 *   <li>{@code log4j2SyslogTcp}: Log4j2 {@code Syslog} over TCP;</li>
 *   <li>{@code logbackSyslogUdp}: Logback {@code SyslogAppender};</li>
 *   <li>{@code logstashTcp}: logstash-logback-encoder's {@code LogstashTcpSocketAppender} with
 *       {@code LogstashEncoder}.</li>
 * </ul>
 */
public final class BenchAppenders implements AutoCloseable {

    /** Every appender name this class knows, in report order. */
    public static final String[] NAMES = {"sluiceRelp", "sluiceRelpSpool", "asyncNull", "log4j2SyslogTcp",
        "logbackSyslogUdp", "logstashTcp"};

    private final String appender;
    private final Path work;
    private RelpServer relp;
    private ServerSocket tcpSink;
    private DatagramSocket udpSink;
    private LoggerContext log4j;
    private ch.qos.logback.classic.LoggerContext logback;
    private Logger log4jLogger;
    private org.slf4j.Logger logbackLogger;

    /** Configures and starts {@code appender}, with its receiver listening if {@code up}. */
    public BenchAppenders(String appender, boolean up) throws Exception {
        this.appender = appender;
        this.work = Files.createTempDirectory("sluice-bench-appender");
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
            default -> throw new IllegalArgumentException("appender: " + appender + " (expected one of "
                    + String.join(", ", NAMES) + ")");
        }
    }

    /** One {@code logger.info("event {}", arg)} through the appender. */
    public void info(Object arg) {
        if (log4jLogger != null) {
            log4jLogger.info("event {}", arg);
        } else {
            logbackLogger.info("event {}", arg);
        }
    }

    /**
     * For our appender: accepted, acknowledged and dropped events and the spool's records, from its MBean, so that a
     * cheap figure that is a cheap drop can be told apart; empty for the others.
     */
    public String counters() throws Exception {
        if (!appender.startsWith("sluice")) {
            return "";
        }
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = Jmx.objectName("out");
        if (!mbs.isRegistered(name)) {
            return "";
        }
        long accepted = (Long) mbs.getAttribute(name, "Accepted");
        long dropped = (Long) mbs.getAttribute(name, "Dropped");
        long acked = (Long) mbs.getAttribute(name, "Acknowledged");
        return String.format(Locale.ROOT, "accepted %,d, acknowledged %,d, dropped %,d (%.1f %% of accepted+dropped)"
                + ", spool records %,d", accepted, acked, dropped, 100.0 * dropped / Math.max(1, accepted + dropped),
                (Long) mbs.getAttribute(name, "SpoolRecords"));
    }

    @Override
    public void close() throws Exception {
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
        String xml = "<configuration><statusListener class=\"ch.qos.logback.core.status.NopStatusListener\"/>"
                + appenders + "<root level=\"INFO\"><appender-ref ref=\"out\"/></root></configuration>";
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
