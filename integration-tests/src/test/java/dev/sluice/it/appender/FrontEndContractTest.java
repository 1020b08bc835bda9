package dev.sluice.it.appender;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import org.apache.logging.log4j.MarkerManager;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MarkerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of the two front-ends, run against both: the same events, logged through the real Log4j2 and
 * Logback appenders configured with the same options, arrive at the RELP server as the same octets — header,
 * structured data (logger, thread, level, MDC, marker, sequence id), message and stack trace. Only the TIMESTAMP
 * differs, because each event carries the time it was logged; it is compared as a field of its own.
 */
class FrontEndContractTest {

    @RegisterExtension
    static final RelpTestServer server = RelpTestServer.builder().build();

    /** The events of the contract, written once for both front-ends. */
    interface Front {
        void log(String level, String message, Throwable thrown, String marker);

        void mdc(String key, String value);

        void clearMdc();

        void close();
    }

    private final List<Front> opened = new ArrayList<>();

    @AfterEach
    void closeFronts() {
        opened.forEach(Front::close);
        ThreadContext.clearMap();
        System.clearProperty("sluice.contract.target");
    }

    @Test
    void bothFrontEndsSendTheSameOctetsForTheSameEvents() throws Exception {
        System.setProperty("sluice.contract.target", server.target());
        // One after the other: two appenders with the same target would share one engine (and its sequence ids).
        List<String> log4j2 = run(log4j2());
        server.clear();
        List<String> logback = run(logback());

        assertThat(log4j2).hasSize(7);
        assertThat(withoutTimestamps(logback)).isEqualTo(withoutTimestamps(log4j2));
        // and what that is, once, so that a change of the mapping is seen here
        assertThat(withoutTimestamps(log4j2).get(0)).isEqualTo("<156>1 - host1 billing " + ProcessHandle.current().pid()
                + " - [log@32473 logger=\"com.acme.Billing\" thread=\"contract-main\" level=\"WARN\"]"
                + "[mdc@32473 request_id=\"r-1 \\\"x\\\"\" user=\"alice\"][marker@32473 name=\"AUDIT\"]"
                + "[meta sequenceId=\"1\"] \uFEFFpayment failed\n"
                + "java.lang.IllegalStateException: card declined\n"
                + "\tat com.acme.Billing.charge(Billing.java:42)\n"
                + "\tat com.acme.Main.main(Main.java:7)\n"
                + "\tSuppressed: java.lang.RuntimeException: rollback failed\n"
                + "\t\t... 2 more\n"
                + "Caused by: java.io.IOException: timeout\n"
                + "\t... 2 more");
    }

    /** Logs the contract's events on a thread of a fixed name and returns what the server received, in order. */
    private List<String> run(Front front) throws InterruptedException {
        Thread t = new Thread(() -> {
            front.mdc("user", "alice");
            front.mdc("request id", "r-1 \"x\"");
            front.log("WARN", "payment failed\n", exception(), "AUDIT");
            front.clearMdc();
            front.log("TRACE", "trace", null, null);
            front.log("DEBUG", "debug", null, null);
            front.log("INFO", "grüße, 😀 and \"quotes\" ]", null, null);
            front.log("ERROR", "error", null, null);
            front.log("INFO", "", null, null);
            front.log("INFO", "line one\nline two", null, null);
        }, "contract-main");
        t.start();
        t.join();
        List<ReceivedMessage> received = server.awaitMessages(7, Duration.ofSeconds(30));
        front.close();
        opened.remove(front);
        List<String> texts = new ArrayList<>();
        for (ReceivedMessage m : received) {
            assertThat(m.timestampValue()).as("an RFC 3339 timestamp").isNotNull();
            texts.add(new String(m.raw(), StandardCharsets.UTF_8));
        }
        return texts;
    }

    private static List<String> withoutTimestamps(List<String> messages) {
        List<String> out = new ArrayList<>();
        for (String m : messages) {
            // <PRI>1 TIMESTAMP rest: the TIMESTAMP is the third field
            int first = m.indexOf(' ');
            int second = m.indexOf(' ', first + 1);
            out.add(m.substring(0, first + 1) + "-" + m.substring(second));
        }
        return out;
    }

    private Front log4j2() throws Exception {
        org.apache.logging.log4j.core.LoggerContext context = Configurator.initialize("contract",
                getClass().getClassLoader(), getClass().getResource("/contract-log4j2.xml").toURI());
        org.apache.logging.log4j.Logger logger = context.getLogger("com.acme.Billing");
        Front front = new Front() {
            @Override
            public void log(String level, String message, Throwable thrown, String marker) {
                logger.log(org.apache.logging.log4j.Level.getLevel(level),
                        marker == null ? null : MarkerManager.getMarker(marker), message, thrown);
            }

            @Override
            public void mdc(String key, String value) {
                ThreadContext.put(key, value);
            }

            @Override
            public void clearMdc() {
                ThreadContext.clearMap();
            }

            @Override
            public void close() {
                Configurator.shutdown(context);
            }
        };
        opened.add(front);
        return front;
    }

    private Front logback() throws Exception {
        LoggerContext context = new LoggerContext();
        LogbackMDCAdapter mdc = new LogbackMDCAdapter();
        context.setMDCAdapter(mdc);
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        joran.doConfigure(getClass().getResource("/contract-logback.xml"));
        ch.qos.logback.classic.Logger logger = context.getLogger("com.acme.Billing");
        Front front = new Front() {
            @Override
            public void log(String level, String message, Throwable thrown, String marker) {
                org.slf4j.Marker m = marker == null ? null : MarkerFactory.getMarker(marker);
                switch (level) {
                    case "TRACE" -> logger.trace(m, message, thrown);
                    case "DEBUG" -> logger.debug(m, message, thrown);
                    case "INFO" -> logger.info(m, message, thrown);
                    case "WARN" -> logger.warn(m, message, thrown);
                    default -> logger.error(m, message, thrown);
                }
            }

            @Override
            public void mdc(String key, String value) {
                mdc.put(key, value);
            }

            @Override
            public void clearMdc() {
                mdc.clear();
            }

            @Override
            public void close() {
                context.stop();
            }
        };
        opened.add(front);
        return front;
    }

    static Throwable exception() {
        StackTraceElement[] frames = {
            new StackTraceElement("com.acme.Billing", "charge", "Billing.java", 42),
            new StackTraceElement("com.acme.Main", "main", "Main.java", 7),
        };
        IllegalStateException e = new IllegalStateException("card declined", new IOException("timeout"));
        e.addSuppressed(new RuntimeException("rollback failed"));
        e.setStackTrace(frames);
        e.getCause().setStackTrace(frames);
        e.getSuppressed()[0].setStackTrace(frames);
        return e;
    }
}
