package dev.sluice.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
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
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * DESIGN: a corrupt spool record is never the reason the application fails to start. Spring Boot fails its start
 * on any ERROR in Logback's status manager after configuration; the quarantined record is a WARN, so the
 * application starts, with the appender running.
 */
class CorruptSpoolStartTest {

    @TempDir
    Path spoolDir;

    @AfterEach
    void forgetSpool() {
        System.clearProperty("sluice.test.spool");
    }

    @Test
    void theApplicationStartsWithACorruptRecordInItsSpool() throws Exception {
        try (Spool spool = Spool.open(SpoolConfig.builder(spoolDir).minFreeDiskSpace(0).build())) {
            for (long seq = 1; seq <= 3; seq++) {
                byte[] message = ("<14>1 2024-03-01T09:00:00Z host app - - - spooled message " + seq)
                        .getBytes(StandardCharsets.UTF_8);
                assertThat(spool.append(seq, Instant.now(), message)).isEqualTo(AppendResult.APPENDED);
            }
        }
        Path segment;
        try (Stream<Path> files = Files.list(spoolDir)) {
            segment = files.filter(p -> p.getFileName().toString().startsWith("segment-")).findFirst().orElseThrow();
        }
        flipByte(segment, 32 + 32 + 10); // in the first record's message: its checksum no longer matches
        System.setProperty("sluice.test.spool", spoolDir.toString());
        // Logging initialised by another test's application (a cached context) is not initialised again by the next
        // application in this JVM: clean it up as a closed application does, so that this one reads its own file.
        LoggingSystem.get(getClass().getClassLoader()).cleanUp();

        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(BillingApplication.class)
                .properties("logging.config=classpath:logback-spool-test.xml").run()) {
            assertThat(app.isRunning()).isTrue();
            LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
            assertThat(logback.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CENTRAL").isStarted()).isTrue();
            assertThat(logback.getStatusManager().getCopyOfStatusList()).filteredOn(s -> s.getLevel() == Status.WARN)
                    .extracting(Status::getMessage).anySatisfy(m -> assertThat(m).contains("quarantined"));
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
