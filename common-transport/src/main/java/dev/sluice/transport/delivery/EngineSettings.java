package dev.sluice.transport.delivery;

import dev.sluice.transport.health.AppenderListener;
import dev.sluice.transport.health.Diagnostics;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.syslog.SyslogEncoder;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Everything a {@link DeliveryEngine} needs, already parsed and checked: the typed form of one appender's
 * configuration. Immutable. Front-ends do not build it option by option; they hand the option strings to the
 * core's config model, which builds this.
 */
public final class EngineSettings {

    /** Default {@code queueCapacity}: events held in memory. */
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    /** Default {@code shutdownTimeout}: how long {@code stop()} may drain. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@code heartbeat}: off. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ZERO;
    /** Default {@code primaryRetry}: how long {@code preferPrimary} stays on a secondary before trying the first. */
    public static final Duration DEFAULT_PRIMARY_RETRY = Duration.ofMinutes(5);
    /** Default {@code connectionTtl}: off. */
    public static final Duration DEFAULT_CONNECTION_TTL = Duration.ZERO;

    private final String name;
    private final List<Target> targets;
    private final TransportSettings transport;
    private final SyslogEncoder encoder;
    private final boolean sequenceIds;
    private final int queueCapacity;
    private final OverflowPolicy overflow;
    private final SpoolConfig spool;
    private final DeliverySchedule schedule;
    private final UrgencyPolicy urgency;
    private final long maxBytesPerSecond;
    private final Duration heartbeat;
    private final Duration shutdownTimeout;
    private final FailoverPolicy failover;
    private final Duration primaryRetry;
    private final Duration connectionTtl;
    private final Clock clock;
    private final LongSupplier ticker;
    private final AppenderListener listener;
    private final Diagnostics diagnostics;
    private final String options;

    private EngineSettings(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        if (b.targets == null || b.targets.isEmpty()) {
            throw new IllegalArgumentException("target: required (expected: udp://, tcp://, tls://, relp:// or "
                    + "relp+tls:// host:port, or a comma-separated list of them)");
        }
        this.targets = List.copyOf(b.targets);
        this.transport = b.transport;
        this.encoder = b.encoder;
        this.sequenceIds = b.sequenceIds;
        this.queueCapacity = b.queueCapacity;
        this.overflow = b.overflow;
        this.spool = b.spool;
        this.schedule = b.schedule;
        this.urgency = b.urgency;
        this.maxBytesPerSecond = b.maxBytesPerSecond;
        this.heartbeat = b.heartbeat;
        this.shutdownTimeout = b.shutdownTimeout;
        this.failover = b.failover;
        this.primaryRetry = b.primaryRetry;
        this.connectionTtl = b.connectionTtl;
        this.clock = b.clock;
        this.ticker = b.ticker;
        this.listener = b.listener;
        this.diagnostics = b.diagnostics;
        this.options = b.options;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The appender's name, for status messages and JMX. */
    public String name() {
        return name;
    }

    /** The targets in failover order; at least one. */
    public List<Target> targets() {
        return targets;
    }

    public TransportSettings transport() {
        return transport;
    }

    /** Formatting: format, framing escapes, {@code maxMessageSize}. */
    public SyslogEncoder encoder() {
        return encoder;
    }

    /** Whether each message carries {@code [meta sequenceId="n"]}. */
    public boolean sequenceIds() {
        return sequenceIds;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public OverflowPolicy overflow() {
        return overflow;
    }

    /** The spool, or {@code null} for memory only. */
    public SpoolConfig spool() {
        return spool;
    }

    public DeliverySchedule schedule() {
        return schedule;
    }

    public UrgencyPolicy urgency() {
        return urgency;
    }

    /** Cap on delivery bandwidth in octets per second; 0 is no cap. */
    public long maxBytesPerSecond() {
        return maxBytesPerSecond;
    }

    /** Interval of heartbeat messages while idle; zero is off. */
    public Duration heartbeat() {
        return heartbeat;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public FailoverPolicy failover() {
        return failover;
    }

    public Duration primaryRetry() {
        return primaryRetry;
    }

    /** Reconnect after this long on one connection (load balancers); zero is off. */
    public Duration connectionTtl() {
        return connectionTtl;
    }

    public Clock clock() {
        return clock;
    }

    /** Monotonic nanoseconds, for rate limits and waits. */
    public LongSupplier ticker() {
        return ticker;
    }

    /** A listener of the user's, besides the engine's own counters and status reports. */
    public AppenderListener listener() {
        return listener;
    }

    /**
     * A digest of the options these settings were made from, as written in the configuration file, or {@code null}
     * when they were built in code. Two settings of one appender name with other options are two configurations
     * of it: see {@link DeliveryEngines}.
     */
    public String options() {
        return options;
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }

    /** Builder; every field starts at its documented default. */
    public static final class Builder {
        private final String name;
        private List<Target> targets;
        private TransportSettings transport = TransportSettings.defaults();
        private SyslogEncoder encoder = SyslogEncoder.builder().build();
        private boolean sequenceIds = true;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private OverflowPolicy overflow = OverflowPolicy.DEFAULT;
        private SpoolConfig spool;
        private DeliverySchedule schedule = DeliverySchedule.always();
        private UrgencyPolicy urgency = UrgencyPolicy.none();
        private long maxBytesPerSecond;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private FailoverPolicy failover = FailoverPolicy.DEFAULT;
        private Duration primaryRetry = DEFAULT_PRIMARY_RETRY;
        private Duration connectionTtl = DEFAULT_CONNECTION_TTL;
        private Clock clock = Clock.systemUTC();
        private LongSupplier ticker = System::nanoTime;
        private AppenderListener listener = new AppenderListener() { };
        private Diagnostics diagnostics = Diagnostics.NONE;
        private String options;

        private Builder(String name) {
            this.name = name;
        }

        public Builder targets(List<Target> targets) {
            this.targets = targets;
            return this;
        }

        public Builder transport(TransportSettings transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        public Builder encoder(SyslogEncoder encoder) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            return this;
        }

        public Builder sequenceIds(boolean sequenceIds) {
            this.sequenceIds = sequenceIds;
            return this;
        }

        public Builder queueCapacity(int queueCapacity) {
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
            }
            this.queueCapacity = queueCapacity;
            return this;
        }

        public Builder overflow(OverflowPolicy overflow) {
            this.overflow = Objects.requireNonNull(overflow, "overflow");
            return this;
        }

        public Builder spool(SpoolConfig spool) {
            this.spool = spool;
            return this;
        }

        public Builder schedule(DeliverySchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        public Builder urgency(UrgencyPolicy urgency) {
            this.urgency = Objects.requireNonNull(urgency, "urgency");
            return this;
        }

        public Builder maxBytesPerSecond(long maxBytesPerSecond) {
            if (maxBytesPerSecond < 0) {
                throw new IllegalArgumentException("maxBytesPerSecond: " + maxBytesPerSecond + " (expected: >= 0)");
            }
            this.maxBytesPerSecond = maxBytesPerSecond;
            return this;
        }

        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = nonNegative("heartbeat", heartbeat);
            return this;
        }

        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = nonNegative("shutdownTimeout", shutdownTimeout);
            return this;
        }

        public Builder failover(FailoverPolicy failover) {
            this.failover = Objects.requireNonNull(failover, "failover");
            return this;
        }

        public Builder primaryRetry(Duration primaryRetry) {
            this.primaryRetry = nonNegative("primaryRetry", primaryRetry);
            if (primaryRetry.isZero()) {
                // back to the primary on the next pass after every switch away from it: the engine would flap
                throw new IllegalArgumentException("primaryRetry: " + primaryRetry + " (expected: > 0)");
            }
            return this;
        }

        public Builder connectionTtl(Duration connectionTtl) {
            this.connectionTtl = nonNegative("connectionTtl", connectionTtl);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        public Builder listener(AppenderListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Builder diagnostics(Diagnostics diagnostics) {
            this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
            return this;
        }

        /** @see EngineSettings#options() */
        public Builder options(String options) {
            this.options = options;
            return this;
        }

        public EngineSettings build() {
            return new EngineSettings(this);
        }

        private static Duration nonNegative(String option, Duration value) {
            Objects.requireNonNull(value, option);
            if (value.isNegative()) {
                throw new IllegalArgumentException(option + ": " + value + " (expected: >= 0)");
            }
            return value;
        }
    }
}
