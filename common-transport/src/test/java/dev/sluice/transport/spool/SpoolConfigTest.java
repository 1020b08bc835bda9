package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolConfigTest {

    @TempDir
    Path dir;

    /**
     * A segment over 2 GiB was quarantined whole at the next open, and read offsets in it overflowed an int; 1 GiB
     * (what the replay benchmark uses) is the largest allowed, and works.
     */
    @Test
    void segmentSizeIsRefusedAboveOneGibibyteAndOneGibibyteWorks() throws Exception {
        assertThatThrownBy(() -> SpoolConfig.builder(dir).segmentSize((1L << 30) + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segmentSize: 1073741825 (expected: 4128..1073741824 octets)");
        assertThatThrownBy(() -> SpoolConfig.builder(dir).segmentSize(3L << 30))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segmentSize: 3221225472 (expected: 4128..1073741824 octets)");
        assertThatThrownBy(() -> SpoolConfig.builder(dir).segmentSize(4127))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("segmentSize: 4127 (expected: 4128..1073741824 octets)");

        SpoolConfig config = SpoolConfig.builder(dir).segmentSize(SpoolConfig.MAX_SEGMENT_SIZE).maxSize(4L << 30).minFreeDiskSpace(0)
                .build();
        assertThat(config.effectiveSegmentSize()).isEqualTo(SpoolConfig.MAX_SEGMENT_SIZE);
        try (Spool spool = Spool.open(config)) {
            Records.append(spool, 1, 100);
        }
        try (Spool spool = Spool.open(config)) {
            assertThat(Records.readAll(spool)).isEqualTo(Records.range(1, 100));
            assertThat(spool.quarantinedFiles()).isZero();
        }
    }

    /** The engine opens its spool from {@code toBuilder()} with its own listener: nothing else may be lost on the way. */
    @Test
    void toBuilderKeepsEverySetting() {
        SpoolListener listener = new SpoolListener() {
        };
        FaultyFileSystem fs = new FaultyFileSystem();
        SpoolConfig config = SpoolConfig.builder(dir).maxSize(1L << 20).segmentSize(64 * 1024)
                .fsync(FsyncPolicy.ALWAYS).fsyncInterval(java.time.Duration.ofSeconds(3)).minFreeDiskSpace(12_345)
                .listener(listener).fileSystem(fs).memoryMapped(false).scanChunk(777).build();

        SpoolConfig copy = config.toBuilder().build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(config);
        assertThat(copy.fileSystem()).isSameAs(fs);
        assertThat(copy.listener()).isSameAs(listener);
        assertThat(copy.memoryMapped()).isFalse();
        assertThat(copy.scanChunk()).isEqualTo(777);
    }
}
