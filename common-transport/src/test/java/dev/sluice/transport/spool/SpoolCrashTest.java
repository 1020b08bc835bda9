package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that is appending (SIGKILL, at random moments) over and over in the same directory, and checks after
 * each kill that every record whose append had returned is there exactly once, in order, intact.
 */
class SpoolCrashTest {

    @TempDir
    Path dir;

    @Test
    void everyReturnedAppendSurvivesRepeatedKillsWithIntervalFsync() throws Exception {
        killRepeatedly(FsyncPolicy.INTERVAL, 50);
    }

    @Test
    void everyReturnedAppendSurvivesRepeatedKillsWithFsyncAlways() throws Exception {
        killRepeatedly(FsyncPolicy.ALWAYS, 12);
    }

    private void killRepeatedly(FsyncPolicy policy, int kills) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path spoolDir = dir.resolve(policy.name());
        long totalConfirmed = 0;
        int zeroTails = 0;
        for (int i = 0; i < kills; i++) {
            String context = "seed " + seed + ", kill " + i + " (" + policy + ")";
            // Standard output goes to a file, not a pipe: after a kill, the file holds every byte the child wrote.
            Path stdout = dir.resolve("child-stdout-" + i + ".txt");
            Process child = new ProcessBuilder(SpoolCrashChild.javaCommand(SpoolCrashChild.class.getName(), "append",
                    spoolDir.toString(), policy.name()))
                    .redirectError(dir.resolve("child-stderr.txt").toFile())
                    .redirectOutput(stdout.toFile())
                    .start();
            Output output = new Output(stdout);
            try {
                await(context).atMost(Duration.ofSeconds(30)).until(() -> output.text().contains("\n") || !child.isAlive());
                assertThat(output.text()).as(context).startsWith("READY ");
                // Let it append for a random 50-300 ms; it never exits by itself.
                assertThat(child.waitFor(50 + random.nextInt(251), TimeUnit.MILLISECONDS)).as(context).isFalse();
            } finally {
                child.destroyForcibly();
                child.waitFor();
            }

            if (endsInZeros(spoolDir)) {
                zeroTails++;
            }
            List<String> lines = output.completeLines();
            long start = Long.parseLong(lines.get(0).substring("READY ".length())) + 1;
            List<Long> confirmed = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                confirmed.add(Long.parseLong(line));
            }
            assertThat(confirmed).as(context).isEqualTo(Records.range(start, start + confirmed.size() - 1));
            totalConfirmed += confirmed.size();

            RecordingListener listener = new RecordingListener();
            try (Spool spool = Spool.open(SpoolConfig.builder(spoolDir).listener(listener).minFreeDiskSpace(0)
                    .segmentSize(64 * 1024).build())) {
                List<Long> found = Records.readAll(spool);
                // Exactly once and in order: ids are start, start + 1, ... without gaps; the last append may or may
                // not have made it before the kill.
                assertThat(found).as(context).isEqualTo(Records.range(start, start + found.size() - 1));
                assertThat((long) found.size()).as(context).isBetween((long) confirmed.size(), confirmed.size() + 1L);
                assertThat(listener.of("corrupt")).as(context).isEmpty();
                assertThat(listener.of("missing")).as(context).isEmpty();
                assertThat(listener.of("quarantined")).as(context).isEmpty();
                // Deliver everything, so that the next child starts on an acknowledged, partly deleted spool.
                if (!found.isEmpty()) {
                    List<SpoolRecord> last = spool.peek(found.size());
                    spool.acknowledge(last.get(last.size() - 1));
                }
            }
        }
        assertThat(totalConfirmed).as("appends confirmed over all kills").isGreaterThan(kills * 10L);
        // The child wrote through a mapping: killed, it left the newest segment as long as the mapping, zeros after
        // its records. Open read that as unwritten space (no "corrupt" above) and went on after the last record.
        assertThat(zeroTails).as("kills that left a zero tail").isPositive();
    }

    private static boolean endsInZeros(Path spoolDir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(spoolDir)) {
            Path newest = files.filter(p -> p.getFileName().toString().matches("segment-\\d{19}\\.spool"))
                    .max(java.util.Comparator.naturalOrder()).orElseThrow();
            byte[] b = Files.readAllBytes(newest);
            return SpoolFormat.withoutZeroTail(b, b.length) < b.length - 8;
        }
    }

    /** A child's standard output, read from the file it goes to. */
    private static final class Output {
        private final Path file;

        Output(Path file) {
            this.file = file;
        }

        String text() throws IOException {
            return Files.readString(file, StandardCharsets.US_ASCII);
        }

        /** Lines that ended with a newline: a line cut off by the kill is not a confirmation. */
        List<String> completeLines() throws IOException {
            String t = text();
            int end = t.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(t.substring(0, end).split("\n"));
        }
    }
}
