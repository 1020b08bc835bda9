package dev.sluice.transport.spool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Writes the golden spool of format version 1 that {@link SpoolGoldenFileTest} reads: three records (one with an
 * empty message, one with non-ASCII UTF-8), the second moved aside, the first acknowledged. Run once to make
 * {@code src/test/resources/dev/sluice/transport/spool/golden-v1}; never again unless the format version changes.
 */
public final class GoldenSpool {

    static final long[] IDS = {41, 42, 43};
    static final Instant[] TIMES = {
        Instant.parse("2024-03-01T09:00:00.123456789Z"),
        Instant.parse("2024-03-01T09:00:01Z"),
        Instant.parse("1969-12-31T23:59:59.5Z"),
    };
    static final byte[][] MESSAGES = {
        "<14>1 2024-03-01T09:00:00.123456Z host app - - - first".getBytes(StandardCharsets.UTF_8),
        new byte[0],
        "<11>1 - host app - - - Grüße, 日本 ✓".getBytes(StandardCharsets.UTF_8),
    };

    private GoldenSpool() {
    }

    static void write(Path dir) throws Exception {
        try (Spool spool = Spool.open(SpoolConfig.builder(dir).fsync(FsyncPolicy.NEVER).minFreeDiskSpace(0).build())) {
            for (int i = 0; i < IDS.length; i++) {
                spool.append(IDS[i], TIMES[i], MESSAGES[i]);
            }
            List<SpoolRecord> all = spool.peek(3);
            spool.moveAside(all.get(1));
            spool.acknowledge(all.get(0));
        }
    }

    public static void main(String[] args) throws Exception {
        write(Path.of(args[0]));
    }
}
