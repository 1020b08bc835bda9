package dev.sluice.transport.spool;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The child JVM of the crash tests: {@code append DIR POLICY} opens the spool, prints {@code READY <highest id>},
 * then appends records for ever and prints each id after its append returned, until it is killed.
 * {@code open-only DIR} tries to open the spool and exits 3 with the message if it is in use.
 * {@code drop DIR RECORDS READ} appends records 1 to RECORDS to a spool of {@link #DROP_SEGMENT_SIZE} segments, drops
 * the oldest segment after the READ-th record, then the head segment, prints {@code DROPPED <n> <n>} and waits to be
 * killed, leaving the spool as it was (no close, no checkpoint of the drop).
 */
public final class SpoolCrashChild {

    static final long DROP_SEGMENT_SIZE = 8 * 1024;

    private SpoolCrashChild() {
    }

    /** The command line that runs {@code mainClass} in a fresh JVM with this JVM's class path, started quickly. */
    static List<String> javaCommand(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false);
        Path dir = Path.of(args[1]);
        if (args[0].equals("open-only")) {
            try (Spool spool = Spool.open(SpoolConfig.builder(dir).build())) {
                out.println("opened");
                out.flush();
                System.exit(0);
            } catch (SpoolUnavailableException e) {
                out.println(e.getMessage());
                out.flush();
                System.exit(3);
            }
        }
        if (args[0].equals("drop")) {
            Spool spool = Spool.open(SpoolConfig.builder(dir).segmentSize(DROP_SEGMENT_SIZE).minFreeDiskSpace(0)
                    .build());
            Records.append(spool, 1, Long.parseLong(args[2]));
            int read = Integer.parseInt(args[3]);
            long afterRead = spool.dropOldestSegmentAfter(spool.peek(read).get(read - 1));
            long head = spool.dropOldestSegmentAfter(null);
            out.println("DROPPED " + afterRead + " " + head);
            out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
        }
        Spool spool = Spool.open(SpoolConfig.builder(dir)
                .fsync(FsyncPolicy.valueOf(args[2]))
                .segmentSize(64 * 1024)
                .minFreeDiskSpace(0)
                .build());
        long seq = spool.highestSequenceId();
        out.println("READY " + seq);
        out.flush();
        while (true) {
            seq++;
            AppendResult result = spool.append(seq, Records.time(seq), Records.message(seq));
            if (result != AppendResult.APPENDED) {
                out.println("REFUSED " + result);
                out.flush();
                System.exit(4);
            }
            out.println(seq);
            out.flush();
        }
    }
}
