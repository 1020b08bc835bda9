package dev.sluice.demo;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpServer;
import dev.sluice.relp.server.TestCertificates;
import dev.sluice.transport.health.Jmx;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsSettings;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The whole promise in one minute. Starts the embedded RELP test server over TLS with certificates made here,
 * logs through the Log4j2 and the Logback appender ({@code relp+tls}, mutual {@code x509/name}, a spool each),
 * kills the server in the middle and starts it again on the same port, shows live progress, and ends with a
 * table: logged, acknowledged, received, duplicates, still spooled, dropped, lost.
 *
 * <p>Usage: {@code ./demo.sh [events-per-appender]} (default 20000).
 */
public final class Demo {

    private static final String LOG4J2 = "log4j2-central";
    private static final String LOGBACK = "logback-central";

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        int perAppender = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        PrintStream out = System.out;
        Path work = Files.createTempDirectory("sluice-demo");

        // 1. certificates and the server
        TestCertificates.Authority ca = TestCertificates.newAuthority("Sluice Demo CA");
        TestCertificates.PemFiles server = ca.issue("localhost").sans("localhost", "127.0.0.1").build()
                .writePem(work, "server");
        TestCertificates.PemFiles client = ca.issue("demo-client").sans("demo-client").build()
                .writePem(work, "client");
        RelpServer relp = RelpServer.builder().tls(TlsSettings.builder().caFile(server.caFile())
                .certFile(server.certFile()).keyFile(server.keyFile()).authMode(AuthMode.X509_NAME)
                .permittedPeers(List.of("demo-client")).build()).build().start();
        out.printf("RELP test server (TLS, x509/name) on localhost:%d; work directory %s%n", relp.port(), work);

        // 2. both appenders, configured from DESIGN.md's snippets (without their delivery window)
        System.setProperty("sluice.demo.target", "relp+tls://localhost:" + relp.port());
        System.setProperty("sluice.demo.ca", client.caFile().toString());
        System.setProperty("sluice.demo.cert", client.certFile().toString());
        System.setProperty("sluice.demo.key", client.keyFile().toString());
        System.setProperty("sluice.demo.spool", work.resolve("spool").toString());
        org.apache.logging.log4j.core.LoggerContext log4j = Configurator.initialize("sluice-demo",
                Demo.class.getClassLoader(), Demo.class.getResource("/demo-log4j2.xml").toURI());
        Logger log4jLogger = LogManager.getContext(Demo.class.getClassLoader(), false).getLogger("billing.orders");
        LoggerContext logback = new LoggerContext();
        logback.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(logback);
        joran.doConfigure(Demo.class.getResource("/demo-logback.xml"));
        // Problems of the Logback configuration are in its status manager; show them like Logback would.
        new ch.qos.logback.core.util.StatusPrinter2().printInCaseOfErrorsOrWarnings(logback);
        org.slf4j.Logger logbackLogger = logback.getLogger("billing.payments");

        // 3. log from both, kill the server at a third, start it again a few seconds later
        AtomicInteger logged4j = new AtomicInteger();
        AtomicInteger loggedBack = new AtomicInteger();
        Thread a = new Thread(() -> logSteadily(perAppender, i -> log4jLogger.info("order {} accepted", i), logged4j),
                "demo-log4j2");
        Thread b = new Thread(() -> logSteadily(perAppender, i -> logbackLogger.info("payment {} settled", i),
                loggedBack), "demo-logback");
        a.start();
        b.start();
        long start = System.nanoTime();
        boolean killed = false;
        boolean restarted = false;
        long killedAt = 0;
        while (a.isAlive() || b.isAlive()) {
            int done = logged4j.get() + loggedBack.get();
            if (!killed && done >= 2 * perAppender / 3) {
                relp.kill();
                killed = true;
                killedAt = System.nanoTime();
                out.printf("%n*** server killed (sessions reset, nothing acknowledged any more) ***%n");
            }
            if (killed && !restarted && System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(3)) {
                relp.start();
                restarted = true;
                out.printf("%n*** server started again on the same port ***%n");
            }
            progress(out, logged4j.get() + loggedBack.get(), relp);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        if (!restarted) {
            relp.start();
        }
        // 4. wait for everything to arrive, then stop the appenders
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (distinct(relp) < 2L * perAppender && System.nanoTime() < deadline) {
            progress(out, 2 * perAppender, relp);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        progress(out, 2 * perAppender, relp);
        out.println();
        long[] acked4j = attributes(LOG4J2);
        long[] ackedBack = attributes(LOGBACK);
        Configurator.shutdown(log4j);
        logback.stop();

        // 5. the table
        List<ReceivedMessage> received = relp.messages();
        long received4j = received.stream().filter(m -> m.message().startsWith("order ")).count();
        long receivedBack = received.stream().filter(m -> m.message().startsWith("payment ")).count();
        long distinct4j = distinctOf(received, "order ");
        long distinctBack = distinctOf(received, "payment ");
        out.printf("%n%-10s %8s %12s %9s %10s %8s %8s %6s%n", "appender", "logged", "acknowledged", "received",
                "duplicates", "spooled", "dropped", "lost");
        row(out, "log4j2", perAppender, acked4j, received4j, distinct4j);
        row(out, "logback", perAppender, ackedBack, receivedBack, distinctBack);
        long lost = 2L * perAppender - distinct4j - distinctBack;
        out.printf("%n%d events in %.1f s; the server was killed once mid-stream. %s%n", 2 * perAppender,
                (System.nanoTime() - start) / 1e9, lost == 0 ? "Zero lost." : lost + " LOST.");
        relp.close();
        System.exit(lost == 0 ? 0 : 1);
    }

    private static void logSteadily(int count, java.util.function.IntConsumer log, AtomicInteger logged) {
        // about 15 seconds of steady logging, so the outage lands in the middle
        long pauseNanos = TimeUnit.SECONDS.toNanos(15) / Math.max(1, count / 100);
        for (int i = 0; i < count; i++) {
            log.accept(i);
            logged.incrementAndGet();
            if (i % 100 == 99) {
                LockSupport.parkNanos(pauseNanos);
            }
        }
    }

    private static void progress(PrintStream out, long logged, RelpServer relp) {
        long[] x = attributes(LOG4J2);
        long[] y = attributes(LOGBACK);
        out.printf("\rlogged %6d | acknowledged %6d | spooled %6d | server received %6d (%s)   ", logged,
                x[0] + y[0], x[1] + y[1], relp.messageCount(), relp.isRunning() ? "up" : "DOWN");
        out.flush();
    }

    /** acknowledged, spooled records, dropped — read through JMX, as any monitoring would. */
    private static long[] attributes(String appender) {
        try {
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = Jmx.objectName(appender);
            if (!mbs.isRegistered(name)) {
                return new long[3];
            }
            return new long[] {(Long) mbs.getAttribute(name, "Acknowledged"),
                (Long) mbs.getAttribute(name, "SpoolRecords"), (Long) mbs.getAttribute(name, "Dropped")};
        } catch (Exception e) {
            return new long[3];
        }
    }

    private static long distinct(RelpServer relp) {
        List<ReceivedMessage> received = relp.messages();
        return distinctOf(received, "order ") + distinctOf(received, "payment ");
    }

    private static long distinctOf(List<ReceivedMessage> received, String prefix) {
        Set<String> seen = new HashSet<>();
        for (ReceivedMessage m : received) {
            if (m.message().startsWith(prefix)) {
                seen.add(m.message());
            }
        }
        return seen.size();
    }

    private static void row(PrintStream out, String name, int logged, long[] jmx, long received, long distinct) {
        out.printf(Locale.ROOT, "%-10s %8d %12d %9d %10d %8d %8d %6d%n", name, logged, jmx[0], received,
                received - distinct, jmx[1], jmx[2], logged - distinct);
    }

}
