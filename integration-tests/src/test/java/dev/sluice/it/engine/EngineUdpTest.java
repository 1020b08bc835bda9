package dev.sluice.it.engine;

import static dev.sluice.it.engine.NumberedEvents.event;
import static dev.sluice.it.engine.NumberedEvents.quickTransport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.it.transport.CountingBackoff;
import dev.sluice.it.transport.PlainReceivers;
import dev.sluice.transport.appender.AppenderConfig;
import dev.sluice.transport.appender.ResolvedConfig;
import dev.sluice.transport.delivery.DeliveryEngine;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.FailoverPolicy;
import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.net.HostResolver;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogEncoder;
import dev.sluice.transport.syslog.SyslogMessage;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery engine with a {@code udp://} target: DESIGN's UDP promises, end to end to a plain receiver. */
class EngineUdpTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final RecordingDiagnostics diagnostics = new RecordingDiagnostics();
    private DeliveryEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /** DESIGN: "messages longer than the configured maximum are truncated at a UTF-8 boundary and counted". */
    @Test
    void anEventLongerThanTheDefaultMaximumArrivesCutAtAUtf8BoundaryAndCounted() throws Exception {
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp()) {
            String target = "udp://127.0.0.1:" + receiver.port();
            // the encoder an appender gets for a udp:// target without maxMessageSize
            AppenderConfig config = new AppenderConfig();
            config.setTarget(target);
            ResolvedConfig resolved = config.resolve("udp", diagnostics);
            SyslogEncoder encoder = resolved.engineSettings().encoder();
            assertThat(encoder.maxMessageSize()).isEqualTo(2048);
            List<Integer> truncatedTo = new CopyOnWriteArrayList<>();
            engine = DeliveryEngine.start(EngineSettings.builder("udp").targets(List.of(Target.parse(target)))
                    .transport(quickTransport()).encoder(encoder).diagnostics(diagnostics)
                    .listener(new AppenderListener() {
                        @Override
                        public void truncated(long sequenceId, int originalOctets, int octets) {
                            truncatedTo.add(octets);
                        }
                    }).build());
            // 1 to 4 ASCII octets, then four-octet characters: whatever the header's length, the cut falls inside a
            // character in three events of four
            String[] texts = new String[4];
            for (int i = 0; i < texts.length; i++) {
                texts[i] = "x".repeat(i + 1) + "\uD834\uDD1E".repeat(1_280); // U+1D11E: 5,121 to 5,124 octets in all
                assertThat(texts[i].getBytes(StandardCharsets.UTF_8).length).isBetween(5_000, 5_200);
                assertThat(engine.append(SyslogMessage.builder().timestamp(NumberedEvents.EVENT_TIME)
                        .severity(Severity.INFORMATIONAL).hostname("h").appName("app").message(texts[i]).build()))
                        .isTrue();
            }
            await().atMost(WAIT).until(() -> receiver.octets().size() == texts.length);
            List<byte[]> received = receiver.octets();
            for (byte[] datagram : received) {
                assertThat(datagram.length).isLessThanOrEqualTo(2048)
                        .isGreaterThan(2048 - 4); // cut as late as a character boundary allows
                String msg = msg(strictUtf8(datagram));
                assertThat(texts).anySatisfy(original -> assertThat(original).startsWith(msg));
            }
            assertThat(received).as("cut before a character that crossed octet 2048").filteredOn(d -> d.length < 2048)
                    .hasSize(3);
            await().atMost(WAIT).until(() -> engine.health().counters().truncated() == texts.length);
            assertThat(truncatedTo).containsExactlyInAnyOrderElementsOf(received.stream().map(d -> d.length).toList());
            assertThat(engine.health().counters().delivered()).isEqualTo(texts.length);
        }
    }

    @Test
    void eventsTheKernelRefusesToSendAreDeliveredOnceTheRouteClearsAndNothingIsSetAside() throws IOException {
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp()) {
            // The kernel refuses datagrams to the broadcast address from a socket without SO_BROADCAST (EACCES): a
            // send that fails for a reason of the path, not of the message, as with no route to the network.
            AtomicReference<String> answer = new AtomicReference<>("255.255.255.255");
            HostResolver dns = host -> List.of(InetAddress.getByName(answer.get())); // literals: parsed, not looked up
            List<String> disconnects = new CopyOnWriteArrayList<>();
            Path spool = dir.resolve("spool");
            engine = DeliveryEngine.start(EngineSettings.builder("udp")
                    .targets(List.of(Target.parse("udp://syslog.test:" + receiver.port())))
                    .transport(quickTransport().toBuilder().resolver(dns).build())
                    .spool(SpoolConfig.builder(spool).build()).diagnostics(diagnostics)
                    .listener(new AppenderListener() {
                        @Override
                        public void disconnected(String target, String reason) {
                            disconnects.add(reason);
                        }
                    }).build());
            for (int i = 0; i < 20; i++) {
                assertThat(engine.append(event(i))).isTrue();
            }
            // several attempts, or an event given up
            await().atMost(WAIT).until(() -> disconnects.size() >= 3 || engine.health().counters().rejected() > 0);
            assertThat(engine.health().counters().rejected()).isZero();
            assertThat(disconnects.get(0)).startsWith("UDP send to udp://syslog.test:" + receiver.port() + " failed: ");
            assertThat(receiver.datagrams()).isEmpty();

            answer.set("127.0.0.1"); // the route clears: the next attempt looks the name up again and gets through
            Set<Long> expected = LongStream.range(0, 20).boxed().collect(Collectors.toCollection(TreeSet::new));
            await().atMost(WAIT).until(() -> numbers(receiver.datagrams()).equals(expected));
            await().atMost(WAIT).until(() -> engine.health().spoolRecords() == 0);
            assertThat(engine.health().counters().rejected()).isZero();
            assertThat(engine.health().counters().droppedTotal()).isZero();
            assertThat(contentOf(spool.resolve("rejected.spool"))).as("rejected.spool").doesNotContain("event ");
            assertThat(diagnostics.messages).noneMatch(m -> m.contains("refused by the server"));
        }
    }

    @Test
    void whileTheFirstTargetRefusesEveryDatagramFailoverDeliversToTheNext() {
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp()) {
            HostResolver dns = host -> List.of(InetAddress.getByName("255.255.255.255")); // EACCES, as above
            engine = DeliveryEngine.start(EngineSettings.builder("udp")
                    .targets(List.of(Target.parse("udp://syslog.test:" + receiver.port()),
                            Target.parse("udp://127.0.0.1:" + receiver.port())))
                    .transport(quickTransport().toBuilder().resolver(dns).build()).diagnostics(diagnostics).build());
            for (int i = 0; i < 20; i++) {
                assertThat(engine.append(event(i))).isTrue();
            }
            Set<Long> expected = LongStream.range(0, 20).boxed().collect(Collectors.toCollection(TreeSet::new));
            await().atMost(WAIT).until(() -> numbers(receiver.datagrams()).equals(expected));
            assertThat(engine.health().counters().rejected()).isZero();
            assertThat(engine.health().counters().droppedTotal()).isZero();
        }
    }

    @Test
    void withEveryTargetRefusingDatagramsTheDelaysGrowAcrossSwitches() {
        try (PlainReceivers.Udp receiver = new PlainReceivers.Udp()) {
            AtomicReference<String> cleared = new AtomicReference<>("none");
            HostResolver dns = host -> List.of(InetAddress.getByName(
                    host.equals(cleared.get()) ? "127.0.0.1" : "255.255.255.255")); // EACCES, as above
            CountingBackoff counting = new CountingBackoff();
            engine = DeliveryEngine.start(EngineSettings.builder("udp")
                    .targets(List.of(Target.parse("udp://one.test:" + receiver.port()),
                            Target.parse("udp://two.test:" + receiver.port())))
                    .failover(FailoverPolicy.ROUND_ROBIN)
                    .transport(quickTransport().toBuilder().resolver(dns).backoff(() -> counting).build())
                    .diagnostics(diagnostics).build());
            for (int i = 0; i < 10; i++) {
                assertThat(engine.append(event(i))).isTrue();
            }
            // two failed attempts per target before a switch: this many failures mean several switches
            await().atMost(WAIT).until(() -> counting.delays() >= 8);
            assertThat(counting.resets()).as("no datagram got through").isZero();

            cleared.set("two.test");
            await().atMost(WAIT).until(() -> numbers(receiver.datagrams()).size() == 10);
            assertThat(counting.resets()).as("reset by the datagram that got through").isPositive();
            assertThat(engine.health().counters().rejected()).isZero();
        }
    }

    private static Set<Long> numbers(List<String> datagrams) {
        Set<Long> seen = new TreeSet<>();
        for (String d : datagrams) {
            long n = NumberedEvents.number(msg(d));
            if (n >= 0) {
                seen.add(n);
            }
        }
        return seen;
    }

    /** The MSG of an RFC 5424 message with structured data, without its BOM. */
    private static String msg(String message) {
        String msg = message.substring(message.indexOf("] ") + 2); // after [meta sequenceId="n"]
        return msg.startsWith("\uFEFF") ? msg.substring(1) : msg;
    }

    /** The file's octets as text (records and all), or nothing if there is no file. */
    private static String contentOf(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }

    /** The datagram as UTF-8 text; fails on a split or otherwise malformed character. */
    private static String strictUtf8(byte[] octets) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(octets)).toString();
    }
}
