package dev.sluice.transport.delivery;

import dev.sluice.transport.event.AppendGuard;
import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.Counters;
import dev.sluice.transport.health.DeliveryState;
import dev.sluice.transport.health.DropReason;
import dev.sluice.transport.health.Health;
import dev.sluice.transport.health.Jmx;
import dev.sluice.transport.health.StatusReporter;
import dev.sluice.transport.net.Backoff;
import dev.sluice.transport.net.DeliveryListener;
import dev.sluice.transport.net.Outbound;
import dev.sluice.transport.net.SyslogTransport;
import dev.sluice.transport.net.SyslogTransports;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.net.TransportState;
import dev.sluice.transport.spool.AppendResult;
import dev.sluice.transport.spool.DeliveredAhead;
import dev.sluice.transport.spool.Spool;
import dev.sluice.transport.spool.SpoolListener;
import dev.sluice.transport.spool.SpoolRecord;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogBuffer;
import dev.sluice.transport.syslog.SyslogEncoder;
import dev.sluice.transport.syslog.SyslogFormatter;
import dev.sluice.transport.syslog.SyslogFields;
import dev.sluice.transport.syslog.SyslogMessage;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The part between an appender and the network: accepts events on the application's threads without ever
 * waiting on the network, keeps them in memory or in a durable spool, and delivers them from one delivery thread
 * through a {@link SyslogTransport}, inside the delivery windows, with failover, the overflow policy, in-band
 * drop notices, heartbeats and a bounded shutdown.
 *
 * <h2>Accepting (application threads)</h2>
 * {@link #append} gives the event the next sequence id, formats it (adding {@code [meta sequenceId="n"]}), and
 * <ul>
 *   <li>with a spool: appends it to the spool (a write into the OS page cache; forced with
 *       {@code fsync=always}). The event is then durable; the delivery thread reads it back from the spool.</li>
 *   <li>without a spool: puts it in a bounded in-memory queue of {@code queueCapacity} events and at most
 *       {@value #MAX_QUEUE_BYTES} octets.</li>
 * </ul>
 * When there is no room, the {@link OverflowPolicy} applies: drop the new event, drop the oldest, or (only with
 * {@code block}) wait for room. Every drop is counted by reason and announced in-band: the next message delivered
 * is preceded by a notice saying how many were dropped and why.
 *
 * <p>Urgent events ({@code urgentLevel}) also go to a small in-memory lane that is delivered at once, whatever
 * the window; with a spool they are spooled as well, and skipped when the spool replay reaches them if their
 * delivery was confirmed in the meantime. The spool keeps the ids of those confirmed ahead of its head
 * ({@link Spool#deliveredAhead()}, durable), so that neither a restart nor a new engine on the same spool sends them
 * again. The urgent records a previous run left in the spool and did not see delivered are found again (by the PRI
 * of the record) and given to the lane while the window is closed.
 *
 * <h2>Delivering (one thread per engine)</h2>
 * The thread {@code sluice-delivery-<name>} offers messages to the transport while the schedule is open and the
 * rate limit allows, keeping track of what is in flight in offer order. Outcomes come back from the transport's
 * I/O thread through a queue; a contiguous prefix of finished records is acknowledged in the spool (records the
 * server refused for good are moved aside first). It waits for work with a bounded park, so a clock that jumps
 * is re-read within a second.
 *
 * <h2>Stopping</h2>
 * {@link #close()} stops accepting, lets the delivery thread drain for at most {@code shutdownTimeout}, then
 * closes the transport. What was not delivered stays in the spool, or, without one, is counted as dropped
 * ({@link DropReason#SHUTDOWN}) and reported. It never waits for a server longer than that bound plus a little.
 * When a reconfiguration hands the spool to a new engine, {@code closeForSuccessor} stops without draining.
 */
public final class DeliveryEngine implements AutoCloseable {

    /** Id of engine-made messages (drop notices, heartbeats): never a sequence id, never spooled. */
    private static final long INTERNAL_ID = -1;
    /** In-flight messages at most (beyond the transport's own window); bounds memory in spool mode. */
    private static final int MAX_IN_FLIGHT = 4096;
    private static final long MAX_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * After sending everything there was, the delivery thread waits this long for more before it asks the
     * application's threads to wake it, and, woken from idle by a regular event, this long again before its first
     * read, to gather the rest of the burst (see {@link #deliveryLoop()}): a regular event waits at most this much
     * longer before it is sent; urgent events and the transport's outcomes still wake the thread at once.
     */
    private static final long LINGER_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /**
     * While the transport still holds more than this many messages, its outcomes wake the delivery thread once per
     * this many (a quarter of {@link #MAX_IN_FLIGHT}) instead of once per read: there is no hurry to refill it.
     */
    private static final int OUTCOMES_PER_WAKE = MAX_IN_FLIGHT / 4;
    private static final int SPOOL_READ_BATCH = 256;
    /** A spool that could not be opened at start is tried again after 1 s, then twice as long each time, up to 30 s. */
    private static final long SPOOL_RETRY_FIRST_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long SPOOL_RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Offers are held at most this long for the answers to what is in flight when a spool opens late. */
    private static final long MAX_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Offers are held at most this long for what a held-up I/O thread is to hand back after a failover switch
     * ({@link #lateAwaited}), so that older events are not sent after newer ones; after it, sending goes on.
     */
    private static final long LATE_HOLD_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** {@link #enqueue} found the spool open (a retry opened it meanwhile): the event goes there instead. */
    private static final int TO_SPOOL = -2;
    /** Results of {@link #appendOrRefuse(EngineEvent, AppendGuard.Cell, BooleanSupplier)}. */
    static final int ACCEPTED = 1;
    static final int DROPPED = 0;
    static final int REFUSED = -1;
    /** A caller blocked by {@code overflow=block} checks again this often (also in {@link DeliveryEngines.Lease}). */
    static final long NOT_FULL_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final String META = "meta";
    /**
     * Octets the in-memory queue may hold besides its {@code queueCapacity} events: 64 MiB, so that large messages
     * cannot make the queue a memory problem (65,536 events of 8 KiB would be 512 MiB).
     */
    static final long MAX_QUEUE_BYTES = 64L << 20;

    private final EngineSettings settings;
    private final Counters counters;
    private final AppenderListener events;
    private final SyslogEncoder encoder;
    /**
     * {@code null} without a spool, or while the configured one cannot be opened: the engine then keeps events in
     * memory and the delivery thread tries again ({@link #retrySpool()}); once set, never unset. Volatile: the
     * application's threads read it per event.
     */
    private volatile Spool spool;
    /**
     * The configured spool, opened by a retry and not yet taken into use: offers are held until nothing is in flight
     * (for at most {@link #MAX_HOLD_NANOS}), then the queue moves into it ({@link #adoptSpool}). Delivery thread only,
     * like the retry's schedule; kept for {@code finishStop} when a stop comes first.
     */
    private Spool openedLate;
    /** The last reason the spool could not be opened that was reported. Delivery thread only (after the start). */
    private String spoolFailure;
    private long spoolRetryAt;
    private long spoolRetryNanos = SPOOL_RETRY_FIRST_NANOS;
    /** Since when offers are held for a spool opened late ({@link #retrySpool()}); {@link #NOT_HELD} if they are not. */
    private long heldSince = NOT_HELD;
    private static final long NOT_HELD = Long.MIN_VALUE;
    private final AtomicLong sequence;
    private final Thread deliveryThread;
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    /** Set before {@code accepting} goes down in {@link #closeForSuccessor()}: appends after it are refused. */
    private volatile boolean handingOver;
    /** Set when the delivery thread ends by a failure rather than a stop (see {@link #stoppedByItself()}). */
    private volatile boolean deliveryFailed;
    private final AtomicBoolean everConnected = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile long stopDeadline;

    // memory queue (no spool), and the urgent lane
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition notFull = queueLock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** Urgent events not sent yet, oldest first; a failover switch puts back at the head what it took from a target. */
    private final ConcurrentLinkedDeque<Pending> urgent = new ConcurrentLinkedDeque<>();
    // spool mode: application threads number and append one at a time
    private final ReentrantLock spoolOrder = new ReentrantLock();
    /**
     * Spool mode: the urgent events whose record the regular path has not read yet, by sequence id. The record is
     * in the spool and the event in the urgent lane; whichever path takes it first ({@link Pending#taken}) sends it,
     * and the regular path, reading the record, either sends it (the lane had not) or waits for the lane's
     * outcome before the record is acknowledged ({@link InFlight#follower}). Registered before the record is
     * appended, so the regular path can never read the record without finding its entry; removed when read, when
     * the regular path reads past it (a record dropped unread), or when the lane delivered it: its id is then in the
     * spool's {@link Spool#deliveredAhead()}, where the regular path finds it. An event the server refused stays,
     * still counted (see {@link #MAX_URGENT_HELD}), for the regular path to move its record aside.
     */
    private final ConcurrentSkipListMap<Long, Pending> urgentSpooled = new ConcurrentSkipListMap<>();
    /**
     * Most urgent events the lane holds with a spool to send, being sent or refused ({@link #urgentSpooled}, until
     * the lane has the server's acknowledgement or the regular path reads their records): about 3 MiB of ~200-octet
     * messages. Beyond
     * it (an error storm while the receiver is down or slow) they wait in the spool only, for the window. What the
     * lane delivered does not count: only its id is kept, in the spool's {@link Spool#deliveredAhead()}, which has
     * its own bound.
     */
    public static final int MAX_URGENT_HELD = 10_000;
    /** Entries of {@link #urgentSpooled} the lane has not seen delivered ({@link Pending#held}); see registerUrgent. */
    private final AtomicInteger urgentSpooledCount = new AtomicInteger();
    /** Delivery thread: {@code rejected.spool} had no room for the last refused record, and that was reported. */
    private boolean rejectedFullReported;
    /** Delivery thread: the spool's {@link Spool#deliveredAhead()} was full once, and that was reported. */
    private boolean deliveredAheadFullReported;
    /**
     * Spool mode, {@code overflow=dropOldest}: of the records the last drop took out of the spool, how many were
     * urgent events the lane had taken already (sent, or being sent): not lost, so not counted as dropped. Written
     * and read by the application thread that drops, under {@code spoolOrder}.
     */
    private long droppedButSent;

    // drops not yet announced in-band, by DropReason ordinal
    private final AtomicLongArray unannounced = new AtomicLongArray(DropReason.values().length);
    /**
     * Set after a count is added to {@link #unannounced}, cleared by the delivery thread before it takes the counts:
     * a plain read per message instead of an atomic exchange per {@link DropReason}. A count added after the clear
     * sets it again, so none waits for more than the next message.
     */
    private volatile boolean dropsUnannounced;
    /**
     * Drop notices given to the transport and not yet acknowledged or refused, with the counts each announces: a
     * failover switch announces those the old target did not acknowledge again (see maybeSwitchTarget). Added by the
     * delivery thread, removed by the I/O thread.
     */
    private final Map<Outbound, long[]> noticesOut = new ConcurrentHashMap<>();

    // outcomes from the transport's I/O thread, a batch (one read's answers) per node
    private final ConcurrentLinkedQueue<Outcomes> outcomes = new ConcurrentLinkedQueue<>();

    // delivery-thread state
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** In flight by sequence id (see {@link SequenceMap} for why not a {@code HashMap}). */
    private final SequenceMap<InFlight> inFlightById = new SequenceMap<>(2 * MAX_IN_FLIGHT);
    /** The last spooled record handed out for sending. Changed only under {@code inFlight} (see dropOldestSpooled). */
    private SpoolRecord lastRead;
    /**
     * Records read from the spool after {@code lastRead} and not handed out yet: the spool is read in batches of
     * {@value #SPOOL_READ_BATCH}, not one record per call. Emptied whenever {@code lastRead} is reset. Filled (with
     * the read), taken from and emptied only under {@code inFlight}, so that an application thread dropping the
     * oldest spooled records sees all the delivery thread holds.
     */
    private final ArrayDeque<SpoolRecord> readAhead = new ArrayDeque<>();
    private final RateLimiter rateLimiter;
    private final Failover failover;
    /** Replaced by the delivery thread at a failover switch; volatile for {@link #health()}. */
    private volatile SyslogTransport transport;
    /** The listener of {@code transport}, which collects what its close hands back after sending it. */
    private TransportEvents transportEvents;
    /**
     * What closed transports handed back after their {@code close} had returned
     * ({@link TransportEvents#handedBackLate}), waiting for the delivery thread; {@code null} once {@code finishStop}
     * has taken the last of them, after which a late hand-back of events held in memory is counted as dropped at
     * shutdown. Guarded by {@link #lateLock}.
     */
    private List<LateHandBack> lateHandBacks = new ArrayList<>();
    private final Object lateLock = new Object();
    /**
     * Closes in memory mode whose hand-back is still to come (their I/O thread was held up): a spool opened late is
     * not taken into use meanwhile, as the events coming back belong in the queue it takes over. Delivery thread only.
     */
    private int lateAwaited;
    /** When a close in memory mode last returned before its hand-back. Delivery thread only. */
    private long lateSince;
    /** Spool mode: the highest id the regular path has read since the last failover switch. Delivery thread only. */
    private long readSinceSwitch;
    /**
     * Spool mode: sequence ids a failover switch left sent and unacknowledged (or acknowledged but not yet
     * acknowledged in the spool) on the old target; they are read from the spool again and counted as resent when
     * offered. Ids never offered again (moved aside, dropped, delivered through the urgent lane) are forgotten once
     * the spool is read past {@code resendUpTo}, the highest of them. Delivery thread only.
     */
    private final Set<Long> resendFromSpool = new HashSet<>();
    private long resendUpTo;
    /**
     * Spool mode with {@code urgentLevel}: the records a previous run left in the spool are looked through for urgent
     * ones while the window is closed (see scanReplayForUrgent), up to this id, the highest at start; 0 when there is
     * nothing (more) to look at. Delivery thread only, like {@code replayScanAt}, the last record looked at, and
     * {@code replayScanSeq}, its id.
     */
    private long replayScanUpTo;
    private SpoolRecord replayScanAt;
    private long replayScanSeq;
    private long lastActivityNanos;

    // for health
    /** When a message was last delivered, in epoch milliseconds of the clock; {@link #NOT_YET} before the first. */
    private volatile long lastAcknowledgedMillis = NOT_YET;
    private static final long NOT_YET = Long.MIN_VALUE;
    private volatile SyslogFields template;
    /** Sequence id of the last event queued or spooled; written under queueLock or spoolOrder. */
    private volatile long appended;
    /** Sequence id of the last urgent event; written after it joined the urgent lane. */
    private volatile long urgentAppended;
    /** The delivery thread is parked or about to park (see {@link #wakeDeliveryThread(boolean)}). */
    private volatile boolean deliveryParked;
    /** ... and it parks because it had nothing to send, so a new event is a reason to wake it. */
    private volatile boolean deliveryWantsEvents;
    /** Delivery thread: the last offerRegular found the queue or spool empty. */
    private boolean drained;
    /** Delivery thread: its last park was a linger, and nothing was sent since. */
    private boolean lingered;
    /** The delivery thread's reused format buffer. */
    private final SyslogBuffer deliveryBuffer = new SyslogBuffer();
    /**
     * A thread's format buffer for the spool path when the append does not bring one (an appender brings its guard's
     * cell, see {@link AppendGuard.Cell#buffer()}: one thread-local lookup per event, not two): direct calls and
     * events a lease held during a reconfiguration. Reused for every such event (an append never calls another); it
     * keeps at most {@link SyslogBuffer#MAX_KEPT_CAPACITY}. The engine's own, not a static one: once the engine is
     * gone its entries go stale, and a thread's map frees them when it expunges stale entries (a static one kept a
     * redeployed web application's class loader for as long as any thread that once appended lived).
     */
    private final ThreadLocal<SyslogBuffer> callerBuffer = ThreadLocal.withInitial(SyslogBuffer::new);
    private volatile boolean tlsFailing;
    /**
     * The backoff of every transport this engine opens in turn. Failover replaces the transport after two failed
     * attempts; with a backoff of its own, each new one started again from the first, shortest delay, so with every
     * target down the engine tried about four times a second for ever and never reached {@code reconnectDelay}.
     * Reset when a session counts as a success for it (see {@link dev.sluice.transport.net.Backoff}), on whichever
     * target; never by a transport being closed (the end of its session, or a proof that comes late), which acts on
     * its I/O thread after its successor may have drawn delays.
     */
    private final Backoff reconnectBackoff;
    /**
     * The receiver's last final answer was a refusal (a message given up after its {@code 500} answers): health says
     * FAILING until it acknowledges one again. Written by the I/O thread once per batch of outcomes, when it changes.
     */
    private volatile boolean rejecting;
    private AutoCloseable jmx = () -> { };
    /**
     * The delivery thread's longest park: {@link #MAX_PARK_NANOS}, except in tests that set it through
     * {@link #startWithLongestPark}.
     */
    private final long longestParkNanos;

    private DeliveryEngine(EngineSettings settings, Counters inherited, long longestParkNanos) {
        this.settings = settings;
        this.longestParkNanos = longestParkNanos;
        this.counters = inherited != null ? inherited : new Counters();
        this.encoder = settings.encoder();
        List<AppenderListener> listeners = List.of(this.counters,
                new StatusReporter(settings.name(), settings.diagnostics(), settings.clock(),
                        StatusReporter.DEFAULT_INTERVAL),
                settings.listener());
        this.events = fanOut(listeners);
        this.spool = openSpool(settings);
        this.spoolRetryAt = settings.ticker().getAsLong() + SPOOL_RETRY_FIRST_NANOS;
        this.sequence = new AtomicLong(spool == null ? 0 : spool.highestSequenceId());
        this.replayScanUpTo = spool != null && !spool.isEmpty() && anyUrgent(settings.urgency())
                ? spool.highestSequenceId() : 0;
        this.rateLimiter = settings.maxBytesPerSecond() == 0 ? RateLimiter.unlimited()
                : RateLimiter.of(settings.maxBytesPerSecond(), settings.ticker());
        this.reconnectBackoff = new SharedBackoff(settings.transport().newBackoff());
        this.failover = new Failover(settings.targets(), settings.failover(), settings.primaryRetry(),
                settings.ticker());
        this.deliveryThread = new Thread(this::deliveryLoop, "sluice-delivery-" + settings.name());
        this.deliveryThread.setDaemon(true);
    }

    /**
     * Starts an engine: opens the spool (its replay comes first) and connects in the background. A spool that
     * cannot be opened (locked by another process or by an engine still stopping, unusable directory) is reported
     * and the engine runs from memory instead, so that logging problems never stop the application; it tries the
     * spool again after 1 s, then twice as long each time up to 30 s, and once it opens, the events held in memory
     * move into it and the engine goes on as if it had opened at start.
     */
    public static DeliveryEngine start(EngineSettings settings) {
        return start(settings, null);
    }

    /**
     * Starts an engine that takes over from one a reconfiguration replaced: {@code inheritedDrops} (by
     * {@link DropReason} ordinal, or {@code null}), counted and reported by that engine and not announced in-band,
     * are announced ahead of the first message this one sends (a replayed record included), not counted again.
     */
    public static DeliveryEngine start(EngineSettings settings, long[] inheritedDrops) {
        return start(settings, inheritedDrops, null);
    }

    /**
     * As {@link #start(EngineSettings, long[])}, counting on in {@code counters} (or {@code null}): those of the
     * engine this one replaces, so that the appender's counters (JMX, {@link #health()}) go on from there, with what
     * that engine still counts as it ends.
     */
    public static DeliveryEngine start(EngineSettings settings, long[] inheritedDrops, Counters counters) {
        return start(settings, inheritedDrops, counters, MAX_PARK_NANOS);
    }

    /**
     * For tests of the wake-ups: {@link #start(EngineSettings)} with the delivery thread's longest park set to
     * {@code longestPark} instead of 1 s. An event whose wake-up was lost waits for the end of that park; with a
     * long one (longer than the test's liveness bound), a lost wake-up fails the test instead of costing a second
     * that only a wall-clock bound just under it could tell from a slow machine. Only for settings with one target,
     * no heartbeat, no {@code connectionTtl} and a schedule that is always open: what falls due with time (a
     * heartbeat, a session's end, a return to the primary, a window's end) is seen when a park ends.
     */
    static DeliveryEngine startWithLongestPark(EngineSettings settings, Duration longestPark) {
        return start(settings, null, null, longestPark.toNanos());
    }

    private static DeliveryEngine start(EngineSettings settings, long[] inheritedDrops, Counters counters,
            long longestParkNanos) {
        DeliveryEngine engine = new DeliveryEngine(settings, counters, longestParkNanos);
        if (inheritedDrops != null) {
            engine.reannounce(inheritedDrops);
        }
        try {
            engine.transport = engine.newTransport(engine.failover.current());
        } catch (RuntimeException e) {
            engine.closeSpoolQuietly();
            throw e;
        }
        engine.lastActivityNanos = settings.ticker().getAsLong();
        engine.jmx = Jmx.register(settings.name(), engine::health, settings.diagnostics());
        engine.deliveryThread.start();
        return engine;
    }

    private Spool openSpool(EngineSettings s) {
        if (s.spool() == null) {
            return null;
        }
        try {
            return tryOpenSpool(s);
        } catch (IOException | RuntimeException e) {
            spoolFailure = e.getMessage();
            s.diagnostics().survivedError("RemoteSyslog[" + s.name() + "]: spool " + s.spool().directory()
                    + " cannot be used, keeping events in memory until it can (tried again every 30 s at most): "
                    + e.getMessage(), e);
            return null;
        }
    }

    private Spool tryOpenSpool(EngineSettings s) throws IOException {
        SpoolListener spoolEvents = new SpoolListener() {
            @Override
            public void corruptRegion(Path segment, long offset, long length, String reason, Path quarantinedTo) {
                events.spoolProblem("corrupt region in " + segment.getFileName() + " at " + offset + " ("
                        + length + " octets): " + reason + "; quarantined to " + quarantinedTo);
                events.dropped(DropReason.CORRUPT, 1);
            }

            @Override
            public void tornTail(Path segment, long offset, long length, String reason, Path quarantinedTo) {
                // a record whose write a crash cut short: accepted or not, it cannot be known; not counted as a drop
                events.spoolProblem("the last record of " + segment.getFileName() + " at " + offset + " (" + length
                        + " octets) was cut short, as by a crash or power cut during its write (" + reason
                        + "); cut off and quarantined to " + quarantinedTo);
            }

            @Override
            public void fileQuarantined(Path file, String reason, Path quarantinedTo) {
                events.spoolProblem(file.getFileName() + ": " + reason + "; quarantined to " + quarantinedTo);
            }

            @Override
            public void segmentsMissing(long first, long last) {
                events.spoolProblem("segments " + first + " to " + last + " are missing; skipped");
            }

            @Override
            public void flushFailed(IOException error) {
                events.spoolProblem("flush failed: " + error.getMessage());
            }

            @Override
            public void segmentDropped(long firstSequenceId, long lastSequenceId, long records) {
                forgetDroppedUrgent(firstSequenceId, lastSequenceId);
            }
        };
        // The engine's own listener reports spool problems; a listener set on the SpoolConfig is not used. Every
        // other setting is kept, those only tests make (the spool's file system, write calls instead of a mapping)
        // included, so that engine tests can inject I/O faults.
        return Spool.open(s.spool().toBuilder().listener(spoolEvents).build());
    }

    // ------------------------------------------------------------------ accepting (application threads)

    /**
     * Accepts one message on the caller's thread; {@link #append(EngineEvent)} with {@link EngineEvent#of}.
     *
     * @return {@code true} if accepted, {@code false} if it was dropped (counted and reported)
     */
    public boolean append(SyslogMessage message) {
        return append(EngineEvent.of(message));
    }

    /**
     * Accepts one event on the caller's thread: gives it the next sequence id and queues it or, with a spool,
     * formats it and appends the record to the spool. Without a spool the event is formatted later, on the
     * delivery thread, so that the application's thread only copies and queues. Never waits on the network;
     * waits only under {@link OverflowPolicy#BLOCK} when full.
     *
     * @return {@code true} if accepted, {@code false} if it was dropped (counted and reported)
     */
    public boolean append(EngineEvent event) {
        return appendCounted(event, null);
    }

    /**
     * {@link #offer} for a caller without a lease: a refusal (handed over, and not through a lease that can give the
     * event to the successor) is a drop, counted as at a stop.
     */
    private boolean appendCounted(EngineEvent event, BooleanSupplier abandonWait) {
        int result = offer(event, null, abandonWait);
        if (result == REFUSED) {
            drop(DropReason.SHUTDOWN);
            return false;
        }
        return result == ACCEPTED;
    }

    /**
     * {@link #append(EngineEvent)} that never waits, whatever the overflow policy: what finds no room (queue or spool
     * full under {@link OverflowPolicy#BLOCK}), or finds this engine stopped, is dropped as at a stop
     * ({@link DropReason#SHUTDOWN}, counted and announced). For the events a {@link DeliveryEngines.Lease} held while
     * a reconfiguration replaced the engine: it hands them over under its own lock, and sometimes the registry's,
     * which a wait for room (that a full spool with its receiver down may never make) would hold for ever.
     *
     * @return {@code true} if accepted
     */
    boolean appendWithoutWaiting(EngineEvent event) {
        return appendCounted(event, GIVE_UP_AT_ONCE);
    }

    private static final BooleanSupplier GIVE_UP_AT_ONCE = () -> true;

    /**
     * {@link #append(EngineEvent)} for a {@link DeliveryEngines.Lease}: {@link #REFUSED}, not counted as a drop, when
     * this engine was handed over to a successor ({@link #closeForSuccessor()}) before it took the event, so that the
     * lease gives the event to the successor. An application thread may have read the lease's engine just before
     * the hand-over.
     *
     * @param abandonWait under {@link OverflowPolicy#BLOCK}, asked between the bounded waits of a caller blocked by a
     *     full queue or spool (never when there is room): {@code true} ends the wait, and the event is dropped as at
     *     a stop ({@link DropReason#SHUTDOWN}). For a front-end whose framework waits for the callers inside its
     *     appenders before it stops them (Log4j2): its configuration stopping releases them. {@code null} for none
     * @return {@link #ACCEPTED}, {@link #DROPPED} (counted and reported) or {@link #REFUSED}
     */
    int appendOrRefuse(EngineEvent event, AppendGuard.Cell caller, BooleanSupplier abandonWait) {
        return offer(event, caller, abandonWait);
    }

    /**
     * {@code caller}: the calling thread's cell in its appender's guard, for its buffer; {@code null} for none.
     * {@code abandonWait}: see {@link #appendOrRefuse}.
     */
    private int offer(EngineEvent event, AppendGuard.Cell caller, BooleanSupplier abandonWait) {
        if (!accepting.get()) {
            return refuse();
        }
        long seq = 0;
        Pending p = null;
        boolean isUrgent = settings.urgency().isUrgent(event.severity().code());
        boolean spooled = spool != null;
        if (!spooled) {
            p = new Pending(sequence.incrementAndGet(), event);
            int queued = enqueue(p, isUrgent, abandonWait);
            spooled = queued == TO_SPOOL; // opened meanwhile: the number drawn is left unused
            if (!spooled && queued != ACCEPTED) {
                return queued;
            }
            seq = p.seq;
        }
        if (spooled) {
            // The spool takes records in sequence-id order only: numbering and appending are one step, or a
            // thread that drew a lower id after another would be refused. Mapping and formatting happen before,
            // outside the lock, with the id the thread will most likely draw; under the lock the drawn id is
            // written over the guess (same number of digits: the same octets as formatting with it), else the
            // record is formatted again. The lock is held for the append, not for the formatting. The record is
            // appended from the thread's buffer.
            SyslogFields message = event.fields();
            SyslogBuffer buffer = caller != null ? caller.buffer() : callerBuffer.get();
            long guess = sequence.get() + 1;
            boolean truncated = encodeInto(message, guess, buffer);
            spoolOrder.lock();
            try {
                if (!accepting.get()) {
                    return refuse(); // stop() passes this lock once accepting is down: no append after it
                }
                seq = sequence.incrementAndGet();
                if (!SyslogEncoder.rewriteSequenceId(buffer, guess, seq)) {
                    truncated = encodeInto(message, seq, buffer);
                }
                // the urgent lane sends it at once, from a copy (the buffer is the thread's, for its next event);
                // known to the regular path before the record can be read (see urgentSpooled). The lane holds at
                // most MAX_URGENT_HELD: in an error storm while the receiver is down, the rest wait in the spool
                // only (memory stays bounded) and go with the regular path.
                if (isUrgent && urgentSpooledCount.get() >= MAX_URGENT_HELD) {
                    isUrgent = false;
                    events.warning("urgentLevel", MAX_URGENT_HELD + " urgent events are held in memory (to be sent"
                            + " at once, or being sent); the next ones wait in the spool for the window like the"
                            + " rest");
                }
                p = isUrgent ? new Pending(seq, event.timestamp(), buffer.toByteArray()) : null;
                if (p != null) {
                    registerUrgent(p);
                }
                int appendResult = spoolAppend(seq, event.timestamp(), buffer.array(), buffer.size(), abandonWait);
                if (appendResult != ACCEPTED) {
                    if (p != null) {
                        unregisterUrgent(seq);
                    }
                    return appendResult;
                }
                appended = seq;
            } finally {
                spoolOrder.unlock();
            }
            if (truncated) {
                events.truncated(seq, -1, buffer.size());
            }
            buffer.shrink();
        }
        events.accepted(seq);
        if (isUrgent) {
            urgent.add(p);
            urgentAppended = seq;
        }
        wakeDeliveryThread(isUrgent);
        return ACCEPTED;
    }

    /** A backoff shared by the transports an engine opens in turn (a closing one and its successor may overlap). */
    private static final class SharedBackoff implements Backoff {
        private final Backoff backoff;

        SharedBackoff(Backoff backoff) {
            this.backoff = backoff;
        }

        @Override
        public synchronized Duration next() {
            return backoff.next();
        }

        @Override
        public synchronized void reset() {
            backoff.reset();
        }

        @Override
        public String toString() {
            return backoff.toString();
        }
    }

    /** An event that came after the stop began: refused during a hand-over, else dropped (counted). */
    private int refuse() {
        if (handingOver) {
            return REFUSED;
        }
        drop(DropReason.SHUTDOWN);
        return DROPPED;
    }

    /**
     * A caller blocked by {@code overflow=block} was told to stop waiting (its front-end's configuration stops, see
     * {@link #appendOrRefuse}): its event is dropped as if the engine had stopped while it waited, not refused (the
     * stop that releases it is the framework's, not a hand-over to a successor).
     */
    private int abandon() {
        drop(DropReason.SHUTDOWN);
        return DROPPED;
    }

    /**
     * Formats one message with its sequence id, in {@code buffer} (reused: the delivery thread's), and counts a
     * truncation.
     */
    private byte[] encode(SyslogFields message, long seq, SyslogBuffer buffer) {
        boolean truncated = encodeInto(message, seq, buffer);
        byte[] payload = buffer.toByteArray();
        buffer.shrink();
        if (truncated) {
            events.truncated(seq, -1, payload.length);
        }
        return payload;
    }

    /** Formats one message with sequence id {@code seq} (if ids are on) into {@code buffer}; true if it was cut. */
    private boolean encodeInto(SyslogFields message, long seq, SyslogBuffer buffer) {
        SyslogFields t = template;
        if (t == null || t.facility() != message.facility() || t.hostname() != message.hostname()
                || t.appName() != message.appName() || t.procId() != message.procId()) {
            template = message; // the header of engine-made notices; written only when it changes
        }
        buffer.reset();
        boolean withSeq = settings.sequenceIds() && !message.hasSdElement(META);
        return encoder.encodeTo(message, withSeq ? seq : SyslogFormatter.NO_SEQUENCE_ID, buffer);
    }

    /** The octets to send; formats an event queued without a spool on first use. Delivery thread only. */
    private byte[] payload(Pending p) {
        if (p.payload == null) {
            p.payload = encode(p.event.fields(), p.seq, deliveryBuffer);
            p.event = null;
        }
        return p.payload;
    }

    /**
     * After an append: unparks the delivery thread if it is parked (or about to) for want of events, or, for an
     * urgent event, parked at all. Spares the application's threads an unpark while the delivery thread is busy,
     * or waits for acknowledgements, the network or its window, when a new event would change nothing. No wake-up
     * is lost: the delivery thread raises the flags, then checks {@code appended} and {@code urgentAppended}
     * again before it parks (Dekker-style, every field volatile; see deliveryLoop).
     *
     * <p>The thread that unparks for a regular event lowers {@code deliveryWantsEvents} first: until the delivery
     * thread runs again (tens of microseconds on a busy machine), the other appends of the burst find it down and
     * spare themselves an unpark each (a lock of the delivery thread's parker, a cache line the cores pass back and
     * forth). Measured: ~80 % of appends unparked at 100,000 events/s in bursts, the delivery thread being woken
     * but not yet running. No wake-up is lost. A thread that reads the flag down as the delivery thread left it is
     * the Dekker case above. One that reads it down as another appending thread wrote it appended before that read;
     * every later raise of the flag comes after that read, so the delivery thread's check of {@code appended} after
     * it sees the event; and the thread that lowered the flag unparks after its write, which ends the park in
     * progress or the next one. This holds for a lowering thread delayed across park cycles too (its late write
     * overwrites a newer raise; its unpark still follows). The cost: the events of a burst wait for the lowering
     * thread to reach its unpark, a statement later.
     */
    private void wakeDeliveryThread(boolean isUrgent) {
        if (isUrgent) {
            if (deliveryParked) {
                LockSupport.unpark(deliveryThread);
            }
        } else if (deliveryWantsEvents) {
            deliveryWantsEvents = false;
            LockSupport.unpark(deliveryThread);
        }
    }

    /**
     * After outcomes were queued (I/O thread, once per batch of the transport's reports, see
     * {@link DeliveryListener#reportedBatch()}): unparks the delivery thread if it is parked or about to. Once per
     * message, the delivery thread woke at the first answer of a read and preempted the I/O thread while it was
     * still reading the others (two involuntary context switches of the I/O thread per window of 128).
     */
    private void wakeForOutcome() {
        if (deliveryParked) {
            LockSupport.unpark(deliveryThread);
        }
    }

    /**
     * Queues {@code p} (no spool). When the queue is full the overflow policy applies, except that under
     * {@code dropNewest} and {@code block} an urgent event may go beyond it by up to {@link #MAX_URGENT_HELD} events
     * and {@link #MAX_QUEUE_BYTES} octets: the lane sends it at once, while regular events may fill the queue for
     * hours waiting for the window (it used to be dropped, or to block the application's thread until the window
     * opened). Memory stays bounded. {@code dropOldest} makes room as for any event.
     */
    private int enqueue(Pending p, boolean isUrgent, BooleanSupplier abandonWait) {
        boolean interrupted = false;
        boolean beyond = isUrgent && settings.overflow() != OverflowPolicy.DROP_OLDEST;
        long capacity = beyond ? (long) settings.queueCapacity() + MAX_URGENT_HELD : settings.queueCapacity();
        long maxBytes = beyond ? 2 * MAX_QUEUE_BYTES : MAX_QUEUE_BYTES;
        queueLock.lock();
        try {
            if (!accepting.get()) {
                return refuse(); // stop() passes this lock once accepting is down: nothing queued after it
            }
            if (spool != null) {
                return TO_SPOOL; // adoptSpool moved the queue into the spool under this lock
            }
            while (queue.size() >= capacity || !queue.isEmpty() && queuedBytes + p.size > maxBytes) {
                switch (settings.overflow()) {
                    case DROP_NEWEST -> {
                        drop(DropReason.QUEUE_FULL);
                        return DROPPED;
                    }
                    case DROP_OLDEST -> {
                        Pending oldest = queue.pollFirst();
                        queuedBytes -= oldest.size;
                        // taken, so that the urgent lane, which may hold it too, does not send a dropped event;
                        // if the lane has it already, it is being sent: out of the queue, but no drop
                        if (oldest.take()) {
                            drop(DropReason.QUEUE_FULL);
                        }
                    }
                    case BLOCK -> {
                        if (!accepting.get()) {
                            return refuse();
                        }
                        if (abandonWait != null && abandonWait.getAsBoolean()) {
                            return abandon();
                        }
                        // bounded, so that a wake-up held back by the low-water rule (see signalRoom) cannot strand
                        // a caller while there is room
                        // (as before, an interrupt does not end the wait; it is kept for the caller)
                        try {
                            notFull.awaitNanos(NOT_FULL_RECHECK_NANOS);
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                        if (spool != null) {
                            return TO_SPOOL;
                        }
                    }
                }
            }
            queue.addLast(p);
            queuedBytes += p.size;
            appended = p.seq;
            return ACCEPTED;
        } finally {
            queueLock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int spoolAppend(long seq, Instant eventTime, byte[] record, int length, BooleanSupplier abandonWait) {
        while (true) {
            AppendResult result;
            try {
                result = spool.append(seq, eventTime, record, length);
            } catch (IOException e) {
                events.spoolProblem("append failed: " + e.getMessage());
                drop(DropReason.DISK_FULL);
                return DROPPED;
            }
            if (result == AppendResult.APPENDED) {
                return ACCEPTED;
            }
            DropReason reason = result == AppendResult.SPOOL_FULL ? DropReason.SPOOL_FULL : DropReason.DISK_FULL;
            switch (settings.overflow()) {
                case DROP_NEWEST -> {
                    drop(reason);
                    return DROPPED;
                }
                case DROP_OLDEST -> {
                    droppedButSent = 0;
                    long dropped = dropOldestSpooled();
                    if (dropped == 0) {
                        // what the delivery thread has not taken is all in the segment it reads or the active
                        // one, which cannot go: the new event goes instead
                        drop(reason);
                        return DROPPED;
                    }
                    if (dropped > droppedButSent) {
                        drop(reason, dropped - droppedButSent);
                    }
                }
                case BLOCK -> {
                    if (!accepting.get()) {
                        return refuse();
                    }
                    if (abandonWait != null && abandonWait.getAsBoolean()) {
                        return abandon();
                    }
                    queueLock.lock();
                    try {
                        notFull.await(100, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        drop(reason);
                        return DROPPED;
                    } finally {
                        queueLock.unlock();
                    }
                }
            }
        }
    }

    /**
     * Makes room in the full spool for {@code overflow=dropOldest}: drops the oldest segment of records the delivery
     * thread has not read ({@link Spool#dropOldestSegmentAfter}), on the application's thread.
     *
     * <p>Locking: the delivery thread holds every record up to the last one it read from the spool: in flight, in
     * {@code readAhead}, or between the two in {@code offerRegular}; those must not be dropped (they are sent, or
     * about to be, and will be acknowledged). It reads from the spool and publishes what it read
     * ({@code readAhead}, {@code lastRead}) in one step under {@code inFlight}'s monitor, and changes them only
     * under it. So the bound taken here under that monitor, the last record of {@code readAhead} or else
     * {@code lastRead}, is the last record it holds, and it cannot read further until the drop is done: what it
     * reads next comes from {@code peekAfter(lastRead)}, which steps over the emptied segment. {@code null} (after
     * everything was acknowledged, or a failover switch) means it holds none. Lock order: {@code spoolOrder} →
     * {@code inFlight} → the spool's monitor, as in {@code processOutcomes}; under its monitor the spool calls only
     * the listeners, which never block.
     *
     * @return how many records were dropped; 0 if none could go
     */
    private long dropOldestSpooled() {
        try {
            synchronized (inFlight) {
                SpoolRecord lastTaken = readAhead.isEmpty() ? lastRead : readAhead.peekLast();
                return spool.dropOldestSegmentAfter(lastTaken);
            }
        } catch (IOException | RuntimeException e) {
            // never into the application: the new event is dropped instead, and this reported
            events.spoolProblem("dropping the oldest records failed: " + e.getMessage());
            return 0;
        }
    }

    /**
     * The spool dropped the records with ids in {@code [first, last]} (under {@link #dropOldestSpooled}): their
     * urgent events, which the lane holds too, are dropped from the lane as well (taken, so the lane skips them),
     * unless the lane has taken them already, in which case they are not lost ({@link #droppedButSent}), nor are
     * those it delivered.
     */
    private void forgetDroppedUrgent(long first, long last) {
        droppedButSent += spool.deliveredAhead().countIn(first, last);
        for (Long seq : urgentSpooled.subMap(first, true, last, true).keySet()) {
            Pending u = unregisterUrgent(seq);
            if (u != null && !u.take()) {
                droppedButSent++;
            }
        }
    }

    /**
     * Counts {@code count} events that were dropped before they reached this engine (held by the appender while a
     * reconfiguration replaced the engine, see {@link DeliveryEngines}): counted, reported and announced in-band
     * ahead of the next message, like the engine's own drops.
     */
    public void countDropped(DropReason reason, long count) {
        if (count > 0) {
            drop(reason, count);
            wakeDeliveryThread(false);
        }
    }

    private void drop(DropReason reason) {
        drop(reason, 1);
    }

    private void drop(DropReason reason, long count) {
        unannounced.addAndGet(reason.ordinal(), count);
        dropsUnannounced = true;
        events.dropped(reason, count);
    }

    // ------------------------------------------------------------------ delivering (one thread)

    private void deliveryLoop() {
        try {
            while (true) {
                long seen = appended;
                long seenUrgent = urgentAppended;
                drained = false;
                processOutcomes();
                takeBackLate();
                forgetTakenUrgent();
                if (stopping && (nothingLeft() || nothingToSendBeforeTheWindow()
                        || settings.ticker().getAsLong() - stopDeadline >= 0)) {
                    break;
                }
                maybeSwitchTarget();
                // Messages stay with the engine (queue or spool, visible in health) until a session is up; so
                // after an outage the first message out is the notice of what was dropped meanwhile.
                boolean connected = transport.state() == TransportState.CONNECTED;
                long lateHoldLeft = stopping ? 0 : lateHoldLeft(); // a stop delivers what it can within its bound
                boolean holding = retrySpool() || lateHoldLeft > 0;
                boolean progress = connected && !holding && offerUrgent();
                Instant now = settings.clock().instant();
                long waitNanos = longestParkNanos;
                if (holding) {
                    // a spool opened late waits for what is in flight to be answered (outcomes wake this thread);
                    // a late hand-back wakes it too
                    if (lateHoldLeft > 0) {
                        waitNanos = Math.min(waitNanos, lateHoldLeft);
                    }
                } else if (connected && (settings.schedule().isOpen(now) || stopping && spool == null)) {
                    // Without a spool, a stop delivers outside the window too: the alternative is losing the events.
                    long limited = offerRegular();
                    progress |= limited == 0;
                    if (limited > 0) {
                        waitNanos = Math.min(waitNanos, limited);
                    }
                } else if (connected) {
                    if (replayScanUpTo > 0) {
                        progress |= scanReplayForUrgent();
                    }
                    // outside the window: sleep until it opens (re-reading the clock at least once a second)
                    waitNanos = Math.min(waitNanos, settings.schedule().sleepBeforeRecheck(now,
                            DeliverySchedule.DEFAULT_MAX_SLEEP).toNanos());
                }
                // Not connected: connected() and disconnected() unpark this thread, so it waits for them (at most a
                // park). Taking the window's "recheck now" here made it spin on 1 ns parks, a core's worth of
                // wake-ups for as long as the receiver was down.
                heartbeatIfIdle();
                if (stopping) {
                    // wake at the stop deadline, not up to a full park after it
                    waitNanos = Math.min(waitNanos, stopDeadline - settings.ticker().getAsLong());
                }
                if (progress) {
                    lingered = false;
                } else if (outcomes.isEmpty()) {
                    // Raise the flags, then look again: an append or outcome published before its thread saw the
                    // flags down is seen here, one published after makes that thread unpark us. New events
                    // matter only when there was nothing to send (not while disconnected, outside the window or
                    // waiting for acknowledgements), so that a stream of appends cannot keep this thread spinning.
                    // Having just sent all there was, it first waits LINGER_NANOS without asking for new events:
                    // the rest of a burst is appended meanwhile without the appending threads waking it per event
                    // and without it reading each record while the next is written, and goes in one batch.
                    boolean linger = drained && !lingered && !stopping;
                    lingered = linger;
                    boolean idle = drained && !linger;
                    deliveryWantsEvents = idle;
                    deliveryParked = true;
                    // idle, not the flag: an appending thread may have lowered it meanwhile (and will unpark)
                    if (outcomes.isEmpty() && urgentAppended == seenUrgent && !(idle && appended != seen)) {
                        LockSupport.parkNanos(this, Math.max(1, linger ? Math.min(LINGER_NANOS, waitNanos)
                                : waitNanos));
                    }
                    deliveryWantsEvents = false;
                    if (idle && appended != seen && !stopping && outcomes.isEmpty()
                            && urgentAppended == seenUrgent) {
                        // Woken from idle by a regular event: gather the rest of its burst for LINGER_NANOS
                        // before the first read, so that the burst goes in one batch and the appending threads
                        // do not share the machine with a send of its first event (deliveryParked stays up:
                        // urgent events and outcomes still wake this thread at once).
                        LockSupport.parkNanos(this, LINGER_NANOS);
                    }
                    deliveryParked = false;
                }
            }
        } catch (RuntimeException | Error e) {
            // A bug or an Error such as OutOfMemoryError: nothing would deliver what is accepted from now on. The
            // engine stops as at a close without a drain: appends are refused and counted as dropped (so they are
            // announced rather than queued for nobody), health says STOPPED, a spool keeps what it holds. The
            // registry replaces the engine at the next acquire on its key (a reload of the configuration).
            settings.diagnostics().error("RemoteSyslog[" + settings.name() + "]: delivery thread failed; the"
                    + " appender stops delivering and accepts no more events until it is started again (a reload"
                    + " of the configuration starts it again)", e);
            stopDeadline = settings.ticker().getAsLong();
            stopAccepting();
            deliveryFailed = true; // after accepting is down: a stop asked from now on only waits for this thread
        } finally {
            finishStop();
        }
    }

    /**
     * Without the configured spool (it could not be opened at start: locked by an engine still stopping or by another
     * process, say): tries to open it again when due (after 1 s, then twice as long each time, up to 30 s). Once it
     * is open, it is taken into use ({@link #adoptSpool}) when nothing is in flight, so that no message sent from
     * memory is in flight in spool mode (its id, drawn in memory, could be a spooled record's): while connected,
     * offers are held until what is in flight is answered, for at most {@link #MAX_HOLD_NANOS}; while not connected,
     * or after that, what the transport holds is taken back into the queue, as by a failover switch to the same
     * target (what it had sent is sent again, counted as resent), and the spool is taken into use.
     * Delivery thread only.
     *
     * @return whether offers are held
     */
    private boolean retrySpool() {
        if (spool != null || settings.spool() == null || stopping) {
            return false;
        }
        if (openedLate == null) {
            long now = settings.ticker().getAsLong();
            if (now - spoolRetryAt < 0) {
                return false;
            }
            try {
                openedLate = tryOpenSpool(settings);
            } catch (IOException | RuntimeException e) {
                spoolRetryNanos = Math.min(2 * spoolRetryNanos, SPOOL_RETRY_MAX_NANOS);
                spoolRetryAt = now + spoolRetryNanos;
                if (!Objects.equals(e.getMessage(), spoolFailure)) {
                    spoolFailure = e.getMessage(); // the start reported the first reason; a new one is told too
                    settings.diagnostics().warn("RemoteSyslog[" + settings.name() + "]: spool "
                            + settings.spool().directory() + " still cannot be used, events are kept in memory: "
                            + e.getMessage(), null);
                }
                return false;
            }
        }
        if (!inFlight.isEmpty()) {
            long now = settings.ticker().getAsLong();
            if (heldSince == NOT_HELD) {
                heldSince = now;
            }
            if (transport.state() == TransportState.CONNECTED && now - heldSince < MAX_HOLD_NANOS) {
                return true; // the answers are coming, or the next pass after MAX_HOLD_NANOS hands back
            }
            switchTransport(failover.current());
            heldSince = NOT_HELD;
        }
        if (lateAwaited > 0) {
            return false; // the events a held-up I/O thread is to hand back go into the queue first (takeBackLate)
        }
        adoptSpool(false);
        return false;
    }

    /**
     * Takes the spool {@link #retrySpool()} opened into use, with nothing in flight: under both the spool's and the
     * queue's lock (no event is appended meanwhile), the queued events are numbered on from the higher of the
     * spool's highest sequence id and the last one drawn in memory (an id is never given twice) and appended to it
     * in their order, urgent ones join the spool's urgent lane again, and the spool is published; an application
     * thread waiting for the queue's lock then appends to the spool instead ({@link #TO_SPOOL}). What the spool held
     * already (left by the engine that had it) is replayed first, as at a start. A queued message formatted already
     * (handed back by a failover switch or a hand-back above, or held back by the rate limit) keeps the sequence id
     * written in it. At a stop ({@code atStop}), it is done for {@code finishStop} although the engine no longer
     * accepts. Delivery thread only.
     */
    private void adoptSpool(boolean atStop) {
        Spool s = openedLate;
        openedLate = null;
        try {
            adopt(s, atStop);
        } catch (RuntimeException e) {
            // cannot happen (ids are above the spool's highest); the engine goes on from memory, without the spool
            closeQuietly(s);
            spoolRetryAt = settings.ticker().getAsLong() + SPOOL_RETRY_MAX_NANOS;
            settings.diagnostics().survivedError("RemoteSyslog[" + settings.name() + "]: spool "
                    + settings.spool().directory() + " could not be taken into use; events are kept in memory: " + e,
                    e);
        } catch (Error e) {
            closeQuietly(s); // not left locked behind a delivery thread that ends
            throw e;
        }
    }

    private void adopt(Spool s, boolean atStop) {
        long moved = 0;
        long spoolFull = 0;
        long diskFull = 0;
        List<Pending> lane = new ArrayList<>();
        spoolOrder.lock();
        try {
            queueLock.lock();
            try {
                if (!accepting.get() && !atStop) {
                    openedLate = s; // a stop began: finishStop moves what is left into it
                    return;
                }
                replayScanUpTo = !s.isEmpty() && anyUrgent(settings.urgency()) ? s.highestSequenceId() : 0;
                long seq = Math.max(sequence.get(), s.highestSequenceId());
                for (Pending p : queue) {
                    if (!p.take()) {
                        continue; // the urgent lane took it (cannot be: nothing is in flight)
                    }
                    seq++;
                    byte[] record = p.event != null ? encode(p.event.fields(), seq, deliveryBuffer) : p.payload;
                    AppendResult result;
                    try {
                        result = s.append(seq, p.eventTime, record);
                    } catch (IOException e) {
                        events.spoolProblem("append failed: " + e.getMessage());
                        result = AppendResult.DISK_SPACE_LOW;
                    }
                    if (result != AppendResult.APPENDED) {
                        // the overflow policy is not applied here: these were accepted long before; counted
                        if (result == AppendResult.SPOOL_FULL) {
                            spoolFull++;
                        } else {
                            diskFull++;
                        }
                        continue;
                    }
                    moved++;
                    if (p.resend) {
                        resendFromSpool.add(seq); // counted as resent when offered, as after a switch in spool mode
                        resendUpTo = Math.max(resendUpTo, seq);
                    }
                    int severity = p.event != null ? p.event.severity().code() : severityOf(record);
                    if (severity >= 0 && settings.urgency().isUrgent(severity)
                            && urgentSpooledCount.get() < MAX_URGENT_HELD) {
                        Pending u = new Pending(seq, p.eventTime, record);
                        u.resend = p.resend;
                        registerUrgent(u);
                        lane.add(u);
                    }
                }
                queue.clear();
                queuedBytes = 0;
                urgent.clear(); // its events were in the queue too: taken above, or sent and answered
                urgent.addAll(lane);
                sequence.set(seq);
                appended = seq;
                spool = s;
                notFull.signalAll();
            } finally {
                queueLock.unlock();
            }
        } finally {
            spoolOrder.unlock();
        }
        if (spoolFull > 0) {
            drop(DropReason.SPOOL_FULL, spoolFull);
        }
        if (diskFull > 0) {
            drop(DropReason.DISK_FULL, diskFull);
        }
        settings.diagnostics().info("RemoteSyslog[" + settings.name() + "]: spool " + settings.spool().directory()
                + " opened; events are spooled again (" + moved + " held in memory moved into it"
                + (atStop ? ", at the stop)" : ")"));
    }

    private static void closeQuietly(Spool s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing was written to it
        }
    }

    private boolean nothingLeft() {
        if (!inFlight.isEmpty() || !urgent.isEmpty() || lateAwaited > 0) {
            return false;
        }
        if (spool != null) {
            return spool.isEmpty();
        }
        queueLock.lock();
        try {
            return queue.isEmpty();
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Lets go of the urgent events at the head of the lane that another path took (sent, or dropped by
     * {@code overflow=dropOldest}), also while there is no session, so that the lane holds no more than the queue
     * or the spool it mirrors.
     */
    private void forgetTakenUrgent() {
        Pending p;
        while ((p = urgent.peek()) != null && p.isTaken()) {
            urgent.poll();
        }
    }

    /**
     * Stopping with a spool outside the window: nothing in flight and no urgent event waiting, so nothing may be
     * sent before the window opens and the rest stays in the spool; waiting out {@code shutdownTimeout} would only
     * hold up the application's stop.
     */
    private boolean nothingToSendBeforeTheWindow() {
        return spool != null && inFlight.isEmpty() && urgent.isEmpty()
                && !settings.schedule().isOpen(settings.clock().instant());
    }

    private boolean offerUrgent() {
        boolean progress = false;
        Pending p;
        while ((p = urgent.peek()) != null) {
            if (!p.take()) {
                urgent.poll(); // already sent by the regular path
                continue;
            }
            announceDrops();
            if (!transport.offer(new Outbound(p.seq, payload(p)))) {
                p.untake();
                return progress;
            }
            urgent.poll();
            if (p.resend) {
                events.resent(p.seq); // taken from a target failover left (see maybeSwitchTarget)
            }
            InFlight f = new InFlight(p.seq, null, p.eventTime, true, p.payload.length);
            if (spool == null) {
                removeFromQueue(p);
            } else {
                p.sent = f; // for the regular path, when it reads the record (see urgentSpooled)
                p.payload = null; // the transport holds it now
            }
            track(f);
            progress = true;
        }
        if (progress) {
            lastActivityNanos = settings.ticker().getAsLong();
        }
        return progress;
    }

    /** Offers regular messages; returns 0 when something was offered, else how long the rate limit wants. */
    private long offerRegular() {
        boolean offered = false;
        while (inFlight.size() < MAX_IN_FLIGHT) {
            Pending next = nextRegular();
            if (next == null) {
                drained = true;
                break;
            }
            long delay = rateLimiter.acquireDelayNanos(payload(next).length);
            if (delay > 0) {
                unread(next);
                return offered ? 0 : delay;
            }
            announceDrops();
            if (!transport.offer(new Outbound(next.seq, payload(next)))) {
                rateLimiter.refund(next.payload.length); // not sent: taken again when it is
                unread(next);
                break;
            }
            if (next.resend) {
                // counted here, not at the switch: a message dropped or set aside meanwhile is not sent again
                resendFromSpool.remove(next.seq);
                events.resent(next.seq);
            }
            track(new InFlight(next.seq, next.record, next.eventTime, false, next.payload.length));
            offered = true;
        }
        if (offered) {
            lastActivityNanos = settings.ticker().getAsLong(); // once per batch, not per message (perf: clock_gettime)
        }
        return offered ? 0 : -1;
    }

    /**
     * Wakes callers blocked by {@code overflow=block} once the queue is below its low-water mark (7/8 of its
     * bounds), not after every event taken: waking a blocked thread per event cost the delivery thread an unpark
     * (a system call) per message while a fast producer kept the queue full. Caller holds queueLock.
     */
    private void signalRoom() {
        if (queue.size() <= settings.queueCapacity() - Math.max(1, settings.queueCapacity() / 8)
                && queuedBytes <= MAX_QUEUE_BYTES - MAX_QUEUE_BYTES / 8) {
            notFull.signalAll();
        }
    }

    private Pending nextRegular() {
        if (spool == null) {
            queueLock.lock();
            try {
                Pending p;
                while ((p = queue.pollFirst()) != null) {
                    queuedBytes -= p.size;
                    signalRoom();
                    if (p.take()) {
                        return p;
                    }
                }
                return null;
            } finally {
                queueLock.unlock();
            }
        }
        try {
            while (true) {
                SpoolRecord r;
                synchronized (inFlight) {
                    // read and published in one step: see dropOldestSpooled
                    if (readAhead.isEmpty()) {
                        readAhead.addAll(lastRead == null ? spool.peek(SPOOL_READ_BATCH)
                                : spool.peekAfter(lastRead, SPOOL_READ_BATCH));
                        if (readAhead.isEmpty()) {
                            return null;
                        }
                    }
                    r = readAhead.pollFirst();
                    lastRead = r;
                }
                readSinceSwitch = Math.max(readSinceSwitch, r.sequenceId());
                if ((!urgentSpooled.isEmpty() || !spool.deliveredAhead().isEmpty()) && followsUrgentLane(r)) {
                    continue;
                }
                Pending p = new Pending(r.sequenceId(), r.eventTime(), r.message(), r);
                if (!resendFromSpool.isEmpty()) {
                    if (r.sequenceId() > resendUpTo) {
                        resendFromSpool.clear(); // read past all of them: the rest will not be offered again
                    } else {
                        p.resend = resendFromSpool.contains(r.sequenceId());
                    }
                }
                return p;
            }
        } catch (IOException e) {
            events.spoolProblem("read failed: " + e.getMessage());
            return null;
        }
    }

    /** Adds an urgent event to {@link #urgentSpooled}, counted until the lane has its answer (see release). */
    private void registerUrgent(Pending p) {
        Pending replaced = urgentSpooled.put(p.seq, p);
        if (replaced != null) {
            release(replaced);
        }
        if (p.hold()) {
            urgentSpooledCount.incrementAndGet();
        }
    }

    /** Removes an urgent event from {@link #urgentSpooled}; {@code null} if it was not there. */
    private Pending unregisterUrgent(long seq) {
        Pending p = urgentSpooled.remove(seq);
        if (p != null) {
            release(p);
        }
        return p;
    }

    /** No longer counts {@code p} against {@link #MAX_URGENT_HELD} (once, whichever thread comes first). */
    private void release(Pending p) {
        if (p.unhold()) {
            urgentSpooledCount.decrementAndGet();
        }
    }

    /**
     * The regular path read record {@code r}: if the urgent lane has sent it (in this run, or a previous one that
     * saw it delivered: the spool's {@link Spool#deliveredAhead()}), the record is not sent again but acknowledged
     * with the lane's outcome (now, if it came already), in its place among the records in flight. Else the regular
     * path sends it, and the lane will skip it. Also forgets urgent events before {@code r} that were never read
     * (dropped from the spool). Delivery thread only, like processOutcomes.
     *
     * @return true if the urgent lane has it
     */
    private boolean followsUrgentLane(SpoolRecord r) {
        long seq = r.sequenceId();
        Long older;
        while ((older = urgentSpooled.isEmpty() ? null : urgentSpooled.firstKey()) != null && older < seq) {
            unregisterUrgent(older);
        }
        Pending u = unregisterUrgent(seq);
        InFlight lane;
        if (u == null) {
            if (!spool.deliveredAhead().contains(seq)) {
                return false;
            }
            lane = null; // delivered, and the answer came
        } else if (u.take()) {
            return false;
        } else {
            lane = u.sent;
            if (lane == null) {
                return false; // cannot happen: the lane sets it when it takes the event (same thread)
            }
        }
        InFlight f = new InFlight(seq, r, r.eventTime(), false, r.messageLength());
        synchronized (inFlight) {
            inFlight.addLast(f); // not by id: the lane's outcome arrives under the lane's entry
        }
        if (lane == null || lane.done) {
            f.done = true;
            f.rejected = lane != null && lane.rejected;
            outcomes.add(Outcomes.INTERNAL_DELIVERED); // processOutcomes acknowledges it
        } else {
            lane.follower = f;
        }
        return true;
    }

    /**
     * The urgent lane has the server's answer for {@code lane}, an event that is spooled as well: a delivered one
     * is remembered in the spool's {@link Spool#deliveredAhead()} (durable, so that no later start sends it again)
     * and, if the regular path has not read its record yet, forgotten here; a refused one stays for the regular path
     * to move its record aside, and counts against {@link #MAX_URGENT_HELD} until then. Delivery thread.
     */
    private void urgentAnswered(InFlight lane) {
        if (!lane.rejected && !spool.deliveredAhead().add(lane.seq) && !deliveredAheadFullReported) {
            deliveredAheadFullReported = true;
            events.warning("urgentLevel", DeliveredAhead.MAX_RANGES + " ranges of urgent events delivered ahead of"
                    + " the spool are remembered; the next ones delivered at once are sent again in the window");
        }
        if (lane.follower != null) {
            return; // read already, and unregistered then
        }
        if (!lane.rejected) {
            unregisterUrgent(lane.seq);
        }
        // a refused one stays, and still counts against MAX_URGENT_HELD, until the regular path reads its record and
        // moves it aside: a server that refuses every urgent event outside the window cannot make the lane grow
    }

    /**
     * Outside the window, looks through the next batch of the records a previous run left in the spool, and gives
     * the urgent ones to the urgent lane, as their append did in that run: else an urgent event spooled before a
     * restart waited for the window with the rest. Only records the regular path has not read are registered (in
     * {@link #urgentSpooled}, so that the regular path acknowledges them with the lane's outcome). The severity is
     * read back from the record's PRI. Delivery thread only.
     *
     * @return true if it looked at records (there may be more)
     */
    private boolean scanReplayForUrgent() {
        List<SpoolRecord> batch;
        try {
            batch = replayScanAt == null ? spool.peek(SPOOL_READ_BATCH)
                    : spool.peekAfter(replayScanAt, SPOOL_READ_BATCH);
        } catch (IOException | RuntimeException e) {
            events.spoolProblem("read failed: " + e.getMessage());
            replayScanUpTo = 0; // the regular path sends them in the window all the same
            return false;
        }
        if (batch.isEmpty()) {
            replayScanUpTo = 0;
            return false;
        }
        SpoolRecord read = lastRead;
        boolean looked = false;
        for (SpoolRecord r : batch) {
            long seq = r.sequenceId();
            if (seq > replayScanUpTo) {
                replayScanUpTo = 0; // appended since: its append gave it to the lane already
                break;
            }
            // seq <= replayScanSeq: looked at before (read again from the head after the head moved past it)
            if (seq > replayScanSeq) {
                int severity = severityOf(r.message());
                if ((read == null || seq > read.sequenceId()) && severity >= 0
                        && settings.urgency().isUrgent(severity) && !urgentSpooled.containsKey(seq)
                        && !spool.deliveredAhead().contains(seq)) {
                    if (urgentSpooledCount.get() >= MAX_URGENT_HELD) {
                        return looked; // the lane is full: this one is looked at again once it has room
                    }
                    Pending p = new Pending(seq, r.eventTime(), r.message());
                    registerUrgent(p);
                    urgent.add(p);
                }
                replayScanSeq = seq;
            }
            replayScanAt = r;
            looked = true;
        }
        return true;
    }

    /** Whether the policy makes any severity urgent. */
    private static boolean anyUrgent(UrgencyPolicy policy) {
        for (int severity = 0; severity <= 7; severity++) {
            if (policy.isUrgent(severity)) {
                return true;
            }
        }
        return false;
    }

    /** The syslog severity of a formatted message, PRI mod 8 (RFC 5424 and RFC 3164 alike); -1 without a PRI. */
    static int severityOf(byte[] message) {
        if (message.length < 3 || message[0] != '<') {
            return -1;
        }
        int pri = 0;
        for (int i = 1; i < Math.min(message.length, 5); i++) {
            byte c = message[i];
            if (c == '>') {
                return i == 1 ? -1 : pri % 8;
            }
            if (c < '0' || c > '9') {
                return -1;
            }
            pri = pri * 10 + (c - '0');
        }
        return -1;
    }

    /** Puts back a message that could not be offered now. */
    private void unread(Pending p) {
        if (spool == null) {
            p.untake();
            queueLock.lock();
            try {
                queue.addFirst(p);
                queuedBytes += p.size;
            } finally {
                queueLock.unlock();
            }
        } else {
            synchronized (inFlight) {
                lastRead = inFlight.isEmpty() ? null : lastSpooledInFlight();
                readAhead.clear();
            }
        }
    }

    private SpoolRecord lastSpooledInFlight() {
        SpoolRecord last = null;
        for (InFlight f : inFlight) {
            if (f.record != null) {
                last = f.record;
            }
        }
        return last;
    }

    private void removeFromQueue(Pending p) {
        queueLock.lock();
        try {
            if (queue.remove(p)) {
                queuedBytes -= p.size;
                notFull.signalAll();
            }
        } finally {
            queueLock.unlock();
        }
    }

    private void track(InFlight f) {
        synchronized (inFlight) {
            inFlight.addLast(f);
        }
        inFlightById.put(f.seq, f);
    }

    private void processOutcomes() {
        Outcomes batch;
        boolean any = false;
        while ((batch = outcomes.poll()) != null) {
            any = true;
            for (int i = 0; i < batch.size; i++) {
                long seq = batch.seqs[i];
                if (seq == INTERNAL_ID) {
                    continue;
                }
                InFlight f = inFlightById.remove(seq);
                if (f == null) {
                    continue;
                }
                f.done = true;
                f.rejected = batch.rejected != null && batch.rejected[i];
                if (spool != null && f.urgent) {
                    urgentAnswered(f);
                }
                if (f.follower != null) {
                    f.follower.done = true;
                    f.follower.rejected = f.rejected;
                }
            }
        }
        if (!any) {
            return;
        }
        SpoolRecord ackUpTo = null;
        synchronized (inFlight) {
            while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
                InFlight f = inFlight.pollFirst();
                if (f.record == null) {
                    continue;
                }
                if (f.rejected) {
                    try {
                        if (spool.moveAside(f.record)) {
                            rejectedFullReported = false; // room again: the next refusal to keep one is news
                        } else if (!rejectedFullReported) {
                            rejectedFullReported = true;
                            events.spoolProblem("rejected.spool has reached maxSize, or less than "
                                    + settings.spool().minFreeDiskSpace() / (1024 * 1024) + " MiB would be left"
                                    + " free on the disk: records the server refuses are counted and reported but"
                                    + " not kept there until it has room again");
                        }
                    } catch (IOException e) {
                        events.spoolProblem("cannot move a refused record aside: " + e.getMessage());
                    }
                }
                ackUpTo = f.record;
            }
            if (inFlight.isEmpty() && ackUpTo != null && ackUpTo == lastRead) {
                lastRead = ackUpTo;
            }
        }
        if (ackUpTo != null) {
            try {
                spool.acknowledge(ackUpTo);
                synchronized (inFlight) {
                    if (inFlight.isEmpty() && lastRead == ackUpTo) {
                        lastRead = null; // read from the acknowledged head again
                        readAhead.clear();
                    }
                }
            } catch (IOException e) {
                events.spoolProblem("acknowledge failed: " + e.getMessage());
            }
            queueLock.lock();
            try {
                notFull.signalAll();
            } finally {
                queueLock.unlock();
            }
        }
    }

    /** The in-band notice of drops not yet announced, delivered ahead of the next message. */
    private void announceDrops() {
        if (!dropsUnannounced) {
            return; // nearly always: no drop since the last notice
        }
        dropsUnannounced = false; // before the counts are taken: see the field
        long[] counts = new long[DropReason.values().length];
        StringBuilder text = null;
        long total = 0;
        for (DropReason reason : DropReason.values()) {
            long n = unannounced.getAndSet(reason.ordinal(), 0);
            counts[reason.ordinal()] = n;
            if (n > 0) {
                text = text == null ? new StringBuilder() : text.append("; ");
                text.append(n).append(' ').append(reason.description());
                total += n;
            }
        }
        if (text == null) {
            return;
        }
        String message = total + " message(s) dropped by Sluice before this one: " + text;
        Outbound notice = new Outbound(INTERNAL_ID, internalMessage(Severity.WARNING, "DROPPED", message));
        noticesOut.put(notice, counts);
        if (!transport.offer(notice)) {
            noticesOut.remove(notice);
            reannounce(counts); // no room now: announce with the next message
        }
    }

    private void reannounce(long[] counts) {
        for (int i = 0; i < counts.length; i++) {
            unannounced.addAndGet(i, counts[i]);
        }
        dropsUnannounced = true;
    }

    private void heartbeatIfIdle() {
        Duration heartbeat = settings.heartbeat();
        if (heartbeat.isZero() || stopping) {
            return;
        }
        long now = settings.ticker().getAsLong();
        if (now - lastActivityNanos >= heartbeat.toNanos() && inFlight.isEmpty()
                && transport.state() == TransportState.CONNECTED) {
            if (transport.offer(new Outbound(INTERNAL_ID, internalMessage(Severity.INFORMATIONAL, "HEARTBEAT",
                    "heartbeat")))) {
                lastActivityNanos = now;
            }
        }
    }

    private byte[] internalMessage(Severity severity, String msgId, String text) {
        SyslogFields t = template;
        SyslogMessage.Builder b = SyslogMessage.builder().timestamp(settings.clock().instant()).severity(severity)
                .msgId(msgId).message(text);
        if (t != null) {
            b.facility(t.facility()).hostname(t.hostname()).appName(t.appName()).procId(t.procId());
        }
        return encoder.encode(b.build()).payload();
    }

    // ------------------------------------------------------------------ targets

    private SyslogTransport newTransport(Target target) {
        TransportSettings.Builder b = settings.transport().toBuilder().backoff(() -> reconnectBackoff);
        if (!settings.connectionTtl().isZero()) {
            b.connectionTtl(settings.connectionTtl());
        }
        TransportSettings transportSettings = b.build();
        TransportEvents listener = new TransportEvents(target);
        SyslogTransport created = SyslogTransports.create(target, transportSettings, listener);
        listener.reporter = created;
        transportEvents = listener;
        return created;
    }

    private void maybeSwitchTarget() {
        Target next = failover.decide(transport.state());
        if (next != null) {
            switchTransport(next);
        }
    }

    /**
     * Closes the transport without waiting and opens one to {@code next}: what the old one held goes back to the
     * queue or the spool's reading, and urgent events it had not seen answered back to the lane. Delivery thread.
     */
    private void switchTransport(Target next) {
        TransportEvents closing = transportEvents;
        Set<Long> sent = closing.handedBackSent;
        closing.memoryMode = spool == null;
        List<Outbound> undelivered = transport.close(Duration.ZERO);
        boolean late = undelivered == null; // its I/O thread is held up: what it holds comes back later
        if (late) {
            undelivered = List.of();
            if (spool == null) {
                lateAwaited++;
                lateSince = settings.ticker().getAsLong(); // the hold runs from the latest such close
            }
        }
        transport = newTransport(next);
        // a drop notice the old target did not acknowledge: announced again, ahead of the next message out
        for (Outbound o : undelivered) {
            long[] counts = o.id() == INTERNAL_ID ? noticesOut.remove(o) : null;
            if (counts != null) {
                reannounce(counts);
            }
        }
        // What the old transport still held is offered again, in order, on the new one. What it had sent is then
        // resent (counted when offered): the server may have taken it. What it never wrote is not.
        Map<Long, Instant> eventTimes = new HashMap<>();
        // urgent events the lane had given the old target and not seen acknowledged: they go back to the lane, so
        // that they are sent again at once, not when the window opens (outside it, that was hours later)
        Set<Long> laneUnfinished = new HashSet<>();
        synchronized (inFlight) {
            for (InFlight f : inFlight) {
                inFlightById.remove(f.seq);
                eventTimes.put(f.seq, f.eventTime);
                if (f.urgent && !f.done) {
                    laneUnfinished.add(f.seq);
                }
            }
            inFlight.clear();
            lastRead = null;
            readAhead.clear();
        }
        readSinceSwitch = 0;
        if (late) {
            closing.eventTimesAtClose = eventTimes;
            closing.laneUnfinishedAtClose = laneUnfinished;
        }
        List<Pending> backToLane = new ArrayList<>();
        // the spool is read again from its head: an urgent event the lane sent and the old target answered stays
        // known (in the spool's deliveredAhead, or here if refused: its record is acknowledged with that outcome when
        // read), the others are sent again
        for (Map.Entry<Long, Pending> e : urgentSpooled.entrySet()) {
            Pending u = e.getValue();
            if (u.isTaken() && (u.sent == null || !u.sent.done)) {
                unregisterUrgent(e.getKey());
            }
        }
        if (spool == null) {
            requeue(undelivered, sent, eventTimes, laneUnfinished, backToLane);
        } else {
            // The spool is read again from its head: everything in flight is offered again, delivered records
            // waiting behind an unacknowledged one too, except what the old transport never wrote.
            Set<Long> neverSent = new HashSet<>();
            for (Outbound o : undelivered) {
                if (!sent.contains(o.id())) {
                    neverSent.add(o.id());
                }
            }
            for (Long seq : eventTimes.keySet()) {
                if (!neverSent.contains(seq)) {
                    resendFromSpool.add(seq);
                    resendUpTo = Math.max(resendUpTo, seq);
                }
            }
            for (int i = undelivered.size() - 1; i >= 0; i--) {
                Outbound o = undelivered.get(i);
                if (o.id() != INTERNAL_ID && laneUnfinished.contains(o.id())) {
                    // known to the regular path again before it can read the record (see urgentSpooled)
                    Pending p = new Pending(o.id(), eventTimes.get(o.id()), o.payload());
                    p.resend = sent.contains(o.id());
                    registerUrgent(p);
                    backToLane.add(p);
                }
            }
        }
        // newest first at the head, so the lane sends them in their order, before the urgent events still waiting
        for (Pending p : backToLane) {
            urgent.addFirst(p);
        }
    }

    /** How much longer offers are held for a late hand-back after a switch; 0 if they are not. */
    private long lateHoldLeft() {
        return lateAwaited == 0 ? 0 : Math.max(0, lateSince + LATE_HOLD_NANOS - settings.ticker().getAsLong());
    }

    /**
     * What transports closed while their I/O thread was held up handed back since: drop notices among it are
     * announced again; in memory mode the events go back to the head of the queue (and urgent ones to the lane), as
     * {@link #switchTransport} does with what a close returns in time. In spool mode the switch had the spool read
     * again from its head; urgent events the lane had sent go back to it ({@link #backToLaneFromSpool}). Delivery
     * thread only (and {@code finishStop}).
     */
    private void takeBackLate() {
        List<LateHandBack> taken;
        synchronized (lateLock) {
            if (lateHandBacks == null || lateHandBacks.isEmpty()) {
                return;
            }
            taken = new ArrayList<>(lateHandBacks);
            lateHandBacks.clear();
        }
        takeBack(taken);
    }

    private void takeBack(List<LateHandBack> taken) {
        for (LateHandBack l : taken) {
            TransportEvents from = l.from();
            for (Outbound o : l.undelivered()) {
                long[] counts = o.id() == INTERNAL_ID ? noticesOut.remove(o) : null;
                if (counts != null) {
                    reannounce(counts);
                }
            }
            if (!from.memoryMode) {
                backToLaneFromSpool(l);
                continue;
            }
            lateAwaited--;
            List<Pending> backToLane = new ArrayList<>();
            requeue(l.undelivered(), from.handedBackSent, from.eventTimesAtClose, from.laneUnfinishedAtClose,
                    backToLane);
            for (Pending p : backToLane) {
                urgent.addFirst(p);
            }
        }
    }

    /**
     * Spool mode: the urgent events the lane had given the old target unanswered go back to the lane, as
     * {@link #switchTransport} does with what a close returns in time (else they would wait for the window), unless
     * the regular path has read their records since the switch (it sends them then), they are no longer in the spool
     * (acknowledged, before its head or delivered ahead), or the engine is stopping.
     */
    private void backToLaneFromSpool(LateHandBack l) {
        TransportEvents from = l.from();
        if (spool == null || stopping || from.laneUnfinishedAtClose.isEmpty()) {
            return;
        }
        long head;
        try {
            List<SpoolRecord> first = spool.peek(1);
            if (first.isEmpty()) {
                return; // all acknowledged
            }
            head = first.get(0).sequenceId();
        } catch (IOException e) {
            events.spoolProblem("read failed: " + e.getMessage());
            return; // they wait for the regular path
        }
        List<Outbound> undelivered = l.undelivered();
        for (int i = undelivered.size() - 1; i >= 0; i--) {
            Outbound o = undelivered.get(i);
            long seq = o.id();
            if (seq != INTERNAL_ID && seq > readSinceSwitch && seq >= head && from.laneUnfinishedAtClose.contains(seq)
                    && !urgentSpooled.containsKey(seq) && !spool.deliveredAhead().contains(seq)) {
                Pending p = new Pending(seq, from.eventTimesAtClose.getOrDefault(seq, settings.clock().instant()),
                        o.payload());
                p.resend = from.handedBackSent.contains(seq);
                registerUrgent(p);
                urgent.addFirst(p); // newest first at the head: the lane sends them in their order
            }
        }
    }

    /** A closed transport's late hand-back ({@link DeliveryListener#handedBackLate}); I/O thread. */
    private void handedBackLate(TransportEvents from, List<Outbound> undelivered) {
        synchronized (lateLock) {
            if (lateHandBacks != null) {
                lateHandBacks.add(new LateHandBack(from, undelivered));
                LockSupport.unpark(deliveryThread);
                return;
            }
        }
        // after the stop: events that were in memory are lost; a spool still holds the others
        long lost = from.memoryMode ? undelivered.stream().filter(o -> o.id() != INTERNAL_ID).count() : 0;
        if (lost > 0) {
            events.dropped(DropReason.SHUTDOWN, lost);
        }
    }

    private record LateHandBack(TransportEvents from, List<Outbound> undelivered) {
    }

    /**
     * Memory mode: puts what a closed transport handed back at the head of the queue, in order, those of
     * {@code laneUnfinished} also in {@code backToLane} (whichever path takes one first sends it).
     */
    private void requeue(List<Outbound> undelivered, Set<Long> sent, Map<Long, Instant> eventTimes,
            Set<Long> laneUnfinished, List<Pending> backToLane) {
        queueLock.lock();
        try {
            for (int i = undelivered.size() - 1; i >= 0; i--) {
                Outbound o = undelivered.get(i);
                if (o.id() != INTERNAL_ID) {
                    // keeps the event's own time, so health's oldest age stays true across the switch
                    Pending p = new Pending(o.id(), eventTimes.getOrDefault(o.id(), settings.clock().instant()),
                            o.payload());
                    p.resend = sent.contains(o.id());
                    queue.addFirst(p);
                    queuedBytes += p.size;
                    if (laneUnfinished.contains(o.id())) {
                        backToLane.add(p);
                    }
                }
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** Receives the transport's reports on its I/O thread and hands outcomes to the delivery thread. */
    private final class TransportEvents implements DeliveryListener {
        private final String target;
        /** Ids {@link SyslogTransport#close(Duration)} hands back after writing them; read when it has returned. */
        final Set<Long> handedBackSent = ConcurrentHashMap.newKeySet();
        /** A message was delivered since the last {@link #reportedBatch()}. I/O thread only. */
        private boolean acknowledgedInBatch;
        /** Whether the last final outcome this transport reported was a refusal. I/O thread only. */
        private boolean lastOutcomeRejected;
        /** Outcomes queued since the delivery thread was last woken for them. I/O thread only. */
        private int outcomesSinceWake;
        /**
         * The outcomes reported since the last {@link #reportedBatch()}: ids, whether each was refused ({@code null}
         * while none was), how many. I/O thread only; handed to the delivery thread at the end of the batch.
         */
        private long[] batchSeqs = new long[128];
        private boolean[] batchRejected;
        private int batchSize;
        /** The transport that reports here; set once it is made (null before: every batch wakes). */
        volatile SyslogTransport reporter;
        /** Set when its transport is closed: whether the engine was without a spool then. */
        volatile boolean memoryMode;
        /** Set when its close returned before the hand-back: what {@link #takeBack} needs then (memory mode). */
        volatile Map<Long, Instant> eventTimesAtClose = Map.of();
        volatile Set<Long> laneUnfinishedAtClose = Set.of();

        TransportEvents(Target target) {
            this.target = target.toString();
        }

        @Override
        public void delivered(Outbound message) {
            if (message.id() != INTERNAL_ID) {
                acknowledgedInBatch = true; // the time is read once per batch, in reportedBatch
                events.delivered(message.id());
                if (settings.transport() != null && isRelp()) {
                    events.acknowledged(message.id());
                }
            }
            if (message.id() == INTERNAL_ID) {
                noticesOut.remove(message);
            }
            lastOutcomeRejected = false;
            collect(message.id(), false);
            outcomesSinceWake++;
        }

        @Override
        public void rejected(Outbound message, String reason) {
            if (message.id() != INTERNAL_ID) {
                events.rejected(message.id(), reason);
            } else {
                noticesOut.remove(message);
            }
            lastOutcomeRejected = true;
            collect(message.id(), true);
            outcomesSinceWake++;
        }

        /** Adds an outcome to the batch {@link #reportedBatch()} hands over. I/O thread only. */
        private void collect(long seq, boolean rejected) {
            if (batchSize == batchSeqs.length) {
                batchSeqs = Arrays.copyOf(batchSeqs, 2 * batchSize);
                if (batchRejected != null) {
                    batchRejected = Arrays.copyOf(batchRejected, 2 * batchSize);
                }
            }
            if (rejected && batchRejected == null) {
                batchRejected = new boolean[batchSeqs.length];
            }
            batchSeqs[batchSize] = seq;
            if (batchRejected != null) {
                batchRejected[batchSize] = rejected;
            }
            batchSize++;
        }

        @Override
        public void reportedBatch() {
            if (batchSize > 0) {
                // one queue node per batch: a node per message cost both threads a contended cache line each
                outcomes.add(new Outcomes(batchSeqs, batchRejected, batchSize));
                batchSeqs = new long[batchSeqs.length];
                batchRejected = null;
                batchSize = 0;
            }
            if (acknowledgedInBatch) {
                acknowledgedInBatch = false;
                lastAcknowledgedMillis = settings.clock().millis(); // no Instant made
            }
            if (rejecting != lastOutcomeRejected) {
                rejecting = lastOutcomeRejected; // a volatile write only when the state changes
            }
            // Waking the delivery thread cost the I/O thread ~7 % of its time at one wake per window of 128 (perf:
            // futex_wake), on the path of the next window. With thousands of messages still in the transport the
            // outcomes can wait; near its end (or when stopping) every batch wakes it, so nothing idles.
            SyslogTransport t = reporter;
            if (outcomesSinceWake >= OUTCOMES_PER_WAKE || t == null || t.pending() <= OUTCOMES_PER_WAKE || stopping) {
                outcomesSinceWake = 0;
                wakeForOutcome();
            }
        }

        @Override
        public void resent(Outbound message) {
            if (message.id() != INTERNAL_ID) {
                events.resent(message.id());
            }
        }

        @Override
        public void handedBackSent(Outbound message) {
            if (message.id() != INTERNAL_ID) {
                handedBackSent.add(message.id());
            }
        }

        @Override
        public void handedBackLate(List<Outbound> undelivered) {
            DeliveryEngine.this.handedBackLate(this, undelivered);
        }

        @Override
        public void writable() {
            LockSupport.unpark(deliveryThread);
        }

        @Override
        public void connected(SocketAddress remote) {
            tlsFailing = false;
            failover.connected();
            // a session after the engine's first one is a reconnect, also when failover opened it on another target
            events.connected(target, everConnected.getAndSet(true));
            LockSupport.unpark(deliveryThread);
        }

        @Override
        public void provedHealthy() {
            failover.provedHealthy(); // connected alone is not reachable: see Failover
        }

        @Override
        public void disconnected(String reason) {
            disconnected(reason, false);
        }

        @Override
        public void disconnected(String reason, boolean planned) {
            if (!planned) {
                // A planned end (close answered, rebind, connectionTtl, stop) is neither a failure for failover
                // to count nor a "cannot deliver" to warn about: it was a WARN at every normal shutdown.
                failover.disconnected();
                events.disconnected(target, reason);
            }
            LockSupport.unpark(deliveryThread); // failover may switch targets now
        }

        @Override
        public void tlsFailure(String reason) {
            tlsFailing = true;
            events.tlsFailure(target, reason);
        }

        @Override
        public void warning(String message) {
            events.warning(target, message); // rate-limited by the StatusReporter: failover repeats them
        }

        private boolean isRelp() {
            return target.startsWith("relp");
        }
    }

    // ------------------------------------------------------------------ stopping

    /** Stops: drains for at most {@code shutdownTimeout}, leaves the rest in the spool, never hangs. */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops for an engine that takes over this one's spool ({@link DeliveryEngines}, on a reconfiguration). With a
     * spool, without draining: it stops accepting, ends delivery at once and closes the transport without waiting
     * for acknowledgements; what was not acknowledged stays in the spool, which the successor replays first (frames
     * that were in flight may arrive twice, as around a reconnect). Draining would only keep the successor's events
     * in memory meanwhile. Without a spool (none configured, or it could not be opened) it drains like
     * {@link #close()}: that is the only way those events get out.
     */
    void closeForSuccessor() {
        handingOver = true;
        stop(true);
    }

    /**
     * Whether the engine stopped by itself: its delivery thread failed (a bug, an {@link Error}), not asked to stop.
     * It then accepts nothing more and health says {@link DeliveryState#STOPPED} once that thread has ended;
     * {@link DeliveryEngines} starts a new engine in its place at the next acquire.
     */
    boolean stoppedByItself() {
        return deliveryFailed;
    }

    /** The highest sequence id drawn so far (0 before the first). */
    long lastSequenceId() {
        return sequence.get();
    }

    /**
     * Numbers the next accepted event after {@code lastId} at least: called by {@link DeliveryEngines} on the engine
     * that replaces one in a reconfiguration, before any event reaches it, with that one's {@link #lastSequenceId()},
     * so that (HOSTNAME, APP-NAME, sequenceId) still names one message. Without it an engine without a spool would
     * number from 1 again in the same process, and a receiver that removes duplicates by id would drop new messages.
     */
    void continueSequenceAfter(long lastId) {
        sequence.accumulateAndGet(lastId, Math::max);
    }

    /**
     * After a stop: the drops this engine counted and did not announce in-band (drop notices the server did not
     * acknowledge included), by {@link DropReason} ordinal; taken, so that they are handed on once.
     */
    long[] takeUnannounced() {
        long[] counts = new long[unannounced.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = unannounced.getAndSet(i, 0);
        }
        return counts;
    }

    /**
     * Stops accepting, lets the delivery thread drain for at most {@code shutdownTimeout} (for a successor with a
     * spool: not at all) and waits for it.
     */
    private void stop(boolean forSuccessor) {
        if (!stopAccepting()) {
            // Lowered already: by a stop under way, or by the delivery thread as it failed. Wait for that thread
            // to end as a stop does, so that what it still does (an append finishing, drop notices counted again,
            // the spool closed) is done before the caller hands anything on to a successor.
            if (Thread.currentThread() != deliveryThread) {
                try {
                    deliveryThread.join(settings.shutdownTimeout().toMillis() + 5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            closeJmx();
            return;
        }
        Duration drain = forSuccessor && spool != null ? Duration.ZERO : settings.shutdownTimeout();
        stopDeadline = settings.ticker().getAsLong() + drain.toNanos();
        stopping = true;
        LockSupport.unpark(deliveryThread);
        try {
            deliveryThread.join(drain.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeJmx();
    }

    /**
     * Lowers {@code accepting}, once: true for the thread that did. Threads blocked for room see it; an append under
     * way finishes before the delivery thread can close the spool, later ones see accepting down. So does a spool
     * being taken into use (adoptSpool): none starts after, so the spool read after this stays true.
     */
    private boolean stopAccepting() {
        if (!accepting.compareAndSet(true, false)) {
            return false;
        }
        queueLock.lock();
        try {
            notFull.signalAll();
        } finally {
            queueLock.unlock();
        }
        spoolOrder.lock();
        spoolOrder.unlock();
        return true;
    }

    private synchronized void closeJmx() {
        try {
            jmx.close();
        } catch (Exception e) {
            // unregistering is best effort
        }
        jmx = () -> { };
    }

    private void finishStop() {
        long left = Math.max(0, stopDeadline - settings.ticker().getAsLong());
        TransportEvents closing = transportEvents;
        Set<Long> sent = closing.handedBackSent;
        closing.memoryMode = spool == null;
        List<Outbound> undelivered = transport.close(Duration.ofNanos(left));
        if (undelivered == null) {
            // its I/O thread is held up: what it holds comes back below if in time, else is counted when it comes
            undelivered = List.of();
            if (spool == null) {
                lateAwaited++;
                closing.eventTimesAtClose = inFlightEventTimes();
            }
        }
        processOutcomes();
        // late hand-backs come in no more: those here go back to the queue (lost with it, or into a spool opened late);
        // one that comes later is counted as dropped when it comes (handedBackLate)
        List<LateHandBack> late;
        synchronized (lateLock) {
            late = lateHandBacks;
            lateHandBacks = null;
        }
        // drop notices the server did not acknowledge: not announced after all (see takeUnannounced)
        noticesOut.values().forEach(this::reannounce);
        noticesOut.clear();
        if (openedLate != null) {
            // opened by a retry and not taken into use yet (offers were held for answers, or the stop came first):
            // what is left in memory goes into it rather than being lost
            Map<Long, Instant> eventTimes = inFlightEventTimes();
            synchronized (inFlight) {
                inFlight.clear();
            }
            inFlightById.clear();
            requeue(undelivered, sent, eventTimes, Set.of(), new ArrayList<>());
            undelivered = List.of();
            if (late != null) {
                takeBack(late); // older than what the last transport held: ahead of it
            }
            adoptSpool(true);
        } else if (late != null) {
            takeBack(late);
        }
        if (spool == null) {
            long lost = undelivered.stream().filter(o -> o.id() != INTERNAL_ID).count();
            queueLock.lock();
            try {
                lost += queue.size();
                queue.clear();
                queuedBytes = 0;
            } finally {
                queueLock.unlock();
            }
            if (lost > 0) {
                events.dropped(DropReason.SHUTDOWN, lost);
            }
        } else {
            try {
                spool.close();
            } catch (IOException e) {
                events.spoolProblem("close failed: " + e.getMessage());
            }
        }
    }

    private Map<Long, Instant> inFlightEventTimes() {
        Map<Long, Instant> eventTimes = new HashMap<>();
        synchronized (inFlight) {
            for (InFlight f : inFlight) {
                eventTimes.put(f.seq, f.eventTime);
            }
        }
        return eventTimes;
    }

    private void closeSpoolQuietly() {
        if (spool != null) {
            try {
                spool.close();
            } catch (IOException e) {
                // the original failure is what the caller reports
            }
        }
    }

    // ------------------------------------------------------------------ health

    /** A snapshot of the engine's state and counters. */
    public Health health() {
        Instant now = settings.clock().instant();
        boolean open = settings.schedule().isOpen(now);
        TransportState ts = transport == null ? TransportState.CONNECTING : transport.state();
        DeliveryState state;
        if (!accepting.get() && !deliveryThread.isAlive()) {
            state = DeliveryState.STOPPED;
        } else if (!open) {
            state = DeliveryState.WAITING_FOR_WINDOW;
        } else if (tlsFailing || rejecting) {
            state = DeliveryState.FAILING;
        } else if (ts == TransportState.CONNECTED) {
            state = DeliveryState.DELIVERING;
        } else {
            state = DeliveryState.DISCONNECTED;
        }
        long qRecords;
        long qBytes;
        Instant oldest;
        Spool s;
        queueLock.lock();
        try {
            qRecords = queue.size();
            qBytes = queuedBytes;
            oldest = queue.isEmpty() ? null : queue.peekFirst().eventTime;
            s = spool; // with the queue: a spool taken into use meanwhile has the queue's events (see adoptSpool)
        } finally {
            queueLock.unlock();
        }
        long sRecords = 0;
        long sBytes = 0;
        if (s != null) {
            try {
                // urgent records sent at once wait in the spool for those before them, delivered: not counted
                sRecords = s.undeliveredRecords();
                sBytes = s.sizeOnDisk();
                oldest = s.oldestUndeliveredEventTime().orElse(oldest);
            } catch (IOException | RuntimeException e) {
                // a closed spool: report what is known
            }
        }
        synchronized (inFlight) {
            InFlight first = inFlight.peekFirst();
            if (first != null && (oldest == null || first.eventTime.isBefore(oldest))) {
                oldest = first.eventTime;
            }
        }
        return new Health(state, qRecords, qBytes, sRecords, sBytes,
                oldest == null ? null : Duration.between(oldest, now).isNegative() ? Duration.ZERO
                        : Duration.between(oldest, now),
                lastAcknowledgedMillis == NOT_YET ? null : Instant.ofEpochMilli(lastAcknowledgedMillis),
                open ? null : settings.schedule().nextOpening(now), counters.snapshot());
    }

    /** The live counters. */
    public Counters counters() {
        return counters;
    }

    public EngineSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ small types

    private static final class Pending {
        private static final VarHandle TAKEN;
        private static final VarHandle HELD;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                TAKEN = lookup.findVarHandle(Pending.class, "taken", boolean.class);
                HELD = lookup.findVarHandle(Pending.class, "held", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /**
         * Set by whichever path (urgent lane or regular queue) sends it first, so it is sent once. Fields with
         * VarHandles, not AtomicBooleans: a Pending is made per event on the application's thread without a spool.
         */
        @SuppressWarnings("unused") // through TAKEN
        private volatile boolean taken;
        final long seq;
        final Instant eventTime;
        final SpoolRecord record;
        /** Octets counted against the queue's byte bound: the payload's, or the event's estimate if not formatted. */
        final int size;
        /** The event until it is formatted (without a spool, on the delivery thread); then {@code null}. */
        EngineEvent event;
        /** The formatted message; {@code null} until {@link #payload(Pending)} formats {@link #event}. */
        byte[] payload;
        /** Sent to a target that failover left before acknowledging it: offering it again is a resend. */
        boolean resend;
        /** Spool mode, urgent: the lane's entry once the lane sent it. */
        InFlight sent;
        /** Spool mode, urgent: counted against {@link #MAX_URGENT_HELD} (see registerUrgent and release). */
        @SuppressWarnings("unused") // through HELD
        private volatile boolean held;

        /** Takes it for sending; false if the other path has taken it. */
        boolean take() {
            return TAKEN.compareAndSet(this, false, true);
        }

        /** Gives it back (the transport refused it). */
        void untake() {
            TAKEN.setVolatile(this, false);
        }

        boolean isTaken() {
            return (boolean) TAKEN.getVolatile(this);
        }

        /** Starts counting it against {@link #MAX_URGENT_HELD}; false if it is counted already. */
        boolean hold() {
            return HELD.compareAndSet(this, false, true);
        }

        /** Stops counting it; false if it was not counted. */
        boolean unhold() {
            return HELD.compareAndSet(this, true, false);
        }

        Pending(long seq, EngineEvent event) {
            this.seq = seq;
            this.eventTime = event.timestamp();
            this.event = event;
            this.size = event.sizeEstimate();
            this.record = null;
        }

        Pending(long seq, Instant eventTime, byte[] payload) {
            this(seq, eventTime, payload, null);
        }

        Pending(long seq, Instant eventTime, byte[] payload, SpoolRecord record) {
            this.seq = seq;
            this.eventTime = eventTime;
            this.payload = payload;
            this.size = payload.length;
            this.record = record;
        }
    }

    private static final class InFlight {
        final long seq;
        final SpoolRecord record;
        final Instant eventTime;
        final boolean urgent;
        final int size;
        boolean done;
        boolean rejected;
        /** Urgent, spool mode: the spooled record's entry, done with this one (see followsUrgentLane). */
        InFlight follower;

        InFlight(long seq, SpoolRecord record, Instant eventTime, boolean urgent, int size) {
            this.seq = seq;
            this.record = record;
            this.eventTime = eventTime;
            this.urgent = urgent;
            this.size = size;
        }
    }

    /** The outcomes of one batch of the transport's reports, in report order. */
    private static final class Outcomes {
        /** The delivery thread's own answer for a record the urgent lane already delivered. */
        static final Outcomes INTERNAL_DELIVERED = new Outcomes(new long[] {INTERNAL_ID}, null, 1);

        final long[] seqs;
        /** Whether each was refused; {@code null} if none was. */
        final boolean[] rejected;
        final int size;

        Outcomes(long[] seqs, boolean[] rejected, int size) {
            this.seqs = seqs;
            this.rejected = rejected;
            this.size = size;
        }
    }

    /**
     * Whether {@code type} has a {@code method(long)} of its own (or of a superclass), not {@link AppenderListener}'s
     * empty default.
     */
    static boolean implementsPerEvent(Class<?> type, String method) {
        try {
            return type.getMethod(method, long.class).getDeclaringClass() != AppenderListener.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    private static AppenderListener[] implementing(List<AppenderListener> listeners, String method) {
        return listeners.stream().filter(l -> implementsPerEvent(l.getClass(), method))
                .toArray(AppenderListener[]::new);
    }

    private static AppenderListener fanOut(List<AppenderListener> listeners) {
        // an array, not forEach with a lambda; accepted (on the application's thread), delivered and acknowledged
        // (on the I/O thread) run once per event, so they call only the listeners that implement them
        AppenderListener[] all = listeners.toArray(new AppenderListener[0]);
        AppenderListener[] acceptors = implementing(listeners, "accepted");
        AppenderListener[] deliveredTo = implementing(listeners, "delivered");
        AppenderListener[] acknowledgedTo = implementing(listeners, "acknowledged");
        return new AppenderListener() {
            @Override
            public void accepted(long sequenceId) {
                for (AppenderListener l : acceptors) {
                    l.accepted(sequenceId);
                }
            }

            @Override
            public void dropped(DropReason reason, long count) {
                for (AppenderListener l : all) {
                    l.dropped(reason, count);
                }
            }

            @Override
            public void warning(String target, String message) {
                for (AppenderListener l : all) {
                    l.warning(target, message);
                }
            }

            @Override
            public void truncated(long sequenceId, int originalOctets, int octets) {
                for (AppenderListener l : all) {
                    l.truncated(sequenceId, originalOctets, octets);
                }
            }

            @Override
            public void delivered(long sequenceId) {
                for (AppenderListener l : deliveredTo) {
                    l.delivered(sequenceId);
                }
            }

            @Override
            public void acknowledged(long sequenceId) {
                for (AppenderListener l : acknowledgedTo) {
                    l.acknowledged(sequenceId);
                }
            }

            @Override
            public void resent(long sequenceId) {
                for (AppenderListener l : all) {
                    l.resent(sequenceId);
                }
            }

            @Override
            public void rejected(long sequenceId, String reason) {
                for (AppenderListener l : all) {
                    l.rejected(sequenceId, reason);
                }
            }

            @Override
            public void connected(String target, boolean reconnect) {
                for (AppenderListener l : all) {
                    l.connected(target, reconnect);
                }
            }

            @Override
            public void disconnected(String target, String reason) {
                for (AppenderListener l : all) {
                    l.disconnected(target, reason);
                }
            }

            @Override
            public void tlsFailure(String target, String reason) {
                for (AppenderListener l : all) {
                    l.tlsFailure(target, reason);
                }
            }

            @Override
            public void stateChanged(DeliveryState from, DeliveryState to) {
                for (AppenderListener l : all) {
                    l.stateChanged(from, to);
                }
            }

            @Override
            public void spoolProblem(String description) {
                for (AppenderListener l : all) {
                    l.spoolProblem(description);
                }
            }
        };
    }

    /** Which target to use: {@code preferPrimary} or {@code roundRobin}, on the delivery thread. */
    /**
     * When to move to the next target: after two failed attempts in a row on the current one, while it is not
     * connected. A session counts as a success only once it proved healthy ({@link DeliveryListener#provedHealthy}: an
     * answer to a message, writes that kept moving, ...), not when it opened: a receiver that opens sessions and ends
     * each at once, or answers RELP's {@code open} and then no message until {@code ackTimeout}, would else count as
     * reachable after each session, and the engine would stay on it for ever while the next target could take
     * everything. A session that ends without that proof is a failed attempt, as a refused connect is.
     * {@link #connected}, {@link #provedHealthy} and {@link #disconnected} come on the I/O thread, {@link #decide} on
     * the delivery thread.
     */
    private static final class Failover {
        private final List<Target> targets;
        private final FailoverPolicy policy;
        private final long primaryRetryNanos;
        private final java.util.function.LongSupplier ticker;
        private int index;
        private long switchedAt;
        /** Failed attempts on the current target since a session last proved healthy there. */
        private volatile int failuresSinceProven;
        private volatile boolean connectedNow;

        Failover(List<Target> targets, FailoverPolicy policy, Duration primaryRetry,
                java.util.function.LongSupplier ticker) {
            this.targets = targets;
            this.policy = policy;
            this.primaryRetryNanos = primaryRetry.toNanos();
            this.ticker = ticker;
        }

        Target current() {
            return targets.get(index);
        }

        void connected() {
            connectedNow = true;
        }

        void provedHealthy() {
            failuresSinceProven = 0;
        }

        void disconnected() {
            connectedNow = false;
            failuresSinceProven++;
        }

        /** The target to switch to now, or {@code null} to stay. */
        Target decide(TransportState state) {
            if (targets.size() == 1) {
                return null;
            }
            long now = ticker.getAsLong();
            if (!connectedNow && failuresSinceProven >= 2) {
                // two failed attempts on this target since a session proved healthy there: try the next one
                return switchTo((index + 1) % targets.size(), now);
            }
            if (policy == FailoverPolicy.PREFER_PRIMARY && index != 0 && now - switchedAt >= primaryRetryNanos) {
                return switchTo(0, now);
            }
            return null;
        }

        private Target switchTo(int next, long now) {
            index = next;
            switchedAt = now;
            failuresSinceProven = 0;
            connectedNow = false;
            return targets.get(index);
        }
    }
}
