package dev.sluice.it.appender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.ReceivedMessage;
import dev.sluice.relp.server.RelpTestServer;
import dev.sluice.relp.server.TestCertificates;
import dev.sluice.transport.appender.LocalIdentity;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md's two configuration snippets, copied into {@code snippet-log4j2.xml} and {@code snippet-logback.xml}
 * with only the host, port and file paths changed, deliver over {@code relp+tls} with mutual {@code x509/name}
 * to the RELP test server, and do what the snippet says: the {@code 22:00–04:00} window holds an INFO event in
 * the spool while an ERROR ({@code urgentLevel}) goes out at once, health says {@code WAITING_FOR_WINDOW}, and
 * when the window is open the held event arrives with its own time, not the send time.
 *
 * <p>The window is read in the JVM's zone (the snippet gives no {@code zone}), so the test chooses the time of
 * day: it sets the default time zone to an offset at which it is now about noon (window closed, 10 h from
 * either edge), configures, and later to one at which it is about 01:00 (open, past the 30 min stagger). The
 * snippets stay as written and the test passes at any hour.
 */
class AppenderDesignSnippetsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CLIENT_NAME = "billing-client.example.com";
    private static final String MDC_ID = "mdc@32473";
    private static final Path CERTS = tempDirectory();
    private static final TestCertificates.PemFiles SERVER_PEM;
    private static final TestCertificates.PemFiles CLIENT_PEM;

    static {
        TestCertificates.Authority ca = TestCertificates.newAuthority("Sluice Snippets CA");
        SERVER_PEM = ca.issue("localhost").sans("localhost", "127.0.0.1").build().writePem(CERTS, "server");
        CLIENT_PEM = ca.issue(CLIENT_NAME).sans(CLIENT_NAME).build().writePem(CERTS, "client");
    }

    @RegisterExtension
    static final RelpTestServer SERVER = RelpTestServer.builder()
            .tls(TlsSettings.builder().caFile(SERVER_PEM.caFile()).certFile(SERVER_PEM.certFile())
                    .keyFile(SERVER_PEM.keyFile()).authMode(AuthMode.X509_NAME).permittedPeers(List.of(CLIENT_NAME))
                    .build())
            .build();

    @TempDir
    Path spool;

    private TimeZone originalZone;

    @BeforeEach
    void pointTheSnippetsAtTheServer() {
        originalZone = TimeZone.getDefault();
        System.setProperty("sluice.it.host", "localhost");
        System.setProperty("sluice.it.port", Integer.toString(SERVER.port()));
        System.setProperty("sluice.it.ca", CLIENT_PEM.caFile().toString());
        System.setProperty("sluice.it.cert", CLIENT_PEM.certFile().toString());
        System.setProperty("sluice.it.key", CLIENT_PEM.keyFile().toString());
        System.setProperty("sluice.it.spool", spool.toString());
    }

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(originalZone);
    }

    @AfterAll
    static void deleteCertificates() throws IOException {
        try (Stream<Path> files = Files.walk(CERTS)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void log4j2SnippetHoldsRoutineEventsForTheWindowAndSendsErrorsAtOnce() {
        holdsRoutineEventsForTheWindowAndSendsErrorsAtOnce(FrontEnd::log4j2, "central");
    }

    @Test
    void logbackSnippetHoldsRoutineEventsForTheWindowAndSendsErrorsAtOnce() {
        holdsRoutineEventsForTheWindowAndSendsErrorsAtOnce(FrontEnd::logback, "CENTRAL");
    }

    private void holdsRoutineEventsForTheWindowAndSendsErrorsAtOnce(Supplier<FrontEnd> open,
            String appender) {
        Health health = new Health(appender);
        // A routine event from three hours ago, to be delivered later with exactly that time.
        Instant heldEventTime = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS)
                .plusNanos(123_000);

        // 1. Window closed: the ERROR goes out at once, the INFO stays in the spool.
        useZoneWhereNowIs(LocalTime.NOON);
        Instant beforeError;
        Instant afterError;
        try (FrontEnd app = open.get()) {
            beforeError = Instant.now().truncatedTo(ChronoUnit.MICROS);
            app.log(false, "payment 17 failed: card declined", Map.of("order", "17", "user", "alice"));
            afterError = Instant.now();
            app.logAt(heldEventTime, "order 17 accepted", Map.of("order", "17", "user", "alice"));

            List<ReceivedMessage> urgent = SERVER.awaitMessages(1, WAIT);
            ReceivedMessage error = urgent.get(0);
            assertHeader(error, 3, Map.of("order", "17", "user", "alice"), app.loggerName());
            assertThat(error.message()).isEqualTo("payment 17 failed: card declined");
            assertThat(error.timestampValue().toInstant()).isBetween(beforeError, afterError);
            assertThat(error.peerSubject()).contains(CLIENT_NAME);

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(health.state()).isEqualTo("WAITING_FOR_WINDOW");
                assertThat(health.string("NextWindowOpening")).isNotEmpty();
                assertThat(health.number("SpoolRecords")).isGreaterThanOrEqualTo(1);
            });
            Instant nextOpening = Instant.parse(health.string("NextWindowOpening"));
            assertThat(nextOpening).isAfter(Instant.now().plus(Duration.ofHours(9)));
            // held: nothing but the ERROR reaches the server while the window is closed
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> SERVER.messages().size() == 1);
            assertThat(health.number("Dropped")).isZero();
        }

        // 2. Window open (same snippet and spool, now at 01:00 local time): the spool is replayed first.
        useZoneWhereNowIs(LocalTime.of(1, 0));
        Instant reopened = Instant.now();
        try (FrontEnd app = open.get()) {
            app.log(true, "order 18 accepted", Map.of("order", "18"));
            await().atMost(WAIT).until(() -> bySequenceId(SERVER.messages()).size() == 3);
            Map<Long, ReceivedMessage> bySeq = bySequenceId(SERVER.messages());
            assertThat(bySeq).containsOnlyKeys(1L, 2L, 3L);

            ReceivedMessage held = bySeq.get(2L);
            assertHeader(held, 6, Map.of("order", "17", "user", "alice"), app.loggerName());
            assertThat(held.message()).isEqualTo("order 17 accepted");
            assertThat(held.timestampValue().toInstant()).isEqualTo(heldEventTime);
            assertThat(held.timestamp()).endsWith("Z").contains(".");
            assertThat(held.receivedAt()).isAfter(reopened);

            ReceivedMessage later = bySeq.get(3L);
            assertHeader(later, 6, Map.of("order", "18"), app.loggerName());
            assertThat(later.message()).isEqualTo("order 18 accepted");
            assertThat(later.timestampValue().toInstant()).isAfterOrEqualTo(reopened.truncatedTo(ChronoUnit.MICROS));

            // Duplicates only of the urgent ERROR, which the replay may send again: same octets, same sequence id.
            assertThat(SERVER.messages()).allSatisfy(m ->
                    assertThat(m.text()).isEqualTo(bySeq.get(sequenceId(m)).text()));
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(health.state()).isEqualTo("DELIVERING");
                assertThat(health.number("SpoolRecords")).isZero();
            });
            assertThat(health.string("NextWindowOpening")).as("always open now").isEmpty();
            assertThat(health.number("Dropped")).isZero();
        }
    }

    private static void assertHeader(ReceivedMessage m, int severity, Map<String, String> mdc, String logger) {
        assertThat(m.appName()).isEqualTo("billing");
        assertThat(m.hostname()).isEqualTo(LocalIdentity.hostname());
        assertThat(m.facility()).isEqualTo(1); // USER
        assertThat(m.severity()).isEqualTo(severity);
        assertThat(m.procId()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(m.sdParam("meta", "sequenceId")).isPresent();
        assertThat(m.sdParam("log@32473", "logger")).contains(logger);
        Map<String, String> received = new TreeMap<>();
        m.structuredData().stream().filter(e -> e.id().equals(MDC_ID))
                .forEach(e -> e.params().forEach(p -> received.put(p.name(), p.value())));
        assertThat(received).isEqualTo(new TreeMap<>(mdc));
    }

    private static Map<Long, ReceivedMessage> bySequenceId(List<ReceivedMessage> messages) {
        return messages.stream().collect(Collectors.toMap(AppenderDesignSnippetsTest::sequenceId, m -> m,
                (first, again) -> first, TreeMap::new));
    }

    private static long sequenceId(ReceivedMessage m) {
        return Long.parseLong(m.sdParam("meta", "sequenceId").orElseThrow());
    }

    /** Makes the JVM's default zone one at which the wall clock now shows about {@code localTime}. */
    private static void useZoneWhereNowIs(LocalTime localTime) {
        LocalTime utcNow = LocalTime.now(ZoneOffset.UTC);
        long minutes = ChronoUnit.MINUTES.between(utcNow, localTime);
        minutes = Math.floorMod(minutes + 12 * 60, 24 * 60) - 12 * 60; // within -12h..+12h
        ZoneOffset offset = ZoneOffset.ofTotalSeconds((int) minutes * 60);
        TimeZone.setDefault(TimeZone.getTimeZone(offset));
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("sluice-snippets");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
