package dev.sluice.it.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.it.rsyslog.FreePorts;
import dev.sluice.it.rsyslog.RequiresRsyslog;
import dev.sluice.it.rsyslog.RsyslogConfigs;
import dev.sluice.it.rsyslog.Rsyslogd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine with a spool against a real rsyslogd (imrelp), with both sides killed (issue 4, item 7). An
 * application in a child JVM ({@link SpoolingChild}) appends 100,000 numbered events while rsyslogd is killed with
 * SIGKILL and restarted twice; all of them arrive. Then, with rsyslogd stopped, a second child spools more events,
 * reports each accepted one, and is killed with SIGKILL; once rsyslogd is back, a third child on the same spool
 * delivers every event the second had reported accepted.
 *
 * <p>rsyslogd runs with a direct main queue and {@code omfile} flushing at the end of each transaction, so that
 * imrelp acknowledges a message only after it is in the output file: a {@code kill -9} of rsyslogd then loses
 * nothing rsyslog had acknowledged, and any loss would be the engine's.
 */
@RequiresRsyslog
class EngineRsyslogCrashTest {

    private static final int FIRST = 100_000;
    private static final int SECOND = 10_000;
    /** Slows delivery so that the kills land mid-stream: about 85 octets an event, so about 8 s for 100,000. */
    private static final long MAX_BYTES_PER_SECOND = 1_000_000;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern EVENT = Pattern.compile("event (\\d+)$");
    private static final Pattern SEQUENCE = Pattern.compile("sequenceId=\"(\\d+)\"");

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();
    private Rsyslogd rsyslogd;

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor();
        }
        if (rsyslogd != null) {
            rsyslogd.close();
        }
    }

    private Process child(String name, Path spool, int port, long from, long to) throws IOException {
        Process p = new ProcessBuilder(SpoolingChild.command(spool, port, from, to, MAX_BYTES_PER_SECOND))
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        children.add(p);
        return p;
    }

    private void killChild(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL
        p.waitFor();
    }

    /** The child's complete stdout lines: a line cut off by the kill is not a report. */
    private List<String> childLines(String name) {
        return Rsyslogd.lines(dir.resolve(name + ".out"));
    }

    private Set<Long> acceptedBy(String name) {
        Set<Long> accepted = new TreeSet<>();
        for (String line : childLines(name)) {
            if (line.startsWith("accepted ")) {
                accepted.add(Long.parseLong(line.substring("accepted ".length())));
            }
        }
        return accepted;
    }

    /** The last health line the child printed to stderr. */
    private String lastHealth(String name) {
        List<String> lines = Rsyslogd.lines(dir.resolve(name + ".err"));
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** Event number → how many times it is in rsyslog's output file. */
    private static Map<Long, Integer> received(Path out) {
        Map<Long, Integer> counts = new HashMap<>();
        for (String line : Rsyslogd.lines(out)) {
            Matcher m = EVENT.matcher(line);
            if (m.find()) {
                counts.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static long duplicates(Map<Long, Integer> counts) {
        return counts.values().stream().mapToLong(c -> c - 1).sum();
    }

    @Test
    void everyAcceptedEventReachesRsyslogThroughKillsOfRsyslogdAndOfTheApplication() throws Exception {
        int port = FreePorts.freePort();
        Path out = dir.resolve("received.log");
        Path spool = dir.resolve("spool");
        rsyslogd = Rsyslogd.create(Files.createDirectories(dir.resolve("rsyslogd")),
                RsyslogConfigs.DIRECT_MAIN_QUEUE
                + RsyslogConfigs.templates()
                + RsyslogConfigs.imrelpModule(null)
                + RsyslogConfigs.imrelpInput(port, "store", null)
                + RsyslogConfigs.ruleset("store", "action(type=\"omfile\" file=\"" + out + "\" template=\""
                        + RsyslogConfigs.FIELDS_TEMPLATE + "\" flushOnTXEnd=\"on\" asyncWriting=\"off\")\n"));
        rsyslogd.start().awaitListening(port);
        long t0 = System.nanoTime();

        // 1. 100,000 events, rsyslogd killed twice while they are being delivered.
        Process first = child("first", spool, port, 0, FIRST);
        await("first child appended").atMost(WAIT).until(() -> childLines("first").contains("appended"));
        assertThat(acceptedBy("first")).hasSize(FIRST);
        for (int threshold : new int[] {20_000, 50_000}) {
            await("rsyslog received " + threshold).atMost(WAIT).until(() -> received(out).size() >= threshold);
            int before = received(out).size();
            rsyslogd.kill9();
            rsyslogd.start().awaitListening(port);
            System.out.printf("rsyslog crash: rsyslogd killed with SIGKILL at %,d events received and restarted%n",
                    before);
        }
        await("all 100,000 at rsyslog").atMost(WAIT).until(() -> received(out).size() == FIRST);
        Map<Long, Integer> afterFirst = received(out);
        assertThat(new TreeSet<>(afterFirst.keySet()))
                .containsExactlyElementsOf(LongStream.range(0, FIRST).boxed().toList());
        System.out.printf("rsyslog crash: 100,000 events through 2 kills of rsyslogd in %d ms, %d duplicates%n",
                Duration.ofNanos(System.nanoTime() - t0).toMillis(), duplicates(afterFirst));
        assertSequenceIdsMatchEventNumbers(out);
        await("first child's spool empty").atMost(WAIT).until(() -> lastHealth("first").contains(" spool=0 "));
        System.out.println("rsyslog crash: first child's engine: " + lastHealth("first"));
        killChild(first);

        // 2. rsyslogd down; an application spools 10,000 more, reporting each accepted one, and is killed.
        rsyslogd.stop();
        Process second = child("second", spool, port, FIRST, FIRST + SECOND);
        await("second child accepted some").atMost(WAIT).until(() -> acceptedBy("second").size() >= SECOND / 2);
        killChild(second);
        Set<Long> acceptedBySecond = acceptedBy("second");
        assertThat(childLines("second")).noneMatch(l -> l.startsWith("dropped "));

        // 3. rsyslogd back; a new application on the same spool, appending nothing, delivers all of it.
        rsyslogd.start().awaitListening(port);
        child("third", spool, port, 0, 0);
        await("everything the second child accepted at rsyslog").atMost(WAIT)
                .until(() -> received(out).keySet().containsAll(acceptedBySecond));
        Map<Long, Integer> all = received(out);
        System.out.printf("rsyslog crash: second child accepted %,d events before SIGKILL; all arrived after the "
                + "restart, %d duplicates overall, %d events in total, %d ms%n", acceptedBySecond.size(),
                duplicates(all), all.size(), Duration.ofNanos(System.nanoTime() - t0).toMillis());
        assertThat(all.keySet()).allMatch(n -> n < FIRST || acceptedBySecond.contains(n) || n
                == acceptedBySecond.size() + FIRST, "only events that were appended");
        assertSequenceIdsMatchEventNumbers(out);
    }

    /** Event n was the (n + 1)-th event appended to this spool, so its sequence id is n + 1, across restarts. */
    private static void assertSequenceIdsMatchEventNumbers(Path out) {
        for (String line : Rsyslogd.lines(out)) {
            Matcher e = EVENT.matcher(line);
            Matcher s = SEQUENCE.matcher(line);
            if (e.find()) {
                assertThat(s.find()).as(line).isTrue();
                assertThat(Long.parseLong(s.group(1))).as(line).isEqualTo(Long.parseLong(e.group(1)) + 1);
            }
        }
    }
}
