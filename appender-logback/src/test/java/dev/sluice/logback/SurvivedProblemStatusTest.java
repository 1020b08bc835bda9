package dev.sluice.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;

import dev.sluice.transport.spool.AppendResult;
import dev.sluice.transport.spool.Spool;
import dev.sluice.transport.spool.SpoolConfig;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problems the engine survives and handles itself are WARN in Logback's status manager, never ERROR: Spring Boot
 * fails the application's start on any ERROR status after configuration, and the appender runs on through these.
 */
class SurvivedProblemStatusTest {

    @TempDir
    Path dir;

    private LoggerContext load() throws Exception {
        LoggerContext context = new LoggerContext();
        context.putProperty("SPOOL_DIR", dir.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(SurvivedProblemStatusTest.class.getResource("/logback-spool.xml"));
        return context;
    }

    private static List<Status> statuses(LoggerContext context, int level) {
        return context.getStatusManager().getCopyOfStatusList().stream().filter(s -> s.getLevel() == level).toList();
    }

    private static void assertStartedWithWarningAndNoError(LoggerContext context, String warning) {
        RemoteSyslogAppender appender = (RemoteSyslogAppender) context.getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender("CENTRAL");
        assertThat(appender.isStarted()).isTrue();
        // whatever its level: then the assertions below say which level it has
        await().atMost(Duration.ofSeconds(20)).until(() -> context.getStatusManager().getCopyOfStatusList().stream()
                .anyMatch(s -> s.getMessage().contains(warning)));
        assertThat(statuses(context, Status.ERROR)).extracting(Status::getMessage).isEmpty();
        assertThat(statuses(context, Status.WARN)).extracting(Status::getMessage)
                .anySatisfy(m -> assertThat(m).contains(warning));
    }

    @Test
    void aSpoolLockedByAnotherSpoolIsAWarningAndTheAppenderStartsFromMemory() throws Exception {
        try (Spool holder = Spool.open(SpoolConfig.builder(dir).minFreeDiskSpace(0).build())) {
            LoggerContext context = load();
            try {
                assertStartedWithWarningAndNoError(context, "cannot be used, keeping events in memory");
                context.getLogger("com.acme.Billing").info("still logging");
                assertThat(statuses(context, Status.ERROR)).isEmpty();
            } finally {
                context.stop();
            }
        }
    }

    @Test
    void aCorruptRecordInTheSpoolIsAWarningAndTheAppenderStarts() throws Exception {
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).minFreeDiskSpace(0).build())) {
            for (long seq = 1; seq <= 3; seq++) {
                byte[] message = ("<14>1 2024-03-01T09:00:00Z host app - - - spooled message " + seq)
                        .getBytes(StandardCharsets.UTF_8);
                assertThat(spool.append(seq, Instant.now(), message)).isEqualTo(AppendResult.APPENDED);
            }
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.getFileName().toString().startsWith("segment-")).findFirst().orElseThrow();
        }
        // the first record starts after the 32-octet segment header; its message after its own 32-octet header
        flipByte(segment, 32 + 32 + 10);
        LoggerContext context = load();
        try {
            assertStartedWithWarningAndNoError(context, "quarantined");
        } finally {
            context.stop();
        }
    }

    private static void flipByte(Path file, long offset) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0xff));
            b.rewind();
            ch.write(b, offset);
        }
    }
}
