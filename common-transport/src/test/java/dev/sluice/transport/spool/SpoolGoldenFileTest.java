package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool directory of format version 1, written once by {@link GoldenSpool} and committed: today's code must read
 * it, and must write exactly those bytes again. A failure here means the on-disk format changed: raise the version
 * and keep reading version 1, do not just regenerate the files.
 */
class SpoolGoldenFileTest {

    private static final List<String> FILES =
            List.of("segment-0000000000000000001.spool", "checkpoint", "rejected.spool");

    @TempDir
    Path dir;

    private static Path golden() throws URISyntaxException {
        return Path.of(SpoolGoldenFileTest.class.getResource("golden-v1/checkpoint").toURI()).getParent();
    }

    @Test
    void theCommittedVersionOneSpoolIsReadBack() throws Exception {
        for (String f : FILES) {
            Files.copy(golden().resolve(f), dir.resolve(f));
        }
        RecordingListener listener = new RecordingListener();
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).listener(listener).minFreeDiskSpace(0).build())) {
            List<SpoolRecord> records = spool.peek(10);
            assertThat(records).hasSize(2);
            for (int i = 0; i < 2; i++) {
                SpoolRecord r = records.get(i);
                assertThat(r.sequenceId()).isEqualTo(GoldenSpool.IDS[i + 1]);
                assertThat(r.eventTime()).isEqualTo(GoldenSpool.TIMES[i + 1]);
                assertThat(r.message()).isEqualTo(GoldenSpool.MESSAGES[i + 1]);
            }
            assertThat(spool.highestSequenceId()).isEqualTo(43);
            assertThat(spool.rejectedRecords()).isEqualTo(1);
            assertThat(listener.events).isEmpty();
        }
    }

    @Test
    void todaysCodeWritesTheSameBytes() throws Exception {
        GoldenSpool.write(dir);
        for (String f : FILES) {
            assertThat(Files.readAllBytes(dir.resolve(f))).as(f).isEqualTo(Files.readAllBytes(golden().resolve(f)));
        }
    }

    @Test
    void theSegmentHeaderAndFirstRecordHaveTheDocumentedLayout() throws Exception {
        byte[] b = Files.readAllBytes(golden().resolve(FILES.get(0)));
        assertThat(new String(b, 0, 4, "US-ASCII")).isEqualTo("SLSG");
        assertThat(SpoolFormat.getShort(b, 4)).isEqualTo((short) 1);
        assertThat(SpoolFormat.getShort(b, 6)).isEqualTo((short) 32);
        assertThat(SpoolFormat.getLong(b, 8)).isEqualTo(1);
        assertThat(new String(b, 32, 4, "US-ASCII")).isEqualTo("SLRC");
        assertThat(SpoolFormat.getInt(b, 36)).isEqualTo(GoldenSpool.MESSAGES[0].length);
        assertThat(SpoolFormat.getLong(b, 40)).isEqualTo(41);
        assertThat(SpoolFormat.getLong(b, 48)).isEqualTo(GoldenSpool.TIMES[0].getEpochSecond());
        assertThat(SpoolFormat.getInt(b, 56)).isEqualTo(123456789);
        int crcAt = 32 + 28 + GoldenSpool.MESSAGES[0].length;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b, 32, crcAt - 32);
        assertThat(SpoolFormat.getInt(b, crcAt)).isEqualTo((int) crc.getValue());
    }
}
