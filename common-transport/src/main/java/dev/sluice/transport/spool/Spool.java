package dev.sluice.transport.spool;

import static dev.sluice.transport.spool.SpoolFormat.RECORD_HEADER_BYTES;
import static dev.sluice.transport.spool.SpoolFormat.RECORD_OVERHEAD;
import static dev.sluice.transport.spool.SpoolFormat.SEGMENT_HEADER_BYTES;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A durable, append-only spool of log records in a directory: what the delivery engine has accepted and the
 * server has not yet acknowledged.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>When {@link #append} returns {@link AppendResult#APPENDED}, the record is in the file's pages in the OS
 *       page cache (stored through a shared mapping, or written with a write call; see "Memory-mapped tail"):
 *       it survives a {@code kill -9} of the JVM. With {@link FsyncPolicy#ALWAYS} it was also forced
 *       to the disk and survives a power cut; with {@link FsyncPolicy#INTERVAL} a power cut loses at most the
 *       last {@link SpoolConfig#fsyncInterval()} (forces start at that fixed rate; add the time the force under way
 *       takes); with {@link FsyncPolicy#NEVER}, whatever the OS had not written back.</li>
 *   <li>A record is removed only by {@link #acknowledge}, or, to make room in a full spool, with the rest of its
 *       segment by {@link #dropOldestSegmentAfter}. After a crash, records acknowledged since the last
 *       checkpoint are delivered again (at least once; the sequence id lets the receiver drop duplicates).</li>
 *   <li>An append that fails or is refused changes nothing already spooled: a partial write is truncated away.
 *       A full disk is an {@link IOException} from {@code append} (or a refusal, below
 *       {@link SpoolConfig#minFreeDiskSpace()}), never a fault in a store through the mapping.</li>
 *   <li>Opening never fails because of what is in the files. A torn tail (partial last record) is truncated; a
 *       damaged record (bad magic, impossible length, CRC32C mismatch) is skipped by resynchronising on the next
 *       sound record, or the rest of the segment is skipped; a segment with a bad header is moved aside; a
 *       missing segment (a gap in the numbering) is skipped. Damaged bytes are copied or moved to
 *       {@code quarantine/}, counted, and reported through the {@link SpoolListener}; they are never returned as
 *       records. Only a lock conflict or an unusable directory fails {@link #open}, with
 *       {@link SpoolUnavailableException}.</li>
 *   <li>Sequence ids increase strictly and continue across restarts: {@link #highestSequenceId()} is the highest
 *       id ever appended, kept in the checkpoint as a high-water mark even when every segment was deleted.</li>
 *   <li>One process per directory: {@code spool.lock} is held with a {@link FileLock} while the spool is open.</li>
 * </ul>
 *
 * <h2>Peek, send, acknowledge</h2>
 * The engine reads without removing: {@link #peek(int)} returns up to n records from the acknowledged position,
 * {@link #peekAfter(SpoolRecord, int)} the records after one it already has (so it can keep a RELP window full
 * without re-reading). It sends them, and when the server acknowledged a record <em>and every record before
 * it</em>, calls {@link #acknowledge(SpoolRecord)}. Acknowledgement is in order: RELP answers can arrive out of
 * order relative to {@code 500} rejections, so the engine keeps track of the contiguous acknowledged prefix and
 * acknowledges its last record. A record the server refused for good is given to {@link #moveAside} (copied to
 * {@code rejected.spool}, forced, counted) and then counts as done for that prefix. If the process dies between
 * send and acknowledge, the record is sent again after the restart.
 *
 * <h2>Threading</h2>
 * Thread-safe: every method holds this object's monitor, so appends from the application's threads and reads and
 * acknowledgements from the delivery thread are serialised ({@link #peekAfter} holds it only briefly: the records
 * of the active, mapped segment are located under it and read outside it, others a few at a time, so that an
 * append never waits for a batch; readers take {@code reading} first, one at a time; reads and writes are positional, so none moves a
 * shared file position; reads use the channel, which sees the mapped stores: one page cache). One daemon thread,
 * {@code sluice-spool-flush}, forces appended data every {@code fsyncInterval} with {@link FsyncPolicy#INTERVAL}
 * (at a fixed rate; outside the monitor, so appends go on meanwhile), and writes the checkpoint when the
 * acknowledged position moved. Checkpoints and the deletion of acknowledged segments are file I/O with a force each (tens of
 * milliseconds on a busy disk): they run outside the monitor too, under {@code checkpointLock} (taken before the
 * monitor, never after it), so that an acknowledgement never stalls the application's appends. Another,
 * {@code sluice-spool-prealloc}, reserves space ahead of the mapped segment's last record (see below); it shares
 * only {@code allocLock} with appends, taken after the monitor, never before it. Listener methods run on the
 * calling thread ({@link SpoolListener#flushFailed} on these two). An
 * interrupted caller does not break the spool: its interrupt status is set aside for the call ({@link #open} and
 * {@link #close} included) and restored after (NIO would otherwise close the shared file channel), and a channel
 * closed by an interrupt is reopened. An interrupt that comes during a call still closes the channel under it, and NIO
 * then reports the call failed even when it was done: so a truncate that memory follows (a drop's, a failed append's
 * cut-back) is done again on the channel opened again, never left unknown; and the other threads treat a channel
 * closed under them as closed by someone else's interrupt, not as a disk failure.
 *
 * <h2>Files</h2>
 * <pre>
 * directory/
 *   spool.lock                      held with a FileLock while open; never deleted
 *   segment-0000000000000000001.spool  segments, numbered 1, 2, 3 ... without gaps, 19 decimal digits; one that
 *                                   a drop emptied is its header alone until the head passes it
 *   checkpoint                      acknowledged position and sequence high-water mark
 *   delivered-ahead                 ids of records the server acknowledged ahead of the head (urgent events sent
 *                                   at once); absent when there are none; see {@link DeliveredAhead}
 *   rejected.spool                  records moved aside; same layout as a segment, segment number 0
 *   quarantine/                     damaged regions and files, for a person to look at
 *   *.tmp                           a file being created; deleted on open
 *   spare-segment.tmp               an acknowledged segment, emptied, kept to become the next one; deleted on open
 * </pre>
 *
 * <h2>On-disk format, version 1 (all integers big-endian)</h2>
 * <pre>
 * Segment file = header, then records back to back up to the end of the file, or up to the first offset
 * where a record should start and every octet from there to the end of the file is zero: unwritten space.
 * A closed spool has none (close and roll cut each file back to its records); a crashed process can leave it
 * in any segment (the mapped writer makes the file as long as its mapping). Zeros are never damage there:
 * a record starts with its magic. A file with an unwritten tail reads as the same records in version 1.
 *
 * Segment header (32 bytes):
 *   0   4  magic "SLSG" (0x534C5347)
 *   4   2  format version, 1
 *   6   2  header length, 32
 *   8   8  segment number (as in the file name)
 *  16  12  reserved, zero
 *  28   4  CRC32C of bytes 0..27
 *
 * Record (32 + L bytes):
 *   0   4  magic "SLRC" (0x534C5243)
 *   4   4  L, octets of the message, 0..16777216
 *   8   8  sequence id
 *  16   8  event time: seconds since 1970-01-01T00:00:00Z
 *  24   4  event time: nanoseconds within the second, 0..999999999
 *  28   L  message octets
 *  28+L 4  CRC32C of bytes 0..27+L (header and message)
 *
 * Checkpoint file "checkpoint" (36 bytes):
 *   0   4  magic "SLCK" (0x534C434B)
 *   4   2  format version, 1
 *   6   2  reserved, zero
 *   8   8  segment number of the first unacknowledged record
 *  16   8  byte offset of that record in its segment (or the segment's end)
 *  24   8  highest sequence id ever appended when it was written
 *  32   4  CRC32C of bytes 0..31
 *
 * Delivered-ahead file "delivered-ahead" (16 + 16n bytes):
 *   0   4  magic "SLDA" (0x534C4441)
 *   4   2  format version, 1
 *   6   2  reserved, zero
 *   8   4  n, number of ranges, 0..16384
 *  12  16n ranges, ascending and disjoint: first sequence id (8), last sequence id (8), inclusive
 *  12+16n 4  CRC32C of every byte before it
 * </pre>
 *
 * <h2>Memory-mapped tail</h2>
 * The active (last) segment is mapped {@code READ_WRITE} ({@code MAP_SHARED}) for its whole segment size (at most
 * its first 256 MiB), and an append copies the record into the mapping: no system call, no copy into a temporary
 * direct buffer. A store into a shared mapping changes the page cache page itself, so once it is done a
 * {@code kill -9} of the JVM loses nothing, exactly as after a {@code write}. What a store must never meet is a page whose disk
 * block cannot be allocated (a full disk): that is a SIGBUS, which the JVM turns into an {@link InternalError}
 * thrown at some later point, not an {@link IOException} here. So:
 * <ul>
 *   <li>Records are stored only below {@code allocated}: octets written with write calls, which reserve their
 *       blocks or fail with an {@link IOException}. The preallocation thread zero-fills the file 256 KiB at a time,
 *       up to 1 MiB past the last record, under {@code allocLock}, then stores a zero into each new page so that
 *       the page faults are taken there too, and only then moves {@code allocated}. It leaves
 *       {@link SpoolConfig#minFreeDiskSpace()} alone. A record that does not fit below {@code allocated} (the
 *       thread is behind, or failed, or the record is bigger than what is mapped) is written with one positional
 *       write, under {@code allocLock} so the zero-fill never overwrites it; on a full disk that write fails and
 *       is rolled back as before.</li>
 *   <li>Reads go through the channel; they see the mapped stores (one page cache), and never read past the
 *       in-memory end, so never into unwritten space.</li>
 *   <li>{@code ALWAYS} forces the record's pages ({@link MappedByteBuffer#force(int, int)}, {@code msync});
 *       {@code INTERVAL} forces the range written since the last time, from the flush thread; neither forces the
 *       zero-filled space, which would double what goes to the disk.</li>
 *   <li>A mapping cannot be released without {@code Unsafe}; the GC releases it. So a mapping is made once per
 *       file and kept: when a segment that was mapped is acknowledged, its file is emptied and kept with its
 *       mapping as {@code spare-segment.tmp}, and the next roll reuses both. In the steady state a spool holds
 *       two or three mappings and makes no new one. While a backlog grows, a spool keeps the mappings of its
 *       newest 16 segments (at most 256 MiB) and drops older ones at the roll; once 64 dropped mappings in the
 *       JVM await the GC, new segments use write calls until it has released some. A file that was mapped is
 *       emptied before it is deleted, so a mapping the GC has not released yet keeps no disk blocks.</li>
 *   <li>Not on Windows, where a mapped file can be neither truncated nor deleted: write calls there.</li>
 * </ul>
 *
 * <h2>Commit order (why a crash at any instant is safe)</h2>
 * <ul>
 *   <li>Append: record stored into the mapping below {@code allocated} (or written with one positional write at
 *       the segment's end) → forced ({@code ALWAYS}) → the in-memory end moves. A crash before the store or write
 *       completes leaves a torn tail (whatever part of the record was stored, then zeros, or nothing), truncated
 *       on open; a failed write is truncated at once (a failed force zeroes the stored record) and the in-memory
 *       end never moved, so the next append overwrites it. The zeros after the last record are unwritten space,
 *       cut off on open; appends go on after the last sound record.</li>
 *   <li>New segment (roll): the old one is cut back to its records and, with {@code ALWAYS}, forced → the header
 *       is written to {@code segment-N.spool.tmp} (or into {@code spare-segment.tmp}, emptied) and forced (unless
 *       {@code NEVER}) → atomically renamed → the directory forced → the segment joins the in-memory list → it is
 *       mapped. The steps up to the rename's source are done ahead, once the active segment is half full, by the
 *       preallocation thread ({@code segment-N.spool.tmp}, from the spare if there is one); the roll then only
 *       renames it, and with {@code INTERVAL} or {@code NEVER} leaves the directory force to the flush thread,
 *       which does it before it forces the new segment's records (the application's thread used to spend ~10 ms
 *       per roll in the two forces). A crash leaves at most a {@code .tmp}, which open deletes, and an old segment
 *       with an unwritten tail; an OS crash before the directory force can lose the renamed segment, whose records
 *       were not forced either. With {@code INTERVAL} the old segment is forced by the flush thread within the interval (rolled
 *       segments first, then the active one), not by the appending thread: forcing 16 MiB there took 15-50 ms. A
 *       power cut before that force can leave the old segment's last records unwritten (zeros, cut off on open)
 *       or damaged (reported, set aside, skipped) while the next segment is whole: records of the last interval
 *       only, as the policy promises.</li>
 *   <li>Acknowledge: the in-memory head moves (a crash now only re-delivers). The checkpoint is written as
 *       {@code checkpoint.tmp} → forced → atomically renamed over {@code checkpoint} → directory forced, by the
 *       flush thread, on close, and at once when a segment became fully acknowledged. Only after that rename are
 *       segments before the head deleted (or one of them emptied and renamed to the spare): a crash in between
 *       leaves segments, maybe empty, that open deletes because the checkpoint is past them. The checkpoint
 *       carries the sequence high-water mark, so deleting every record never loses it. The checkpoint is one small
 *       file replaced atomically rather than a field in the segment headers, so that segments are never rewritten
 *       in place.</li>
 *   <li>Delivered ahead ({@link #deliveredAhead()}): an id is added only after the server acknowledged its record;
 *       when the set changed, {@code delivered-ahead} is written after the checkpoint, the same way
 *       ({@code .tmp} → forced → renamed → directory forced; deleted when empty), by the flush thread and on close.
 *       A crash before it is written only sends those records again; one between the checkpoint and it leaves ids
 *       the head passed, which open forgets (it keeps ids from the first pending record up to the highest id, so
 *       that an id the segments lost, to be given again, is never taken for delivered). A damaged file is
 *       quarantined and reported, and treated as empty.</li>
 *   <li>Drop ({@link #dropOldestSegmentAfter}): the segment, not the active one, is cut back to its header → the
 *       in-memory state follows → forced (unless {@code NEVER}). Memory follows the cut, not the force: once cut, the
 *       records are out of the file in the page cache, where a {@code kill -9} cannot bring them back, and a force
 *       that fails cannot put them back either; it is reported ({@link SpoolListener#flushFailed}) and the drop
 *       stands (only an OS crash before the write-back could undo the cut). It is emptied rather than deleted so that
 *       the numbering keeps no gap (open would report one as a missing segment); a crash leaves it whole or a header
 *       alone, never records that come back. The head deletes it when it passes it, as above.</li>
 * </ul>
 *
 * <h2>Limitations</h2>
 * <ul>
 *   <li>Records are acknowledged in order only (see above); there is no per-record removal. A full spool drops
 *       whole segments ({@link #dropOldestSegmentAfter}), never part of one, nor the active one.</li>
 *   <li>Open reads every unacknowledged segment and {@code rejected.spool} once, to check each record and count
 *       them: a chunk at a time ({@link #SCAN_CHUNK}), so memory does not grow with the files, but time does.</li>
 *   <li>A damaged region stays in its segment file (the records around it stay readable) until the segment is
 *       acknowledged and deleted, so it is reported again on each open (its quarantine copy is replaced, not
 *       duplicated). Damage that appears while the spool is open is found when the record is read, skipped and
 *       reported the same way; {@link #pendingRecords()} then over-counts until the next open.</li>
 *   <li>{@code rejected.spool} is limited by {@code maxSize} (and {@code minFreeDiskSpace}) on its own, besides the
 *       segments; beyond it refused records are not copied ({@link #moveAside} says so). An operator empties it.</li>
 *   <li>One message is at most 16 MiB. Sequence ids start at 1 and must increase with every append.</li>
 *   <li>Forcing the directory after a rename is done where the platform allows it (Linux); elsewhere a power cut
 *       right after a rename may lose that rename.</li>
 *   <li>While open, the active segment's file is as long as its mapping (sparse past the reserved space), and up to
 *       1 MiB past its last record is zero-filled on disk; {@link #sizeOnDisk()} and {@link SpoolConfig#maxSize()}
 *       count records, not that space. A mapping the GC has not released (after close, or of a deleted segment)
 *       still counts in the process's virtual memory, and the pages it touched in its resident set; files of a
 *       closed spool deleted by someone else keep their blocks until then.</li>
 *   <li>Another process that truncates the active segment while it is mapped makes the next store fault: the JVM
 *       throws an {@link InternalError}, turned here into an {@link IOException} when it comes at once. A file
 *       system that allocates on every write (copy-on-write, compressed) can still run out of space under the
 *       reserved octets; the JVM then faults the same way.</li>
 *   <li>Software that reads v1 files without knowing about unwritten space would report the zeros a crashed
 *       process left as a torn tail; files of a closed spool are plain v1.</li>
 * </ul>
 */
public final class Spool implements Closeable {

    static final String LOCK_FILE = "spool.lock";
    static final String CHECKPOINT_FILE = "checkpoint";
    static final String DELIVERED_AHEAD_FILE = "delivered-ahead";
    static final String REJECTED_FILE = "rejected.spool";
    static final String QUARANTINE_DIR = "quarantine";
    private static final Pattern SEGMENT_NAME = Pattern.compile("segment-(\\d{19})\\.spool");
    private static final int READ_CHUNK = 256 * 1024;
    /**
     * Octets open reads a file in at a time to check its records ({@link FileWindow}): one buffer for the whole open,
     * however large the files (a record longer than it is read whole, in a buffer of its own, while it is checked).
     */
    static final int SCAN_CHUNK = 1 << 20;
    /**
     * Records {@link #peekAfter} reads, checks and copies under one hold of the monitor (~1 µs). A batch of 256 under
     * one hold kept appends waiting for tens of microseconds, longer when the reader was preempted holding it (JFR:
     * the application's thread blocked at the monitor ~250 times in 15 s at 100,000 events/s with the receiver up).
     */
    private static final int READ_STEP = 8;
    /** Octets of the active segment's mapping {@link MappedStep} copies at a time. */
    private static final int MAPPED_READ = 64 * 1024;
    /** Octets appended between two look-ups of the free disk space (when not close to the limit). */
    private static final long SPACE_RECHECK_BYTES = 1L << 20;
    /** Octets the preallocation thread zero-fills in one go, under {@link #allocLock}; a multiple of the page size. */
    static final int PREALLOC_CHUNK = 256 * 1024;
    /** How far past the last record the preallocation thread keeps the mapped segment backed by written blocks. */
    static final int PREALLOC_LEAD = 1024 * 1024;
    /** The smallest page size of the platforms we run on: pages are faulted in by storing into each. */
    private static final int PAGE = 4096;
    /** Largest mapping of one segment; past it (a bigger segment size) records are written with write calls. */
    private static final int MAX_MAP_BYTES = 256 << 20;
    /**
     * Mappings dropped in this JVM and not yet released by the GC beyond which new segments are written with write
     * calls; see {@link #mapTail}.
     */
    static final int MAX_DROPPED_MAPPINGS = 64;
    /**
     * Octets of mappings one spool keeps at most: the active segment's, older segments' kept so that their files
     * can be reused once acknowledged, and the spare's. Past it, an older segment's mapping is dropped at the roll.
     */
    static final long MAX_KEPT_BYTES = 256L << 20;
    /** Mappings one spool keeps at most (with small segments the octets are not the limit, the mappings are). */
    static final int MAX_KEPT_MAPPINGS = 16;
    /** An acknowledged segment's file, emptied, kept with its mapping to become the next segment. */
    static final String SPARE_FILE = "spare-segment.tmp";
    /** Largest record written from the reused direct buffer; a larger one goes through a temporary buffer. */
    private static final int MAX_DIRECT_WRITE = 1 << 20;

    /**
     * Mappings dropped in this JVM that the GC has not released yet. Without {@code Unsafe} there is no way to
     * unmap a {@link MappedByteBuffer}; each one dropped holds a virtual memory area (there are at most
     * {@code vm.max_map_count}, 65530 by default) and the pages it touched until the GC finds it unreachable.
     */
    private static final Set<Reference<MappedByteBuffer>> DROPPED_MAPPINGS = ConcurrentHashMap.newKeySet();
    private static final ReferenceQueue<MappedByteBuffer> RELEASED_MAPPINGS = new ReferenceQueue<>();

    private final SpoolConfig config;
    private final Path directory;
    private final SpoolListener listener;
    private final SpoolFileSystem fs;
    private final FsyncPolicy fsync;
    private final long segmentLimit;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final CRC32C crc = new CRC32C();
    /** Held by {@link #peekAfter} (readers one at a time; before the monitor, never after it). */
    private final Object reading = new Object();
    /** {@link MappedStep}'s copy of the mapping and its CRC, under {@link #reading}. */
    private byte[] readBuffer = new byte[0];
    private final CRC32C readCrc = new CRC32C();
    private final DeliveredAhead deliveredAhead = new DeliveredAhead();
    private final ArrayList<Segment> segments = new ArrayList<>();
    private final ScheduledExecutorService flusher;
    private final boolean mapping;
    /**
     * Guards {@link Segment#allocated} and every write at or past it in the mapped segment: the preallocation
     * thread's zero-fill, and the application thread's write call when a record does not fit below it. Taken
     * after this object's monitor, never before it.
     */
    private final ReentrantLock allocLock = new ReentrantLock();
    /**
     * Serialises checkpoint writes and the deletion of acknowledged segments, which run outside the monitor: the
     * checkpoint of a later head must not be overwritten by an earlier one, and a segment is deleted only after a
     * checkpoint past it is durable. Taken before the monitor, never while holding it.
     */
    private final Object checkpointLock = new Object();
    /** The daemon thread {@code sluice-spool-prealloc}: reserves space ahead of the mapped segment's last record. */
    private final ExecutorService preallocator;
    private volatile boolean preallocQueued;
    /** Octets of the mappings this spool keeps; see {@link #MAX_KEPT_BYTES}. */
    private long mappedBytes;
    private int mappingsKept;
    /** Mappings this spool made; for tests. */
    private long mappingsMade;
    /** {@link #SPARE_FILE} and the mapping of it ({@link Segment#kept}), or {@code null}. */
    private Segment spare;
    /**
     * The next segment's file, made ahead by the preallocation thread: {@code segment-N.spool.tmp} with its header
     * written and forced, so that a roll on the application's thread only renames it. Or {@code null}.
     */
    private Segment prepared;
    /** A preparation of {@link #prepared} is queued or running. */
    private volatile boolean preparing;
    /** A segment was renamed into place and the directory not forced yet: the flush thread does it. */
    private boolean directoryUnforced;
    /** Zeros for the preallocation thread; only that thread uses it. */
    private ByteBuffer zeros;
    private FileStore store;
    private Segment rejected;

    private long headSegment;
    private long headOffset;
    private long headOrdinal;
    private long tailOrdinal;
    private long highestSeqId;
    private long segmentBytesTotal;
    private boolean checkpointDirty;
    private boolean dataDirty;
    /** Segments rolled with {@link FsyncPolicy#INTERVAL} and not forced yet: the flush thread forces them first. */
    private final List<Segment> rolledUnforced = new ArrayList<>();
    private boolean closed;
    private boolean closedForGood;

    private long rejectedRecords;
    private long corruptRegions;
    private long tornTails;
    private long quarantinedFiles;
    private long missingSegments;

    private long spaceEstimate = -1;
    private long bytesSinceSpaceCheck;
    private final byte[] recordHeader = new byte[RECORD_HEADER_BYTES];
    /** Reused for write calls, so that the JDK does not copy each record into a temporary direct buffer. */
    private ByteBuffer directWrite = ByteBuffer.allocateDirect(4096);

    private long cacheSegment = -1;
    private long cacheOffset;
    private int cacheLength;
    private byte[] cache = new byte[READ_CHUNK];
    private int lastReadError;

    private static final class Segment {
        final long number;
        final Path path;
        /** Replaced when an interrupt of a thread in I/O closed it (NIO closes interruptible channels). */
        volatile FileChannel channel;
        long end;
        /** Damaged regions to step over: start offset → first offset after them. */
        final TreeMap<Long, Long> skips = new TreeMap<>();

        /**
         * While this is the active segment and records are copied into a mapping of it, that mapping (of
         * {@code [0, mapSize)}); else {@code null}. Changed under the monitor and {@link #allocLock}.
         */
        MappedByteBuffer map;
        int mapSize;
        /**
         * {@code [0, allocated)} of the file was written with write calls (header, records, zeros), so it has its
         * disk blocks: a store through the mapping below it never needs a new block, and so never meets a full disk
         * (which, in a mapping, is a SIGBUS and not an IOException). Only moved under {@link #allocLock}.
         */
        volatile long allocated;
        /** Where the preallocation thread is asked to zero-fill to. */
        volatile long preallocTarget;
        /** After a failed preallocation: no new request before the last record ends here. */
        volatile long preallocRetryAt;
        /** {@code [header, forcedTo)} was forced through the mapping ({@link FsyncPolicy#INTERVAL}). */
        long forcedTo;
        /** Was mapped by this JVM: the file may be longer than {@link #end}, and a mapping of it may outlive it. */
        boolean wasMapped;
        /** The mapping of an older segment (or the spare), kept to reuse the file once it is acknowledged. */
        MappedByteBuffer kept;
        /**
         * Sound records in {@code [header, end)}: counted by the scan on open (from the head offset in the head
         * segment) and by appends. Damage found at read time is not taken off (see Limitations).
         */
        long records;
        /**
         * Sequence ids of the first and last of {@code records} (from the head offset in the head segment, as counted
         * on open); -1 while it has none. Only for {@link SpoolListener#segmentDropped}.
         */
        long firstSeq = -1;
        long lastSeq = -1;
        /**
         * Emptied by {@link #dropOldestSegmentAfter}: only its header is left, its channel is closed, and it waits
         * for the head to pass it to be deleted.
         */
        boolean dropped;

        Segment(long number, Path path, FileChannel channel) {
            this.number = number;
            this.path = path;
            this.channel = channel;
        }
    }

    /**
     * Opens the spool in {@code config.directory()}, creating it if needed, and recovers what a previous run left.
     *
     * @throws SpoolUnavailableException the directory is in use or unusable; the message says which and why
     */
    public static Spool open(SpoolConfig config) throws IOException {
        // Set aside like in every other call: recovery reads and writes through interruptible channels, which an
        // interrupted caller would close at the first call ("recovery failed: ClosedByInterruptException").
        boolean interrupted = Thread.interrupted();
        try {
            return new Spool(config);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Spool(SpoolConfig config) throws IOException {
        this.config = config;
        this.directory = config.directory();
        this.listener = config.listener();
        this.fs = config.fileSystem();
        this.fsync = config.fsync();
        this.segmentLimit = config.effectiveSegmentSize();
        this.mapping = config.memoryMapped();
        this.preallocator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-spool-prealloc");
            t.setDaemon(true);
            return t;
        });
        prepareDirectory();
        Path lockFile = directory.resolve(LOCK_FILE);
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            preallocator.shutdown();
            throw unusable("cannot open its lock file " + lockFile + ": " + e, e);
        }
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            preallocator.shutdown();
            closeQuietly(lockChannel);
            throw new SpoolUnavailableException("spool directory " + directory
                    + " is in use: another Spool in this JVM has it open (lock file " + lockFile + ")", e);
        } catch (IOException e) {
            preallocator.shutdown();
            closeQuietly(lockChannel);
            throw unusable("cannot lock " + lockFile + ": " + e, e);
        }
        if (acquired == null) {
            preallocator.shutdown();
            closeQuietly(lockChannel);
            throw new SpoolUnavailableException("spool directory " + directory
                    + " is in use by another process (lock file " + lockFile + " is held)", null);
        }
        lock = acquired;
        boolean opened = false;
        try {
            store = fs.fileStore(directory);
            synchronized (this) {
                recover();
            }
            opened = true;
        } catch (IOException e) {
            throw unusable("recovery failed: " + e, e);
        } finally {
            if (!opened) {
                preallocator.shutdown();
                for (Segment s : segments) {
                    closeQuietly(s.channel);
                }
                if (rejected != null) {
                    closeQuietly(rejected.channel);
                }
                closeQuietly(lockChannel);
            }
        }
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-spool-flush");
            t.setDaemon(true);
            return t;
        });
        long interval = config.fsyncInterval().toNanos();
        // At a fixed rate, not with a fixed delay: the delay counted from the end of each tick, so the period was the
        // interval plus the tick's forces and checkpoint (tens of milliseconds on a busy disk), longer than the
        // fsyncInterval that bounds what a power cut loses. A tick that overruns is followed at once by the ticks it
        // missed, back to back (each cheap when nothing new was written).
        flusher.scheduleAtFixedRate(this::tick, interval, interval, TimeUnit.NANOSECONDS);
    }

    private void prepareDirectory() throws SpoolUnavailableException {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw unusable("cannot create it: " + e, e);
        }
        if (!Files.isDirectory(directory)) {
            throw unusable("not a directory", null);
        }
        if (!Files.isWritable(directory)) {
            throw unusable("not writable", null);
        }
    }

    private SpoolUnavailableException unusable(String why, Throwable cause) {
        return new SpoolUnavailableException("spool directory " + directory + " is not usable: " + why, cause);
    }

    // ------------------------------------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        scanChunk = new byte[config.scanChunk()];
        try {
            recover0();
        } finally {
            scanChunk = null;
        }
    }

    private void recover0() throws IOException {
        deleteLeftoverTemporaries();
        long[] checkpoint = readCheckpoint();
        TreeSet<Long> numbers = listSegmentNumbers();
        long head = checkpoint != null ? checkpoint[0] : numbers.isEmpty() ? 1 : numbers.first();
        long offset = checkpoint != null ? checkpoint[1] : SEGMENT_HEADER_BYTES;
        highestSeqId = checkpoint != null ? checkpoint[2] : 0;

        // Segments before the checkpoint's were wholly acknowledged: a crash came between writing the checkpoint
        // and deleting them.
        for (Long n : numbers.headSet(head, false)) {
            Files.deleteIfExists(segmentPath(n));
        }
        List<Long> rest = new ArrayList<>(numbers.tailSet(head, true));
        long expected = head;
        boolean headFound = false;
        for (int i = 0; i < rest.size(); i++) {
            long n = rest.get(i);
            boolean last = i == rest.size() - 1;
            if (n > expected) {
                reportMissing(expected, n - 1);
            }
            expected = n + 1;
            Segment s = openSegment(n, last, n == head ? offset : SEGMENT_HEADER_BYTES);
            if (s == null) {
                continue;
            }
            if (!last && s.end == SEGMENT_HEADER_BYTES) {
                // Not the newest and without records (emptied by a drop, or what it had was never written): nothing
                // to read in it, so no file descriptor is kept for it; it goes when the head passes it.
                s.dropped = true;
                closeQuietly(s.channel);
            }
            if (n == head) {
                headFound = true;
            }
            segments.add(s);
            segmentBytesTotal += s.end;
        }
        if (checkpoint != null && rest.isEmpty()) {
            reportMissing(head, head);
        }
        boolean lastIsValid = !rest.isEmpty() && !segments.isEmpty()
                && segments.get(segments.size() - 1).number == rest.get(rest.size() - 1);
        if (!lastIsValid) {
            // No segment, or the newest was moved to quarantine: start a new one under the newest number, so that
            // the numbering keeps no gap.
            Segment s = createSegment(rest.isEmpty() ? head : rest.get(rest.size() - 1));
            segments.add(s);
            segmentBytesTotal += s.end;
        }
        if (headFound) {
            headSegment = head;
            Segment s = segments.get(indexOf(head));
            headOffset = Math.min(Math.max(offset, SEGMENT_HEADER_BYTES), s.end);
        } else {
            headSegment = segments.get(0).number;
            headOffset = SEGMENT_HEADER_BYTES;
        }
        headOrdinal = 0;
        normalizeHead();
        readDeliveredAhead();
        openRejected();
        checkpointAndReclaimLocked();
        mapTail(segments.get(segments.size() - 1));
    }

    private void deleteLeftoverTemporaries() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.tmp")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * The numbers of the segment files. A name with 19 digits that are no segment number (0, or past the largest
     * {@code long}) is a foreign file, quarantined like any other unreadable one: it used to fail every open with a
     * {@link NumberFormatException}, so the spool never opened again.
     */
    private TreeSet<Long> listSegmentNumbers() throws IOException {
        TreeSet<Long> numbers = new TreeSet<>();
        Map<Path, String> foreign = new TreeMap<>(); // file → its digits
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "segment-*.spool")) {
            for (Path f : files) {
                Matcher m = SEGMENT_NAME.matcher(f.getFileName().toString());
                if (m.matches()) {
                    long n = parseSegmentNumber(m.group(1));
                    if (n > 0) {
                        numbers.add(n);
                    } else {
                        foreign.put(f, m.group(1));
                    }
                }
            }
        }
        for (Map.Entry<Path, String> f : foreign.entrySet()) { // not while the directory is being listed
            quarantineFile(f.getKey(), "segment number: " + f.getValue() + " (expected: 1.." + Long.MAX_VALUE
                    + ", from the file name)");
        }
        return numbers;
    }

    /** The number of 19 decimal digits, or -1 past the largest {@code long}. */
    private static long parseSegmentNumber(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return {head segment, head offset, highest sequence id}, or {@code null} if none or damaged */
    private long[] readCheckpoint() throws IOException {
        Path file = directory.resolve(CHECKPOINT_FILE);
        byte[] c;
        try {
            c = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        String bad = SpoolFormat.checkCheckpoint(c, c.length, crc);
        if (bad != null) {
            quarantineFile(file, bad);
            return null;
        }
        return new long[] {SpoolFormat.getLong(c, 8), SpoolFormat.getLong(c, 16), SpoolFormat.getLong(c, 24)};
    }

    /**
     * Reads {@code delivered-ahead} back, keeping only ids of records still in the spool: from the first record after
     * the head up to the highest id. An id above it means the file is newer than what the segments kept (a power cut
     * with {@code fsync=interval}); such ids will be given to new records, so they are forgotten. A damaged file is
     * quarantined and reported, and its records are sent again.
     */
    private void readDeliveredAhead() throws IOException {
        Path file = directory.resolve(DELIVERED_AHEAD_FILE);
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        }
        String bad = SpoolFormat.checkDeliveredAhead(b, crc);
        if (bad != null) {
            quarantineFile(file, bad);
            deliveredAhead.markDirty(); // written again, empty: deleted
            return;
        }
        deliveredAhead.load(SpoolFormat.deliveredAheadRanges(b));
        long first = -1;
        for (Segment s : segments) {
            if (s.records > 0 && s.firstSeq >= 0) {
                first = s.firstSeq;
                break;
            }
        }
        if (first < 0) {
            deliveredAhead.retain(1, 0); // nothing pending: nothing to remember
        } else {
            deliveredAhead.retain(first, highestSeqId);
        }
    }

    private void reportMissing(long first, long last) {
        missingSegments += last - first + 1;
        listener.segmentsMissing(first, last);
    }

    /** Opens and checks segment {@code n}, scanning its records from {@code from}; {@code null} if quarantined. */
    private Segment openSegment(long n, boolean last, long from) throws IOException {
        Path path = segmentPath(n);
        Segment s = openChecked(path, n);
        if (s == null) {
            return null;
        }
        s.records = scan(s, Math.min(Math.max(from, SEGMENT_HEADER_BYTES), s.end), last, true);
        return s;
    }

    /**
     * The chunk {@link #scan} reads files through, one for the whole of {@link #recover}; {@code null} after it. See
     * {@link FileWindow}.
     */
    private byte[] scanChunk;

    /**
     * Opens a segment-format file (a segment, or the rejected file as number 0) and checks its header. A segment of
     * 2 GiB or more is quarantined whole: none is that large ({@link SpoolConfig#MAX_SEGMENT_SIZE}). The rejected
     * file, bounded by {@code maxSize} alone, may be: it is checked a chunk at a time like the others.
     */
    private Segment openChecked(Path path, long number) throws IOException {
        FileChannel ch = fs.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size;
        byte[] header;
        try {
            size = ch.size();
            if (number > 0 && size > Integer.MAX_VALUE - 64) {
                closeQuietly(ch);
                quarantineFile(path, "file size: " + size + " (expected: < 2 GiB)");
                return null;
            }
            header = new byte[(int) Math.min(size, SEGMENT_HEADER_BYTES)];
            readFully(ch, header, 0, header.length);
        } catch (IOException e) {
            closeQuietly(ch);
            throw e;
        }
        String bad = SpoolFormat.checkSegmentHeader(header, size, number, crc);
        if (bad != null) {
            closeQuietly(ch);
            quarantineFile(path, bad);
            return null;
        }
        Segment s = new Segment(number, path, ch);
        s.end = size;
        return s;
    }

    /** {@code [0, end)} of {@code s}, read through {@link #scanChunk} during open, else a chunk of its own. */
    private FileWindow window(Segment s) {
        return new FileWindow(s.channel, s.end, scanChunk != null ? scanChunk : new byte[config.scanChunk()]);
    }

    /**
     * Checks every record of {@code s} from {@code from}: counts the sound ones, steps over damaged regions, cuts
     * off a zero tail (space the mapped writer had reserved and not written), and truncates a torn tail when
     * {@code last}.
     *
     * @return how many sound records there are
     */
    private long scan(Segment s, long from, boolean last, boolean pending) throws IOException {
        FileWindow data = window(s);
        long limit = s.end;
        // Past this offset the file holds only zeros.
        long written = data.withoutZeroTail();
        long pos = from;
        long count = 0;
        while (pos < limit) {
            int r = data.recordLength(pos, crc);
            if (r > 0) {
                long id = data.sequenceId(pos);
                if (pending) {
                    highestSeqId = Math.max(highestSeqId, id);
                }
                if (count == 0) {
                    s.firstSeq = id;
                }
                s.lastSeq = id;
                count++;
                pos += r;
                continue;
            }
            if (pos >= written) {
                // Zeros from a record boundary to the end: not damage, the records simply end here. Cut them off,
                // so the file is plain format v1 again; if that fails, the next append overwrites them.
                truncate(s, pos);
                limit = pos;
                break;
            }
            String reason = data.describe(r, pos);
            long next = data.resync(pos + 1, crc);
            long regionEnd = next < 0 ? limit : next;
            // Damage that runs to the end is reported and kept without the zeros after it, which were never written.
            long damageEnd = next < 0 ? written : regionEnd;
            Path q = quarantineRegion(s.path, data, pos, damageEnd);
            if (next < 0 && last && truncate(s, pos)) {
                limit = pos;
                tornTails++;
                listener.tornTail(s.path, pos, damageEnd - pos, reason, q);
                break;
            }
            s.skips.put(pos, regionEnd);
            corruptRegions++;
            listener.corruptRegion(s.path, pos, damageEnd - pos, reason, q);
            pos = regionEnd;
        }
        s.end = limit;
        if (pending) {
            tailOrdinal += count;
        }
        return count;
    }

    private boolean truncate(Segment s, long size) {
        try {
            s.channel.truncate(size);
            if (fsync != FsyncPolicy.NEVER) {
                s.channel.force(false);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void openRejected() throws IOException {
        Path path = directory.resolve(REJECTED_FILE);
        if (Files.exists(path)) {
            Segment s = openChecked(path, 0);
            if (s != null) {
                rejectedRecords = scan(s, SEGMENT_HEADER_BYTES, true, false);
                rejected = s;
                return;
            }
        }
        rejected = createSegmentFile(path, 0);
    }

    private Segment createSegment(long number) throws IOException {
        return createSegmentFile(segmentPath(number), number);
    }

    /** Header → {@code .tmp} → force → atomic rename → directory force; see the class comment. */
    private Segment createSegmentFile(Path path, long number) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = fs.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(ch, SpoolFormat.segmentHeader(number, crc), SEGMENT_HEADER_BYTES, 0);
            if (fsync != FsyncPolicy.NEVER) {
                ch.force(true);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory();
        Segment s = new Segment(number, path, fs.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
        s.end = SEGMENT_HEADER_BYTES;
        return s;
    }

    /** Asks the preallocation thread to make {@link #prepared} for segment {@code number}. Holds the monitor. */
    private void requestPreparedSegment(long number) {
        preparing = true;
        try {
            preallocator.execute(() -> prepare(number));
        } catch (RejectedExecutionException e) {
            preparing = false; // closing
        }
    }

    /**
     * The preallocation thread's part of a roll, done ahead, as {@link #createSegmentFile} and {@link #reuseSpare}
     * do it: the spare (emptied, with its mapping) or a new file gets the header of segment {@code number} → forced
     * (unless {@code NEVER}) → kept as {@link #prepared} under its own name, {@code segment-N.spool.prepared.tmp}, if
     * segment {@code number} is still the next one. A failure is not reported: the roll then makes the file itself,
     * and reports what fails there.
     *
     * <p>Names: the roll's own {@code segment-N.spool.tmp} is never this file, and every rename to or from
     * {@link #SPARE_FILE} happens under the monitor, as in {@link #makeSpare} and {@link #reuseSpare}. Without both
     * (a shared {@code .tmp} name; renaming the spare outside the monitor) a late preparation truncated the active
     * segment, and a spare renamed meanwhile gave the active segment's name to another file: records lost.
     */
    private void prepare(long number) {
        Path tmp = preparedPath(number);
        Segment p = null;
        try {
            synchronized (this) {
                if (closed || segments.get(segments.size() - 1).number != number - 1) {
                    return; // closing, or the roll came first
                }
                Segment sp = spare;
                spare = null;
                if (sp != null) {
                    try {
                        Files.move(sp.path, tmp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        p = new Segment(number, tmp, sp.channel);
                        p.kept = sp.kept;
                        p.mapSize = sp.mapSize;
                        p.wasMapped = true;
                    } catch (IOException e) {
                        dropSpare(sp);
                    }
                }
            }
            if (p != null) {
                p.channel.truncate(0);
            } else {
                p = new Segment(number, tmp, fs.open(tmp, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE));
            }
            writeFully(p.channel, SpoolFormat.segmentHeader(number, new CRC32C()), SEGMENT_HEADER_BYTES, 0);
            if (fsync != FsyncPolicy.NEVER) {
                p.channel.force(true);
            }
            p.end = SEGMENT_HEADER_BYTES;
            synchronized (this) {
                if (!closed && prepared == null && segments.get(segments.size() - 1).number == number - 1) {
                    prepared = p;
                    p = null;
                } else if (!closed && spare == null && p.kept != null) {
                    // Too late (the roll made the segment itself): the file and its mapping become the spare again.
                    Segment back = p;
                    p = null;
                    if (!makeSpare(back)) {
                        discard(back);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the roll will make the segment itself
        } finally {
            if (p != null) {
                synchronized (this) {
                    discard(p);
                }
            }
            preparing = false;
        }
    }

    /** The preallocation thread's name for segment {@code number} made ahead; see {@link #prepare}. */
    private Path preparedPath(long number) {
        return segmentPath(number).resolveSibling(segmentPath(number).getFileName() + ".prepared.tmp");
    }

    /**
     * {@link #prepared} as segment {@code number}: renamed into place, with the spare's mapping if it was the spare.
     * With {@code ALWAYS} the directory is forced here; otherwise by the flush thread within the interval, before it
     * forces the segment's records (an OS crash before that loses at most the interval's records, as the policy
     * says, and never leaves a torn header: the header was forced before the rename). {@code null} if there is
     * none for that number or the rename failed. Holds the monitor.
     */
    private Segment takePrepared(long number) {
        Segment p = prepared;
        prepared = null;
        if (p == null) {
            return null;
        }
        Path path = segmentPath(number);
        try {
            if (p.number != number || !p.channel.isOpen()) {
                throw new IOException("not the next segment");
            }
            Files.move(p.path, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            discard(p);
            return null;
        }
        if (fsync == FsyncPolicy.ALWAYS) {
            forceDirectory();
        } else {
            directoryUnforced = true;
        }
        Segment s = new Segment(number, path, p.channel);
        s.end = SEGMENT_HEADER_BYTES;
        s.wasMapped = p.wasMapped;
        if (p.kept != null) {
            install(s, p.kept, p.mapSize);
        }
        return s;
    }

    /** Closes and deletes a prepared segment's file, letting go of its mapping. Holds the monitor. */
    private void discard(Segment p) {
        if (p.kept != null) {
            drop(p.kept, p.mapSize);
            p.kept = null;
        }
        closeQuietly(p.channel);
        deleteQuietly(p.path);
    }

    /** Forces the directory if a rename is not forced yet (flush thread, flush, close). */
    private void forceDirectoryIfRenamed() {
        boolean unforced;
        synchronized (this) {
            unforced = directoryUnforced;
            directoryUnforced = false;
        }
        if (unforced) {
            forceDirectory();
        }
    }

    private Path segmentPath(long number) {
        return directory.resolve(String.format("segment-%019d.spool", number));
    }

    private Path quarantineDir() throws IOException {
        return Files.createDirectories(directory.resolve(QUARANTINE_DIR));
    }

    /** Copies {@code [from, to)} of {@code file} to quarantine; the name is stable, so a repeat replaces it. */
    private Path quarantineRegion(Path file, FileWindow data, long from, long to) {
        try {
            Path q = quarantineDir().resolve(file.getFileName() + "@" + from + ".bad");
            data.copy(from, to, q);
            return q;
        } catch (IOException e) {
            return null;
        }
    }

    /** Moves a whole unreadable file to quarantine under a name not yet taken. */
    private void quarantineFile(Path file, String reason) {
        Path q = null;
        try {
            Path dir = quarantineDir();
            String name = file.getFileName().toString();
            q = dir.resolve(name);
            for (int i = 1; Files.exists(q); i++) {
                q = dir.resolve(name + "." + i);
            }
            Files.move(file, q, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(file);
            q = null;
        }
        quarantinedFiles++;
        listener.fileQuarantined(file, reason, q);
    }

    // --------------------------------------------------------------------------------------------------- append

    /**
     * Appends one record at the tail.
     *
     * @param seqId greater than {@link #highestSequenceId()}
     * @param eventTime the time of the event, kept to the nanosecond
     * @param message at most 16 MiB; copied, not kept
     * @return {@link AppendResult#APPENDED}, or why it was refused (nothing changed)
     * @throws IOException the write failed; it was rolled back and the spool is still usable
     */
    public AppendResult append(long seqId, Instant eventTime, byte[] message) throws IOException {
        return append(seqId, eventTime, message, message.length);
    }

    /**
     * Appends one record at the tail: the first {@code length} octets of {@code message} (a reused buffer, say).
     *
     * @see #append(long, Instant, byte[])
     */
    public synchronized AppendResult append(long seqId, Instant eventTime, byte[] message, int length)
            throws IOException {
        Objects.checkFromIndexSize(0, length, message.length);
        boolean interrupted = Thread.interrupted();
        try {
            return append0(seqId, eventTime, message, length);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private AppendResult append0(long seqId, Instant eventTime, byte[] message, int length) throws IOException {
        ensureOpen();
        if (seqId <= highestSeqId) {
            throw new IllegalArgumentException("seqId: " + seqId + " (expected: > " + highestSeqId
                    + ", the highest sequence id in this spool)");
        }
        if (length > SpoolFormat.MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("message: " + length + " octets (expected: <= "
                    + SpoolFormat.MAX_MESSAGE_BYTES + ")");
        }
        int total = SpoolFormat.recordBytes(length);
        Segment active = segments.get(segments.size() - 1);
        boolean roll = active.end > SEGMENT_HEADER_BYTES && active.end + total > segmentLimit;
        long growth = total + (roll ? SEGMENT_HEADER_BYTES : 0);
        if (segmentBytesTotal + growth > config.maxSize()) {
            listener.appendRefused(AppendResult.SPOOL_FULL);
            return AppendResult.SPOOL_FULL;
        }
        if (!enoughDiskSpace(growth)) {
            listener.appendRefused(AppendResult.DISK_SPACE_LOW);
            return AppendResult.DISK_SPACE_LOW;
        }
        try {
            reopenIfClosed(active);
            if (roll) {
                active = roll(active);
            }
            long pos = active.end;
            SpoolFormat.encodeRecordHeader(recordHeader, 0, seqId, eventTime.getEpochSecond(), eventTime.getNano(),
                    length);
            int recordCrc = SpoolFormat.recordCrc(crc, recordHeader, message, length);
            // Commit order: record (copied into the mapping, or one positional write) → force (ALWAYS) → in-memory
            // end. Nothing below this line may fail.
            writeRecord(active, pos, total, message, length, recordCrc);
            active.end = pos + total;
        } catch (IOException e) {
            listener.appendFailed(e);
            throw e;
        }
        segmentBytesTotal += total;
        bytesSinceSpaceCheck += growth;
        if (active.records == 0) {
            active.firstSeq = seqId;
        }
        active.lastSeq = seqId;
        active.records++;
        tailOrdinal++;
        highestSeqId = seqId;
        dataDirty = true;
        requestPreallocation(active);
        if (prepared == null && !preparing && active.end >= segmentLimit / 2) {
            requestPreparedSegment(active.number + 1);
        }
        return AppendResult.APPENDED;
    }

    /**
     * Writes the record at {@code pos} of {@code s}, and forces it with {@link FsyncPolicy#ALWAYS}: copied into the
     * mapping when it fits below {@link Segment#allocated}, else with a write call (no mapping, or the preallocation
     * thread is behind, or failed). On failure nothing of it is left where the next append will look.
     */
    private void writeRecord(Segment s, long pos, int total, byte[] message, int length, int recordCrc)
            throws IOException {
        if (s.map != null && pos + total <= s.allocated) {
            putMapped(s, pos, total, message, length, recordCrc);
            return;
        }
        if (s.map == null) {
            writeChannel(s, pos, total, message, length, recordCrc);
            return;
        }
        // Past the reserved space the preallocation thread may be zero-filling: wait for the chunk in progress.
        allocLock.lock();
        try {
            if (pos + total <= s.allocated) {
                putMapped(s, pos, total, message, length, recordCrc);
                return;
            }
            writeChannel(s, pos, total, message, length, recordCrc);
            // The write call gave those octets their blocks; the zero-fill goes on after them.
            s.allocated = Math.max(s.allocated, pos + total);
        } finally {
            allocLock.unlock();
        }
    }

    /** Copies the record into the mapping: into the page cache, so a kill -9 of the JVM cannot lose it after this. */
    private void putMapped(Segment s, long pos, int total, byte[] message, int length, int recordCrc)
            throws IOException {
        MappedByteBuffer map = s.map;
        int i = (int) pos;
        try {
            map.put(i, recordHeader, 0, RECORD_HEADER_BYTES);
            map.put(i + RECORD_HEADER_BYTES, message, 0, length);
            map.putInt(i + total - 4, recordCrc);
        } catch (InternalError e) {
            // A fault in the mapping: the file was cut short by someone else, or the disk failed. Stop mapping.
            IOException failure = new IOException("store into the mapping of " + s.path + " at " + pos
                    + " failed: " + e.getMessage(), e);
            retireMappingQuietly(s, failure);
            rollback(s, pos, failure);
            throw failure;
        }
        if (fsync == FsyncPolicy.ALWAYS) {
            try {
                fs.force(map, i, total);
            } catch (UncheckedIOException e) {
                // Not known to be on the disk: take it back (the space is reserved, so these stores are safe).
                for (int j = i; j < i + total; j++) {
                    map.put(j, (byte) 0);
                }
                throw e.getCause();
            }
        }
    }

    /** One positional write of the whole record from a direct buffer, forced with ALWAYS; rolled back on failure. */
    private void writeChannel(Segment s, long pos, int total, byte[] message, int length, int recordCrc)
            throws IOException {
        ByteBuffer buf;
        if (total <= MAX_DIRECT_WRITE) {
            if (directWrite.capacity() < total) {
                directWrite = ByteBuffer.allocateDirect(Math.min(MAX_DIRECT_WRITE,
                        Math.max(total, directWrite.capacity() * 2)));
            }
            buf = directWrite;
            buf.clear();
        } else {
            buf = ByteBuffer.allocate(total);
        }
        buf.put(recordHeader, 0, RECORD_HEADER_BYTES).put(message, 0, length).putInt(recordCrc).flip();
        try {
            long at = pos;
            while (buf.hasRemaining()) {
                at += s.channel.write(buf, at);
            }
            if (fsync == FsyncPolicy.ALWAYS) {
                s.channel.force(false);
            }
        } catch (IOException e) {
            rollback(s, pos, e);
            throw e;
        }
    }

    /**
     * Cuts away what a failed write may have left past {@code pos}; the in-memory end never moved past it. In a
     * mapped segment (under {@link #allocLock}) the reserved space after {@code pos} goes with it.
     */
    private void rollback(Segment s, long pos, IOException failure) {
        if (s.map != null) {
            s.allocated = Math.min(s.allocated, pos);
        }
        boolean interrupted = false;
        try {
            // The write may have been done whole and still failed: an interrupt that comes during it closes the
            // channel and throws. Without cutting it away on the channel opened again, a close, a roll (write calls
            // do not cut a segment back to its end) or a crash kept the record its append said had failed.
            interrupted = truncateThroughInterrupt(s, pos);
        } catch (IOException e) {
            // The next append writes at pos again, over whatever is there; a crash first leaves a torn tail.
            failure.addSuppressed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Cuts the file of {@code s} to {@code size} (if longer), done again on the channel opened again if an interrupt
     * that came during this call closed it. NIO closes the channel and throws when the interrupt comes during the
     * truncate whether the file was cut or not; cutting it twice is harmless, not knowing is not (memory would keep
     * records the file no longer has, or the file records memory gave up). The interrupt status is cleared for that:
     * returns whether it was, for the caller to set it again once its I/O is done.
     */
    private boolean truncateThroughInterrupt(Segment s, long size) throws IOException {
        try {
            reopenIfClosed(s);
            if (s.channel.size() > size) {
                s.channel.truncate(size);
            }
            return false;
        } catch (ClosedByInterruptException e) {
            boolean interrupted = Thread.interrupted();
            reopenIfClosed(s);
            if (s.channel.size() > size) {
                s.channel.truncate(size);
            }
            return interrupted;
        }
    }

    /**
     * Old segment cut back to its records → forced → new segment created, or the spare reused, as in the class
     * comment → mapped.
     */
    private Segment roll(Segment old) throws IOException {
        retireMapping(old, true);
        if (fsync == FsyncPolicy.ALWAYS) {
            old.channel.force(false);
        } else if (fsync == FsyncPolicy.INTERVAL) {
            // Forcing 16 MiB took 15-50 ms, on the application's thread that happened to roll: the flush thread
            // forces it within the interval instead, before the active segment (see the commit order).
            rolledUnforced.add(old);
            dataDirty = true;
        }
        Segment s = takePrepared(old.number + 1);
        if (s == null && spare != null) {
            s = reuseSpare(old.number + 1);
        }
        if (s == null) {
            s = createSegment(old.number + 1);
        }
        segments.add(s);
        segmentBytesTotal += s.end;
        if (s.map == null) {
            mapTail(s);
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------ the mapped tail

    /**
     * Maps the active segment {@code s} for writing, if mapping is on, the segment has room for a record, and fewer
     * than {@link #MAX_DROPPED_MAPPINGS} dropped in the JVM wait for the GC to release them. Otherwise, or if
     * mapping fails, the segment is written with write calls. Mapping makes the file {@code mapSize} long, sparse:
     * only {@code [0, end)} is backed, and the preallocation thread is asked to back more.
     */
    private void mapTail(Segment s) {
        if (!mapping || s.end + SpoolFormat.RECORD_OVERHEAD > segmentLimit) {
            return;
        }
        int size = (int) Math.min(segmentLimit, MAX_MAP_BYTES);
        if (!mappingAvailable()) {
            return;
        }
        MappedByteBuffer map;
        try {
            reopenIfClosed(s);
            s.wasMapped = true;
            map = s.channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        } catch (IOException | RuntimeException e) {
            return;
        }
        mappingsMade++;
        mappingsKept++;
        mappedBytes += size;
        install(s, map, size);
    }

    /** Makes {@code map} the mapping records of {@code s} are stored into, from its end on. */
    private void install(Segment s, MappedByteBuffer map, int size) {
        allocLock.lock();
        try {
            s.map = map;
            s.mapSize = size;
            s.allocated = s.end;
            s.preallocRetryAt = 0;
            s.forcedTo = SEGMENT_HEADER_BYTES;
        } finally {
            allocLock.unlock();
        }
        requestPreallocation(s);
    }

    /**
     * Makes the file of {@code s}, fully acknowledged and about to be deleted, the spare: emptied (its blocks go
     * back at once) and renamed to {@link #SPARE_FILE}, with its mapping kept. A crash leaves an empty segment
     * before the checkpoint or a {@code .tmp} file, which open deletes either way.
     */
    private boolean makeSpare(Segment s) {
        Path sparePath = directory.resolve(SPARE_FILE);
        try {
            s.channel.truncate(0);
            Files.move(s.path, sparePath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            return false;
        }
        Segment sp = new Segment(-1, sparePath, s.channel);
        sp.kept = s.kept;
        sp.mapSize = s.mapSize;
        sp.wasMapped = true;
        spare = sp;
        return true;
    }

    /**
     * The spare as segment {@code number}, with its mapping: header written → forced → renamed → directory forced,
     * the same order as {@link #createSegmentFile}. Its mapping was made for this inode, so no new one is needed:
     * in the steady state (delivery keeps up) the spool maps no file twice and waits for no GC.
     *
     * @return {@code null} if that failed; the spare is then dropped
     */
    private Segment reuseSpare(long number) {
        Segment sp = spare;
        spare = null;
        Path path = segmentPath(number);
        try {
            if (!sp.channel.isOpen()) {
                throw new ClosedChannelException();
            }
            sp.channel.truncate(0);
            writeFully(sp.channel, SpoolFormat.segmentHeader(number, crc), SEGMENT_HEADER_BYTES, 0);
            if (fsync != FsyncPolicy.NEVER) {
                sp.channel.force(true);
            }
            Files.move(sp.path, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            dropSpare(sp);
            return null;
        }
        forceDirectory();
        Segment s = new Segment(number, path, sp.channel);
        s.end = SEGMENT_HEADER_BYTES;
        s.wasMapped = true;
        install(s, sp.kept, sp.mapSize);
        return s;
    }

    private void dropSpare(Segment sp) {
        drop(sp.kept, sp.mapSize);
        sp.kept = null;
        closeQuietly(sp.channel);
        deleteQuietly(sp.path);
    }

    /** Lets go of a mapping this spool kept: from now on only the GC can release it. */
    private void drop(MappedByteBuffer map, int size) {
        mappedBytes -= size;
        mappingsKept--;
        DROPPED_MAPPINGS.add(new PhantomReference<>(map, RELEASED_MAPPINGS));
    }

    private static boolean mappingAvailable() {
        for (Reference<?> r; (r = RELEASED_MAPPINGS.poll()) != null; ) {
            DROPPED_MAPPINGS.remove(r);
        }
        return DROPPED_MAPPINGS.size() < MAX_DROPPED_MAPPINGS;
    }

    /** The state of the active segment, for tests. */
    record Tail(long end, boolean mapped, int mapSize, long allocated, long forcedTo, long preallocRetryAt) {
    }

    synchronized Tail tail() {
        Segment s = segments.get(segments.size() - 1);
        return new Tail(s.end, s.map != null, s.mapSize, s.allocated, s.forcedTo, s.preallocRetryAt);
    }

    /** Mappings dropped in this JVM and not yet released by the GC; for tests. */
    static int droppedMappings() {
        mappingAvailable();
        return DROPPED_MAPPINGS.size();
    }

    /** Whether a preparation of the next segment is queued or running; for tests. */
    boolean preparing() {
        return preparing;
    }

    synchronized long mappingsMade() {
        return mappingsMade;
    }

    /**
     * Stops writing {@code s} through its mapping and cuts its file back to its records, so that it is plain
     * format v1. Nothing stores into that mapping again (its pages past the new end of the file would fault); it
     * is {@code keep}-ed to be reused with the file once acknowledged, or left for the GC to release.
     */
    private void retireMapping(Segment s, boolean keep) throws IOException {
        allocLock.lock();
        try {
            if (s.map != null) {
                if (keep && mappedBytes <= MAX_KEPT_BYTES && mappingsKept <= MAX_KEPT_MAPPINGS) {
                    s.kept = s.map;
                } else {
                    drop(s.map, s.mapSize);
                }
                s.map = null;
            }
        } finally {
            allocLock.unlock();
        }
        if (s.wasMapped && s.channel.size() > s.end) {
            s.channel.truncate(s.end);
        }
    }

    private void retireMappingQuietly(Segment s, IOException failure) {
        try {
            retireMapping(s, false);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Asks the preallocation thread to back the next {@link #PREALLOC_LEAD} octets of the mapped segment, when
     * less than half of that is left. Called after each append, so on most appends it only compares two numbers.
     */
    private void requestPreallocation(Segment s) {
        if (s.map == null || preallocQueued || s.end < s.preallocRetryAt) {
            return;
        }
        long allocated = s.allocated;
        if (allocated >= s.mapSize || allocated - s.end >= PREALLOC_LEAD / 2) {
            return;
        }
        s.preallocTarget = Math.min(s.mapSize, s.end + PREALLOC_LEAD);
        preallocQueued = true;
        try {
            preallocator.execute(() -> preallocate(s));
        } catch (RejectedExecutionException e) {
            preallocQueued = false;
        }
    }

    /**
     * The preallocation thread's work: zero-fill {@code [allocated, preallocTarget)} of {@code s} with write calls,
     * a chunk at a time under {@link #allocLock}. A write call reserves the blocks or fails with an IOException
     * (a full disk), here and not on the application's thread; a store through the mapping into a block that
     * cannot be allocated would be a SIGBUS instead. Then it stores a zero into each page through the mapping, so
     * that the page faults happen on this thread too. Respects {@link SpoolConfig#minFreeDiskSpace()}. A failure
     * is reported to {@link SpoolListener#flushFailed} and tried again a lead further on; meanwhile appends use
     * write calls, which fail (and roll back) by themselves if the disk is full.
     */
    private void preallocate(Segment s) {
        try {
            for (boolean reopen = false; ; ) {
                if (reopen) {
                    synchronized (this) { // the monitor, then allocLock: the lock order
                        if (closed || s.map == null) {
                            return; // closing, or not the mapped tail any more
                        }
                        reopenIfClosed(s);
                    }
                    reopen = false;
                }
                allocLock.lock();
                try {
                    MappedByteBuffer map = s.map;
                    long from = s.allocated;
                    long target = Math.min(s.preallocTarget, s.mapSize);
                    if (map == null || from >= target) {
                        return;
                    }
                    long to = Math.min(s.mapSize, (from / PREALLOC_CHUNK + 1) * PREALLOC_CHUNK);
                    long min = config.minFreeDiskSpace();
                    if (min > 0 && fs.usableSpace(store, directory) - (to - from) < min) {
                        // Leave the reserve alone; the appends' own check refuses them when it is reached.
                        s.preallocRetryAt = target;
                        return;
                    }
                    if (zeros == null) {
                        zeros = ByteBuffer.allocateDirect(PREALLOC_CHUNK);
                    }
                    zeros.clear().limit((int) (to - from));
                    FileChannel ch = s.channel;
                    try {
                        for (long at = from; zeros.hasRemaining(); ) {
                            at += ch.write(zeros, at);
                        }
                    } catch (ClosedChannelException e) {
                        // Not the disk: another thread was interrupted in I/O on this channel (a read of the active
                        // segment) and NIO closed it for all; this thread is never interrupted. Open it again and go
                        // on (this used to be reported as a failure to reserve space, and stopped it for a MiB).
                        reopen = true;
                        continue;
                    }
                    for (long page = from; page < to; page = (page / PAGE + 1) * PAGE) {
                        map.put((int) page, (byte) 0);
                    }
                    s.allocated = to;
                } finally {
                    allocLock.unlock();
                }
            }
        } catch (IOException | RuntimeException | InternalError e) {
            // InternalError: a fault touching a page, which a successful write call before it should rule out.
            s.preallocRetryAt = s.preallocTarget;
            flushFailed(new IOException("reserving space in " + s.path + " failed: " + e, e));
        } finally {
            preallocQueued = false;
        }
    }

    /** Forces what was appended to {@code s} (the active segment): through its mapping, else its channel. */
    private void forceTail(Segment s) throws IOException {
        if (s.map != null && s.end <= s.mapSize) {
            forceMapped(s.map, s.forcedTo, s.end);
            s.forcedTo = s.end;
        } else {
            s.channel.force(false);
        }
    }

    /**
     * {@code msync} of the pages of {@code [from, to)}: only them, not the zero-filled space after them (a whole
     * file {@code fsync} would write those zeros to the disk too).
     */
    private void forceMapped(MappedByteBuffer map, long from, long to) throws IOException {
        if (to > from) {
            try {
                fs.force(map, (int) from, (int) (to - from));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private boolean enoughDiskSpace(long growth) throws IOException {
        long min = config.minFreeDiskSpace();
        if (min <= 0) {
            return true;
        }
        long left = spaceEstimate - bytesSinceSpaceCheck - growth;
        if (spaceEstimate < 0 || bytesSinceSpaceCheck >= SPACE_RECHECK_BYTES || left < min + SPACE_RECHECK_BYTES) {
            spaceEstimate = fs.usableSpace(store, directory);
            bytesSinceSpaceCheck = 0;
            left = spaceEstimate - growth;
        }
        return left >= min;
    }

    // ----------------------------------------------------------------------------------------------------- read

    /** Up to {@code max} records from the oldest unacknowledged one, in order; removes nothing. */
    public List<SpoolRecord> peek(int max) throws IOException {
        return peekAfter(null, max);
    }

    /**
     * Up to {@code max} records that follow {@code after} (from the oldest unacknowledged one if {@code after} is
     * {@code null} or already acknowledged), in order; removes nothing. Empty when there are none.
     */
    public List<SpoolRecord> peekAfter(SpoolRecord after, int max) throws IOException {
        if (max < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 0)");
        }
        boolean interrupted = Thread.interrupted();
        try {
            synchronized (reading) {
                return read(after, max);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@link #peekAfter}, holding the monitor briefly: appends from the application's threads wait for a few reads
     * at most, never for a batch. Records of the active, memory-mapped segment (the appends of the moment, when the
     * reader keeps up) are located under the monitor and read, checked and copied outside it ({@link MappedStep});
     * anything else (other segments, damage, a segment's end) a few records ({@link #READ_STEP}) per hold. Each
     * step goes on from the record before it, like a call of its own: a segment dropped in between
     * ({@code overflow=dropOldest}) is stepped over as a later call would step over it.
     */
    private List<SpoolRecord> read(SpoolRecord after, int max) throws IOException {
        List<SpoolRecord> out = new ArrayList<>(Math.min(max, 1024));
        MappedStep step = null;
        boolean lockedNext = false;
        while (true) {
            int want;
            int got;
            synchronized (this) {
                if (step != null && !step.stillValid()) {
                    out.subList(step.from, out.size()).clear(); // its segment went meanwhile: read what is there now
                }
                step = null;
                if (out.size() == max) {
                    ensureOpen();
                    return out;
                }
                SpoolRecord last = out.isEmpty() ? after : out.get(out.size() - 1);
                want = Math.min(max - out.size(), READ_STEP);
                step = lockedNext ? null : mappedStep(last, out.size());
                got = step == null ? peekAfter0(last, want, out) : 0;
            }
            if (step != null) {
                got = step.read(max - out.size(), out); // outside the monitor
                lockedNext = got == 0; // damage, or a record longer than a step: the next step under the monitor
                if (got == 0) {
                    step = null;
                }
            } else {
                lockedNext = false;
                if (got < want) {
                    return out;
                }
            }
        }
    }

    /**
     * When the records after {@code after} are in the active segment's mapping, where they start and where that
     * segment ends now (short of a damaged region); else {@code null}. Under the monitor.
     */
    private MappedStep mappedStep(SpoolRecord after, int from) throws IOException {
        ensureOpen();
        int idx = segments.size() - 1;
        Segment s = segments.get(idx);
        MappedByteBuffer map = s.map;
        if (map == null) {
            return null;
        }
        if (after != null) {
            requireOwned(after);
        }
        long off;
        long ordinal;
        if (after != null && compare(after.segment, after.nextOffset, headSegment, headOffset) > 0) {
            off = after.nextOffset;
            ordinal = after.ordinal + 1;
            if (after.segment != s.number) {
                return null; // not read up to the active segment yet
            }
        } else if (headSegment == s.number) {
            off = headOffset;
            ordinal = headOrdinal;
        } else {
            return null;
        }
        long end = Math.min(s.end, s.mapSize);
        Long skip = s.skips.ceilingKey(off);
        if (skip != null) {
            end = Math.min(end, skip);
        }
        if (off + RECORD_OVERHEAD > end) {
            return null;
        }
        return new MappedStep(s.number, map, off, end, ordinal, from);
    }

    /**
     * Records of the active segment read from its mapping without the monitor: {@code [off, end)} was written
     * before {@link #mappedStep} read {@code end} under the monitor, and a mapping is never unmapped while referenced
     * (dropped ones go with the GC). Checked under the monitor at the next step: if the segment was dropped or
     * deleted meanwhile (its file may then have been cut, or reused for another segment), what was read from it is
     * thrown away. Uses {@link #readBuffer} and {@link #readCrc}, under {@link #reading}.
     */
    private final class MappedStep {
        private final long segment;
        private final MappedByteBuffer map;
        private final long off;
        private final long end;
        private final long ordinal;
        /** Where its records start in the batch. */
        final int from;

        MappedStep(long segment, MappedByteBuffer map, long off, long end, long ordinal, int from) {
            this.segment = segment;
            this.map = map;
            this.off = off;
            this.end = end;
            this.ordinal = ordinal;
            this.from = from;
        }

        /** Adds up to {@code max} sound records to {@code out}; stops at the first it cannot take whole. */
        int read(int max, List<SpoolRecord> out) {
            int len = (int) Math.min(end - off, MAPPED_READ);
            if (readBuffer.length < len) {
                readBuffer = new byte[MAPPED_READ];
            }
            byte[] b = readBuffer;
            try {
                map.get((int) off, b, 0, len);
            } catch (InternalError e) {
                return 0; // the file was cut under the mapping (the segment dropped meanwhile): read it again locked
            }
            int i = 0;
            int n = 0;
            while (n < max && len - i >= RECORD_OVERHEAD) {
                int length = SpoolFormat.getInt(b, i + 4);
                if (SpoolFormat.getInt(b, i) != SpoolFormat.RECORD_MAGIC || length < 0
                        || length > len - i - RECORD_OVERHEAD) {
                    break; // damaged, or not wholly in this read
                }
                int total = RECORD_OVERHEAD + length;
                if (SpoolFormat.recordLength(b, i, i + total, readCrc) < 0) {
                    break;
                }
                out.add(record(b, i, length, segment, off + i, ordinal + n));
                n++;
                i += total;
            }
            return n;
        }

        /** Under the monitor: the segment is still there and was not emptied by a drop. */
        boolean stillValid() {
            int idx = indexOf(segment);
            return idx >= 0 && !segments.get(idx).dropped;
        }
    }

    /** Adds up to {@code max} records that follow {@code after} to {@code out}; returns how many. Under the monitor. */
    private int peekAfter0(SpoolRecord after, int max, List<SpoolRecord> out) throws IOException {
        ensureOpen();
        long seg = headSegment;
        long off = headOffset;
        long ordinal = headOrdinal;
        if (after != null) {
            requireOwned(after);
            if (compare(after.segment, after.nextOffset, headSegment, headOffset) > 0) {
                seg = after.segment;
                off = after.nextOffset;
                ordinal = after.ordinal + 1;
            }
        }
        int idx = indexOf(seg);
        if (idx < 0) {
            throw new IllegalArgumentException(after + " is not in this spool any more");
        }
        int n = 0;
        while (n < max) {
            Segment s = segments.get(idx);
            Long skipTo = s.skips.get(off);
            if (skipTo != null) {
                off = skipTo;
                continue;
            }
            if (off >= s.end) {
                if (idx == segments.size() - 1) {
                    break;
                }
                idx++;
                off = SEGMENT_HEADER_BYTES;
                continue;
            }
            SpoolRecord r = readRecord(s, off, ordinal);
            if (r == null) {
                damagedAtRead(s, off);
                continue;
            }
            out.add(r);
            n++;
            off = r.nextOffset;
            ordinal++;
        }
        return n;
    }

    private SpoolRecord readRecord(Segment s, long off, long ordinal) throws IOException {
        long avail = s.end - off;
        if (avail < RECORD_OVERHEAD) {
            lastReadError = SpoolFormat.INCOMPLETE;
            return null;
        }
        fill(s, off, RECORD_HEADER_BYTES);
        int i = (int) (off - cacheOffset);
        int length = SpoolFormat.getInt(cache, i + 4);
        if (SpoolFormat.getInt(cache, i) != SpoolFormat.RECORD_MAGIC || length < 0
                || length > SpoolFormat.MAX_MESSAGE_BYTES || RECORD_OVERHEAD + length > avail) {
            lastReadError = SpoolFormat.BAD_LENGTH;
            return null;
        }
        int total = RECORD_OVERHEAD + length;
        fill(s, off, total);
        i = (int) (off - cacheOffset);
        int r = SpoolFormat.recordLength(cache, i, i + total, crc);
        if (r < 0) {
            lastReadError = r;
            return null;
        }
        return record(cache, i, length, s.number, off, ordinal);
    }

    /** The checked record at {@code b[i]} (its message {@code length} octets), found at {@code off} of a segment. */
    private SpoolRecord record(byte[] b, int i, int length, long segment, long off, long ordinal) {
        byte[] message = Arrays.copyOfRange(b, i + RECORD_HEADER_BYTES, i + RECORD_HEADER_BYTES + length);
        Instant time = Instant.ofEpochSecond(SpoolFormat.getLong(b, i + 16), SpoolFormat.getInt(b, i + 24));
        return new SpoolRecord(SpoolFormat.getLong(b, i + 8), time, message, this, segment, off,
                off + RECORD_OVERHEAD + length, ordinal);
    }

    /** Makes {@code cache} hold {@code [off, off + need)} of {@code s}, reading ahead when it must read. */
    private void fill(Segment s, long off, int need) throws IOException {
        if (cacheSegment == s.number && off >= cacheOffset && off + need <= cacheOffset + cacheLength) {
            return;
        }
        int len = (int) Math.min(Math.max(need, READ_CHUNK), s.end - off);
        if (cache.length < len) {
            cache = new byte[len];
        }
        cacheSegment = -1;
        MappedByteBuffer map = s.map;
        if (map != null && off + len <= s.mapSize) {
            // records of the active segment, copied from the mapping the appends stored them in: no system call
            // while the monitor is held (one was a point where the reader could be preempted holding it)
            map.get((int) off, cache, 0, len);
        } else {
            reopenIfClosed(s);
            readFully(s.channel, cache, off, len);
        }
        cacheSegment = s.number;
        cacheOffset = off;
        cacheLength = len;
    }

    /** A record that was sound on open is not now: step over it like open would, and report it. */
    private void damagedAtRead(Segment s, long off) throws IOException {
        reopenIfClosed(s);
        FileWindow data = window(s);
        String reason = data.describe(lastReadError, off);
        long next = data.resync(off + 1, crc);
        long regionEnd = next < 0 ? s.end : next;
        Path q = quarantineRegion(s.path, data, off, regionEnd);
        s.skips.put(off, regionEnd);
        corruptRegions++;
        listener.corruptRegion(s.path, off, regionEnd - off, reason, q);
    }

    // ------------------------------------------------------------------------------------------- acknowledge

    /**
     * Removes {@code upTo} and every record before it: the server acknowledged them all, or they were moved aside.
     * A record already acknowledged is ignored. The removal is made durable by the next checkpoint (see the class
     * comment); until then a crash re-delivers them.
     */
    public void acknowledge(SpoolRecord upTo) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            boolean passedSegment;
            synchronized (this) {
                passedSegment = acknowledge0(upTo);
            }
            if (passedSegment) {
                checkpointAndReclaim();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Moves the head; true if it left a segment behind, which {@link #checkpointAndReclaim} then deletes. */
    private boolean acknowledge0(SpoolRecord upTo) throws IOException {
        ensureOpen();
        requireOwned(upTo);
        if (compare(upTo.segment, upTo.nextOffset, headSegment, headOffset) <= 0) {
            return false;
        }
        if (indexOf(upTo.segment) < 0) {
            throw new IllegalArgumentException(upTo + " is not in this spool any more");
        }
        headSegment = upTo.segment;
        headOffset = upTo.nextOffset;
        headOrdinal = Math.min(upTo.ordinal + 1, tailOrdinal);
        deliveredAhead.acknowledgedUpTo(upTo.sequenceId());
        normalizeHead();
        if (isEmpty()) {
            headOrdinal = tailOrdinal;
        }
        checkpointDirty = true;
        return segments.get(0).number < headSegment;
    }

    /**
     * Copies {@code record}, refused by the server for good, to {@code rejected.spool} and forces it (unless
     * {@link FsyncPolicy#NEVER}), so that acknowledging it afterwards loses nothing. Does not remove it: the
     * caller counts it as done and acknowledges it in order. The rejected file is bounded like the segments: a
     * record that would take it past {@link SpoolConfig#maxSize()}, or the file system below
     * {@link SpoolConfig#minFreeDiskSpace()}, is not copied (a receiver that refuses everything cannot fill the
     * disk with copies).
     *
     * @return {@code true} if copied, {@code false} if the rejected file has no room for it
     */
    public synchronized boolean moveAside(SpoolRecord record) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return moveAside0(record);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean moveAside0(SpoolRecord record) throws IOException {
        ensureOpen();
        requireOwned(record);
        reopenIfClosed(rejected);
        int total = SpoolFormat.recordBytes(record.messageLength());
        if (rejected.end + total > config.maxSize() || !enoughDiskSpace(total)) {
            return false;
        }
        byte[] buf = new byte[total];
        SpoolFormat.encodeRecord(buf, 0, record.sequenceId(), record.eventTime().getEpochSecond(),
                record.eventTime().getNano(), record.messageArray(), crc);
        long pos = rejected.end;
        try {
            writeFully(rejected.channel, buf, total, pos);
            if (fsync != FsyncPolicy.NEVER) {
                rejected.channel.force(false);
            }
        } catch (IOException e) {
            rollback(rejected, pos, e);
            throw e;
        }
        rejected.end = pos + total;
        bytesSinceSpaceCheck += total;
        rejectedRecords++;
        listener.movedAside(record);
        return true;
    }

    /**
     * Makes room in a full spool by discarding records nobody has read yet, oldest first, a whole segment at a time:
     * the oldest segment that is not the active (last) one and whose records all come after {@code after}. Its
     * records are gone for good, and {@link #sizeOnDisk()}, {@link #pendingRecords()}, {@link #pendingBytes()} and
     * {@link #oldestEventTime()} no longer count them; reads step over it. For {@code overflow=dropOldest}.
     *
     * <p>{@code after} is the last record the caller has read and may still send or acknowledge, or {@code null} if
     * it holds none (then the head segment itself may go, from the head on). Records it read past {@code after}
     * would be in the dropped segment, or carry stale positions: the caller must not have read any. A segment
     * holding only damaged regions is emptied on the way, and the next one with records is taken as well.
     *
     * <p>The segment is emptied in place, not deleted: cut back to its header → in-memory state → forced (unless
     * {@link FsyncPolicy#NEVER}; a force that fails is reported through {@link SpoolListener#flushFailed} and the
     * drop stands; the class comment says why). Its number stays, so the numbering keeps no gap: a deleted
     * segment between the head and the tail is what open reports as missing, and the checkpoint, which only holds the
     * head, cannot say that a later segment went on purpose. A crash at any point leaves the segment either whole
     * (the truncation was not done: nothing changed) or a header alone, which open reads as a segment without
     * records; the records never come back and nothing is reported (with {@link FsyncPolicy#NEVER}, an OS crash
     * before the write-back may undo the truncation, as it may undo appends). The emptied file (one header, counted in
     * {@link #sizeOnDisk()}) is deleted like any other once the head passes it; until then its channel is closed, so
     * a long outage costs a small file per dropped segment, not a file descriptor.
     *
     * <p>The limit: what lies between {@code after} and the end of its own segment, and the active segment, are
     * never dropped. When everything after {@code after} is in those, this returns 0 and the caller must drop the
     * new record instead.
     *
     * @param after the last record the caller has read (not yet acknowledged), or {@code null}
     * @return how many records were dropped; 0 if no segment can go
     * @throws IOException the segment could not be cut back; nothing changed
     */
    public synchronized long dropOldestSegmentAfter(SpoolRecord after) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            return dropOldestSegmentAfter0(after);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private long dropOldestSegmentAfter0(SpoolRecord after) throws IOException {
        ensureOpen();
        int idx;
        if (after == null || compare(after.segment, after.nextOffset, headSegment, headOffset) <= 0) {
            if (after != null) {
                requireOwned(after);
            }
            idx = indexOf(headSegment); // nothing read, or only what is acknowledged: from the head on
        } else {
            requireOwned(after);
            idx = indexOf(after.segment);
            if (idx < 0) {
                throw new IllegalArgumentException(after + " is not in this spool any more");
            }
            idx++;
        }
        int active = segments.size() - 1;
        long dropped = 0;
        for (; idx < active && dropped == 0; idx++) {
            Segment s = segments.get(idx);
            boolean isHead = s.number == headSegment;
            if (s.end <= (isHead ? headOffset : SEGMENT_HEADER_BYTES)) {
                continue; // nothing left in it (emptied before, or the head is at its end)
            }
            long records = isHead ? headRecords(idx) : s.records;
            long firstSeq = s.firstSeq;
            long lastSeq = s.lastSeq;
            empty(s);
            dropped += records;
            if (records > 0) {
                deliveredAhead.forget(firstSeq, lastSeq); // gone with the segment: not pending any more
                listener.segmentDropped(firstSeq, lastSeq, records);
            }
            tailOrdinal = Math.max(headOrdinal, tailOrdinal - records);
            if (isHead) {
                normalizeHead();
                // The checkpoint is not needed for the drop to hold (the file has no records now); the flush thread
                // writes it, and deletes the file, within the interval.
                checkpointDirty = true;
            }
        }
        return dropped;
    }

    /** Records of the head segment {@code segments[idx]} from the head on: the pending ones no later segment has. */
    private long headRecords(int idx) {
        long later = 0;
        for (int i = idx + 1; i < segments.size(); i++) {
            later += segments.get(i).records;
        }
        return Math.max(0, tailOrdinal - headOrdinal - later);
    }

    /**
     * Cuts {@code s}, a segment other than the active one, back to its header, makes memory follow, forces it, and
     * lets go of its mapping and channel. See {@link #dropOldestSegmentAfter} for why it is emptied and not deleted.
     */
    private void empty(Segment s) throws IOException {
        // An interrupt that came during the truncate used to fail the drop with the file already cut: memory kept the
        // records, and every read of them ended in an EOF until a reopen. Now cut (again) and set back at the end.
        boolean interrupted = truncateThroughInterrupt(s, SEGMENT_HEADER_BYTES);
        try {
            emptied(s);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The rest of {@link #empty}, once the file of {@code s} is cut back to its header: memory first, then the force.
     * Memory follows the file, which no longer holds the records whatever the force does: a force that fails is
     * reported and the drop stands (only an OS crash before the write-back could bring them back, as with
     * {@link FsyncPolicy#NEVER}).
     */
    private void emptied(Segment s) {
        // The records are out of the file (in the page cache: a kill -9 cannot bring them back); memory follows.
        segmentBytesTotal -= s.end - SEGMENT_HEADER_BYTES;
        s.end = SEGMENT_HEADER_BYTES;
        s.skips.clear();
        s.records = 0;
        s.firstSeq = -1;
        s.lastSeq = -1;
        s.dropped = true;
        if (cacheSegment == s.number) {
            cacheSegment = -1;
        }
        rolledUnforced.remove(s);
        if (fsync != FsyncPolicy.NEVER) {
            try {
                s.channel.force(false);
            } catch (IOException e) {
                // Dropped all the same; only an OS crash before the write-back could bring the records back.
                flushFailed(new IOException("forcing the emptied " + s.path + " failed: " + e, e));
            }
        }
        if (s.kept != null) {
            drop(s.kept, s.mapSize);
            s.kept = null;
        }
        closeQuietly(s.channel);
    }

    /** Moves the head over damaged regions and off the end of a segment that is not the last. */
    private void normalizeHead() {
        int idx = indexOf(headSegment);
        while (true) {
            Segment s = segments.get(idx);
            Long skipTo = s.skips.get(headOffset);
            if (skipTo != null) {
                headOffset = skipTo;
            } else if (headOffset >= s.end && idx < segments.size() - 1) {
                idx++;
                headSegment = segments.get(idx).number;
                headOffset = SEGMENT_HEADER_BYTES;
            } else {
                return;
            }
        }
    }

    /**
     * Checkpoint → (forced, renamed) → only then delete the segments before the head. See the class comment.
     */
    /**
     * Writes the checkpoint and deletes the segments before the head, without holding the monitor during the file
     * I/O (see the class comment). Must not be called with the monitor held. Does nothing once the spool is closed
     * ({@link #close} writes the last checkpoint itself).
     */
    private void checkpointAndReclaim() throws IOException {
        synchronized (checkpointLock) {
            Reclaim r;
            synchronized (this) {
                if (closed) {
                    return;
                }
                r = takeReclaim();
            }
            finishReclaim(r);
        }
    }

    /** {@link #checkpointAndReclaim} for callers that hold the monitor: {@link #open}, {@link #close}. */
    private void checkpointAndReclaimLocked() throws IOException {
        finishReclaim(takeReclaim());
    }

    /**
     * A checkpoint to write, then the segments to delete; taken from the spool's state under the monitor.
     * {@code deliveredAhead}: the file to write, empty to delete it, {@code null} if unchanged.
     */
    private record Reclaim(byte[] checkpoint, List<Segment> segments, byte[] deliveredAhead) {
    }

    /**
     * Under the monitor: the checkpoint of the current head, and the segments before it, taken out of the spool
     * (no read reaches them any more; their octets no longer count towards {@code maxSize}).
     */
    private Reclaim takeReclaim() {
        byte[] c = SpoolFormat.checkpoint(headSegment, headOffset, highestSeqId, crc);
        checkpointDirty = false;
        long[] pairs = deliveredAhead.snapshotIfDirty();
        byte[] ahead = pairs == null ? null : pairs.length == 0 ? new byte[0] : SpoolFormat.deliveredAhead(pairs, crc);
        List<Segment> gone = List.of();
        while (segments.size() > 1 && segments.get(0).number < headSegment) {
            Segment s = segments.remove(0);
            segmentBytesTotal -= s.end;
            if (cacheSegment == s.number) {
                cacheSegment = -1;
            }
            if (gone.isEmpty()) {
                gone = new ArrayList<>(2);
            }
            gone.add(s);
        }
        return new Reclaim(c, gone, ahead);
    }

    /**
     * Checkpoint → (forced, renamed) → only then delete the segments before the head. See the class comment.
     * Holds {@code checkpointLock} (and, from open and close, the monitor as well).
     */
    private void finishReclaim(Reclaim r) throws IOException {
        try {
            writeCheckpoint(r.checkpoint());
        } catch (IOException | RuntimeException | Error e) { // an Error too: the flush thread goes on after one
            synchronized (this) {
                checkpointDirty = true; // the next tick tries again
                segments.addAll(0, r.segments());
                for (Segment s : r.segments()) {
                    segmentBytesTotal += s.end;
                }
            }
            if (r.deliveredAhead() != null) {
                deliveredAhead.markDirty();
            }
            throw e;
        }
        if (r.deliveredAhead() != null) {
            try {
                writeDeliveredAhead(r.deliveredAhead());
            } catch (IOException e) {
                deliveredAhead.markDirty(); // the next tick tries again; until then a restart sends them again
                flushFailed(e);
            }
        }
        for (Segment s : r.segments()) {
            reclaim(s);
        }
    }

    /**
     * After the checkpoint, so that a crash in between leaves ids the head has passed (forgotten on open), never a
     * head that passed ids still listed: like the checkpoint, {@code .tmp} → forced → renamed → directory forced.
     * Deleted when it holds none.
     */
    private void writeDeliveredAhead(byte[] b) throws IOException {
        Path file = directory.resolve(DELIVERED_AHEAD_FILE);
        if (b.length == 0) {
            Files.deleteIfExists(file);
        } else {
            replaceAtomically(file, b);
        }
    }

    /** Deletes an acknowledged segment, or keeps its file and mapping as the spare. */
    private void reclaim(Segment s) {
        synchronized (this) {
            if (s.kept != null && spare == null && !closed && makeSpare(s)) {
                return;
            }
            if (s.kept != null) {
                drop(s.kept, s.mapSize);
                s.kept = null;
            }
        }
        if (s.wasMapped && s.channel.isOpen()) {
            // A mapping keeps the blocks of a deleted file until the GC releases it: give them back now. A crash
            // before the delete leaves an empty segment, which open deletes (it is before the checkpoint).
            try {
                s.channel.truncate(0);
            } catch (IOException e) {
                // deleted all the same
            }
        }
        closeQuietly(s.channel);
        try {
            Files.deleteIfExists(s.path);
        } catch (IOException e) {
            // Open deletes it: it is before the checkpoint.
            flushFailed(e);
        }
    }

    private void writeCheckpoint(byte[] c) throws IOException {
        replaceAtomically(directory.resolve(CHECKPOINT_FILE), c);
    }

    /** {@code file.tmp} ← {@code c} → forced (unless {@code NEVER}) → renamed over {@code file} → directory forced. */
    private void replaceAtomically(Path file, byte[] c) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = fs.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(ch, c, c.length, 0);
            if (fsync != FsyncPolicy.NEVER) {
                ch.force(true);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory();
    }

    private void forceDirectory() {
        if (fsync == FsyncPolicy.NEVER) {
            return;
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Not possible on every platform (see Limitations).
        }
    }

    /**
     * The flush thread's work: force the data (INTERVAL), then write the checkpoint if the head moved.
     *
     * <p>Whatever a periodic task throws cancels it for good, silently: no more forces, no more checkpoints. So every
     * failure is reported (to a listener that may throw as well) and the next tick runs. Only a
     * {@link VirtualMachineError} (out of memory, a stack overflow: the JVM may be in no state to go on) is rethrown
     * after its report, which ends the ticks; {@link InternalError} is one in name only here, the JDK's report of a
     * fault in a mapping, as in {@link #preallocate}.
     */
    private void tick() {
        try {
            FileChannel active = null;
            Segment mapped = null;
            MappedByteBuffer map = null;
            long from = 0;
            long to = 0;
            List<Segment> rolled;
            synchronized (this) {
                if (closed) {
                    return;
                }
                rolled = takeRolledUnforced();
                Segment last = segments.get(segments.size() - 1);
                reopenIfClosed(last);
                if (fsync == FsyncPolicy.INTERVAL && dataDirty) {
                    if (last.map != null && last.end <= last.mapSize) {
                        mapped = last;
                        map = last.map;
                        from = last.forcedTo;
                        to = last.end;
                    } else {
                        active = last.channel;
                    }
                }
                dataDirty = false;
            }
            forceRolled(rolled);
            forceDirectoryIfRenamed();
            if (map != null) {
                try {
                    forceMapped(map, from, to);
                } catch (IOException e) {
                    synchronized (this) {
                        dataDirty = true;
                    }
                    throw e;
                }
                synchronized (this) {
                    if (mapped.map == map && to > mapped.forcedTo) {
                        mapped.forcedTo = to;
                    }
                }
            }
            if (active != null) {
                try {
                    active.force(false);
                } catch (ClosedChannelException e) {
                    // Rolled (which forced it), closed, or closed by an interrupt: try again next time.
                    synchronized (this) {
                        dataDirty = true;
                    }
                } catch (IOException e) {
                    synchronized (this) {
                        dataDirty = true;
                    }
                    throw e;
                }
            }
            boolean checkpoint;
            synchronized (this) {
                checkpoint = !closed && (checkpointDirty || deliveredAhead.isDirty());
            }
            if (checkpoint) {
                checkpointAndReclaim();
            }
        } catch (IOException e) {
            flushFailed(e);
        } catch (RuntimeException e) {
            flushFailed(new IOException(e));
        } catch (Error e) {
            boolean fatal = e instanceof VirtualMachineError && !(e instanceof InternalError);
            flushFailed(new IOException("flush failed: " + e + (fatal ? "; the flush thread stops" : ""), e));
            if (fatal) {
                throw e;
            }
        }
    }

    /**
     * Reports to {@link SpoolListener#flushFailed}, which runs on the spool's own threads (and under its monitor
     * from {@link #emptied}): an exception from the listener, which has nowhere to go there, must not end the flush
     * thread's ticks nor stop the spool's work halfway.
     */
    private void flushFailed(IOException e) {
        try {
            listener.flushFailed(e);
        } catch (RuntimeException listenerFailure) {
            // the listener's own bug; the spool goes on
        }
    }

    /**
     * The rolled segments still to be forced, with open channels; those deleted meanwhile (acknowledged) are left
     * out. Holds the monitor.
     */
    private List<Segment> takeRolledUnforced() throws IOException {
        if (rolledUnforced.isEmpty()) {
            return List.of();
        }
        List<Segment> rolled = new ArrayList<>(rolledUnforced.size());
        for (Segment r : rolledUnforced) {
            if (!r.dropped && segments.contains(r)) {
                reopenIfClosed(r);
                rolled.add(r);
            }
        }
        rolledUnforced.clear();
        return rolled;
    }

    /**
     * Forces rolled segments, oldest first (outside the monitor on the flush thread). One that fails goes back to
     * be forced on the next tick, unless it was deleted meanwhile; the failure is rethrown for the listener.
     */
    private void forceRolled(List<Segment> rolled) throws IOException {
        IOException failure = null;
        for (Segment r : rolled) {
            try {
                r.channel.force(false);
            } catch (IOException e) {
                synchronized (this) {
                    if (!r.dropped && segments.contains(r)) {
                        rolledUnforced.add(r);
                        dataDirty = true;
                        if (!(e instanceof ClosedChannelException) && failure == null) {
                            failure = e;
                        }
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Forces appended records to the disk and writes the checkpoint now, whatever the {@link FsyncPolicy}.
     */
    public void flush() throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            synchronized (this) {
                ensureOpen();
                forceRolled(takeRolledUnforced());
                forceDirectoryIfRenamed();
                Segment last = segments.get(segments.size() - 1);
                reopenIfClosed(last);
                forceTail(last);
                dataDirty = false;
            }
            checkpointAndReclaim();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }


    /**
     * Forces what was appended (unless {@link FsyncPolicy#NEVER}), writes the checkpoint, closes the files and
     * releases the directory. Idempotent.
     */
    @Override
    public void close() throws IOException {
        // Set aside like in every other call. An interrupted caller (a container's shutdown) used to skip waiting
        // for the flush and preallocation threads, which then ran on beside closeFiles, and to fail its own I/O, the
        // last force and checkpoint included: acknowledged records were delivered again after the restart.
        boolean interrupted = Thread.interrupted();
        try {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            // Not shutdownNow(): interrupting a thread in FileChannel I/O closes the channel.
            flusher.shutdown();
            preallocator.shutdown();
            interrupted |= awaitTermination(flusher);
            interrupted |= awaitTermination(preallocator);
            synchronized (checkpointLock) {
                closeFiles();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits up to 10 s for one of the spool's threads to finish, through interrupts: closing the files while it is
     * still at work would pull them from under it. Returns whether this thread was interrupted meanwhile.
     */
    private static boolean awaitTermination(ExecutorService executor) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    /** The end of {@link #close}: the last checkpoint, then every file closed and the directory released. */
    private void closeFiles() throws IOException {
        synchronized (this) {
            Segment last = segments.get(segments.size() - 1);
            reopenIfClosed(last);
            IOException failure = null;
            if (prepared != null) {
                discard(prepared);
                prepared = null;
            }
            try {
                forceRolled(takeRolledUnforced());
                forceDirectoryIfRenamed();
                // Cut back to its records first, so that the zero-filled space is not forced to the disk for nothing.
                retireMapping(last, false);
                if (fsync != FsyncPolicy.NEVER) {
                    last.channel.force(false);
                }
                checkpointAndReclaimLocked();
            } catch (IOException e) {
                failure = e;
            }
            closedForGood = true;
            if (spare != null) {
                dropSpare(spare);
                spare = null;
            }
            for (Segment s : segments) {
                if (s.kept != null) {
                    drop(s.kept, s.mapSize);
                    s.kept = null;
                }
                closeQuietly(s.channel);
            }
            closeQuietly(rejected.channel);
            try {
                lock.release();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            closeQuietly(lockChannel);
            if (failure != null) {
                throw failure;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- health

    public Path directory() {
        return directory;
    }

    /**
     * The ids of records the server acknowledged ahead of the head (see {@link DeliveredAhead}): read back on open,
     * written with the checkpoint, trimmed by {@link #acknowledge}.
     */
    public DeliveredAhead deliveredAhead() {
        return deliveredAhead;
    }

    /** The highest sequence id ever appended to this directory (0 if none); the next append must pass it. */
    public synchronized long highestSequenceId() {
        return highestSeqId;
    }

    /** Records appended and not yet acknowledged. */
    public synchronized long pendingRecords() {
        return Math.max(0, tailOrdinal - headOrdinal);
    }

    public synchronized boolean isEmpty() {
        int last = segments.size() - 1;
        return headSegment == segments.get(last).number && headOffset >= segments.get(last).end;
    }

    /** Octets of the unacknowledged records on disk, headers included. */
    public synchronized long pendingBytes() {
        long sum = 0;
        for (Segment s : segments) {
            if (s.number < headSegment) {
                continue;
            }
            long start = s.number == headSegment ? headOffset : SEGMENT_HEADER_BYTES;
            sum += Math.max(0, s.end - start);
            for (Map.Entry<Long, Long> skip : s.skips.tailMap(start, true).entrySet()) {
                sum -= skip.getValue() - skip.getKey();
            }
        }
        return sum;
    }

    /** Octets of all segment files: what {@link SpoolConfig#maxSize()} limits. */
    public synchronized long sizeOnDisk() {
        return segmentBytesTotal;
    }

    /** The event time of the oldest unacknowledged record, if there is one. */
    public synchronized Optional<Instant> oldestEventTime() throws IOException {
        // not peekAfter: it takes `reading`, which is never taken under the monitor
        boolean interrupted = Thread.interrupted();
        try {
            List<SpoolRecord> first = new ArrayList<>(1);
            peekAfter0(null, 1, first);
            return first.isEmpty() ? Optional.empty() : Optional.of(first.get(0).eventTime());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Records neither acknowledged nor {@linkplain #deliveredAhead() delivered ahead}: what is still to be delivered.
     * Urgent records sent at once stay in the spool, acknowledged out of order, until the records before them are.
     */
    public synchronized long undeliveredRecords() {
        return Math.max(0, pendingRecords() - deliveredAhead.countIn(Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** Records {@link #oldestUndeliveredEventTime()} looks at, at most. */
    static final int UNDELIVERED_LOOK = 64;

    /**
     * The event time of the oldest record neither acknowledged nor {@linkplain #deliveredAhead() delivered ahead},
     * if there is one. Looks at {@value #UNDELIVERED_LOOK} records at most: when all of those were delivered ahead,
     * the last one's time (an age too great rather than none).
     */
    public synchronized Optional<Instant> oldestUndeliveredEventTime() throws IOException {
        if (deliveredAhead.isEmpty()) {
            return oldestEventTime();
        }
        boolean interrupted = Thread.interrupted();
        try {
            List<SpoolRecord> head = new ArrayList<>(UNDELIVERED_LOOK);
            peekAfter0(null, UNDELIVERED_LOOK, head);
            for (SpoolRecord r : head) {
                if (!deliveredAhead.contains(r.sequenceId())) {
                    return Optional.of(r.eventTime());
                }
            }
            return head.size() < UNDELIVERED_LOOK ? Optional.empty()
                    : Optional.of(head.get(head.size() - 1).eventTime());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Records in {@code rejected.spool}. */
    public synchronized long rejectedRecords() {
        return rejectedRecords;
    }

    /** Damaged regions stepped over since open (each open counts again what is still there). */
    public synchronized long corruptRegions() {
        return corruptRegions;
    }

    /** Torn tails truncated since open. */
    public synchronized long tornTails() {
        return tornTails;
    }

    /** Whole files moved to quarantine since open. */
    public synchronized long quarantinedFiles() {
        return quarantinedFiles;
    }

    /** Segments found missing since open. */
    public synchronized long missingSegments() {
        return missingSegments;
    }

    @Override
    public String toString() {
        return "Spool[" + directory + "]";
    }

    // -------------------------------------------------------------------------------------------------- helpers

    /**
     * An interrupted thread doing FileChannel I/O closes the channel for every thread. Application threads that
     * append get interrupted, so each public I/O method clears the caller's interrupt status for its duration (and
     * sets it again after), and a channel closed by an interrupt that came in the middle is opened again here.
     */
    private void reopenIfClosed(Segment s) throws IOException {
        if (!s.channel.isOpen() && !closedForGood) {
            s.channel = fs.open(s.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("spool " + directory + " is closed");
        }
    }

    private void requireOwned(SpoolRecord r) {
        if (r.owner != this) {
            throw new IllegalArgumentException(r + " was not read from this spool (" + directory + ")");
        }
    }

    private int indexOf(long number) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long n = segments.get(mid).number;
            if (n < number) {
                lo = mid + 1;
            } else if (n > number) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private static int compare(long segA, long offA, long segB, long offB) {
        int c = Long.compare(segA, segB);
        return c != 0 ? c : Long.compare(offA, offB);
    }

    private static void writeFully(FileChannel ch, byte[] b, int len, long pos) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, 0, len);
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    private static void readFully(FileChannel ch, byte[] b, long pos, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, 0, len);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new EOFException("unexpected end of file at " + (pos + buf.position()));
            }
        }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
