package dev.sluice.transport.net;

import dev.sluice.transport.syslog.Framing;

import dev.sluice.transport.tls.TlsSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How a {@link SyslogTransport} connects and delivers. Immutable; made by {@link #builder()}, which checks each
 * value and names the option in its error.
 */
public final class TransportSettings {

    /** Default {@code connectTimeout}: 5 seconds for TCP connect, TLS handshake and RELP {@code open} each. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Default {@code ackTimeout}: 30 seconds without any RELP answer while frames are unacknowledged, or (TCP, TLS)
     * without any octet written while octets wait to be.
     */
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@code reconnectDelay}: the largest delay between connection attempts, 30 seconds. */
    public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofSeconds(30);
    /**
     * Default {@code initialReconnectDelay}: the ceiling of the first delay after a lost session, 500
     * milliseconds (drawn from 100 to 500 ms, then doubling up to {@code reconnectDelay}; see {@link Backoff}).
     */
    public static final Duration DEFAULT_INITIAL_RECONNECT_DELAY = Duration.ofMillis(500);
    /** Default {@code windowSize}: 128 RELP frames sent and not yet answered. */
    public static final int DEFAULT_WINDOW_SIZE = 128;
    /** Default {@code framing} of TCP and TLS targets: octet counting. */
    public static final Framing DEFAULT_FRAMING = Framing.OCTET_COUNTING;
    /** Default {@code rebindInterval}: 0 messages, off. */
    public static final int DEFAULT_REBIND_INTERVAL = 0;
    /** Default {@code connectionTtl}: zero, off. */
    public static final Duration DEFAULT_CONNECTION_TTL = Duration.ZERO;
    /** Default {@code maxRejectAttempts}: a message answered {@code 500} is retried 3 times, then given up. */
    public static final int DEFAULT_MAX_REJECT_ATTEMPTS = 3;
    /** Default {@code maxPending}: 8192 messages held by a transport before {@code offer} says no. */
    public static final int DEFAULT_MAX_PENDING = 8192;

    /** Largest {@code windowSize}, in frames. */
    public static final int MAX_WINDOW_SIZE = 65_536;

    private final Duration connectTimeout;
    private final Duration ackTimeout;
    private final Duration reconnectDelay;
    private final Duration initialReconnectDelay;
    private final int windowSize;
    private final Framing framing;
    private final TlsSettings tls;
    private final int rebindInterval;
    private final Duration connectionTtl;
    private final int maxRejectAttempts;
    private final int maxPending;
    private final Clock clock;
    private final LongSupplier ticker;
    private final Supplier<Backoff> backoff;
    private final HostResolver resolver;

    private TransportSettings(Builder b) {
        connectTimeout = b.connectTimeout;
        ackTimeout = b.ackTimeout;
        reconnectDelay = b.reconnectDelay;
        initialReconnectDelay = b.initialReconnectDelay;
        windowSize = b.windowSize;
        framing = b.framing;
        tls = b.tls;
        rebindInterval = b.rebindInterval;
        connectionTtl = b.connectionTtl;
        maxRejectAttempts = b.maxRejectAttempts;
        maxPending = b.maxPending;
        clock = b.clock;
        ticker = b.ticker;
        backoff = b.backoff;
        resolver = b.resolver;
    }

    /** Settings with every default; TLS targets need {@link Builder#tls(TlsSettings)}. */
    public static TransportSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.connectTimeout = connectTimeout;
        b.ackTimeout = ackTimeout;
        b.reconnectDelay = reconnectDelay;
        b.initialReconnectDelay = initialReconnectDelay;
        b.windowSize = windowSize;
        b.framing = framing;
        b.tls = tls;
        b.rebindInterval = rebindInterval;
        b.connectionTtl = connectionTtl;
        b.maxRejectAttempts = maxRejectAttempts;
        b.maxPending = maxPending;
        b.clock = clock;
        b.ticker = ticker;
        b.backoff = backoff;
        b.resolver = resolver;
        return b;
    }

    /** Longest wait for each of TCP connect, TLS handshake and the answer to RELP {@code open}. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * A session is dead, closed and reopened, when for this long: RELP, frames are unanswered and no answer came; TCP
     * and TLS, octets wait to be written and none could be (the receiver stopped reading, or is gone).
     */
    public Duration ackTimeout() {
        return ackTimeout;
    }

    /** Largest delay between connection attempts. */
    public Duration reconnectDelay() {
        return reconnectDelay;
    }

    /** Ceiling of the first delay between connection attempts. */
    public Duration initialReconnectDelay() {
        return initialReconnectDelay;
    }

    /** RELP: frames sent and not yet answered, at most. */
    public int windowSize() {
        return windowSize;
    }

    /** TCP and TLS: how messages are delimited. */
    public Framing framing() {
        return framing;
    }

    /** TLS options, required by {@code tls://} and {@code relp+tls://} targets. */
    public Optional<TlsSettings> tls() {
        return Optional.ofNullable(tls);
    }

    /** Open a new session after this many messages (for load balancers); 0 is off. */
    public int rebindInterval() {
        return rebindInterval;
    }

    /**
     * How long one connection may be used before it is ended cleanly and a new one opened (for load balancers);
     * zero is off. RELP waits for the outstanding acks first, so nothing is resent because of it.
     */
    public Duration connectionTtl() {
        return connectionTtl;
    }

    /** RELP: times a message answered {@code 500} is sent again before it is given up as rejected. */
    public int maxRejectAttempts() {
        return maxRejectAttempts;
    }

    /** Messages a transport holds (offered, not delivered or rejected) before {@code offer} returns false. */
    public int maxPending() {
        return maxPending;
    }

    /** Clock for certificate validity checks. */
    public Clock clock() {
        return clock;
    }

    /** Source of {@link System#nanoTime()}-like readings for timeouts. */
    public LongSupplier ticker() {
        return ticker;
    }

    /** A new {@link Backoff} for one transport. */
    public Backoff newBackoff() {
        return backoff != null ? backoff.get() : Backoff.exponential(initialReconnectDelay, reconnectDelay);
    }

    /** How the target's host name is looked up. */
    public HostResolver resolver() {
        return resolver;
    }

    @Override
    public String toString() {
        return "TransportSettings{connectTimeout=" + connectTimeout + ", ackTimeout=" + ackTimeout
                + ", reconnectDelay=" + reconnectDelay + ", initialReconnectDelay=" + initialReconnectDelay
                + ", windowSize=" + windowSize + ", framing=" + framing + ", rebindInterval=" + rebindInterval + ", connectionTtl=" + connectionTtl
                + ", maxRejectAttempts=" + maxRejectAttempts + ", maxPending=" + maxPending
                + (tls != null ? ", tls=" + tls : "") + "}";
    }

    /** Collects options; each setter checks its value. Not thread-safe. */
    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
        private Duration reconnectDelay = DEFAULT_RECONNECT_DELAY;
        private Duration initialReconnectDelay = DEFAULT_INITIAL_RECONNECT_DELAY;
        private int windowSize = DEFAULT_WINDOW_SIZE;
        private Framing framing = DEFAULT_FRAMING;
        private TlsSettings tls;
        private int rebindInterval = DEFAULT_REBIND_INTERVAL;
        private Duration connectionTtl = DEFAULT_CONNECTION_TTL;
        private int maxRejectAttempts = DEFAULT_MAX_REJECT_ATTEMPTS;
        private int maxPending = DEFAULT_MAX_PENDING;
        private Clock clock = Clock.systemUTC();
        private LongSupplier ticker = System::nanoTime;
        private Supplier<Backoff> backoff;
        private HostResolver resolver = HostResolver.system();

        private Builder() {
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout);
            return this;
        }

        public Builder ackTimeout(Duration ackTimeout) {
            this.ackTimeout = positive("ackTimeout", ackTimeout);
            return this;
        }

        public Builder reconnectDelay(Duration reconnectDelay) {
            this.reconnectDelay = positive("reconnectDelay", reconnectDelay);
            return this;
        }

        public Builder initialReconnectDelay(Duration initialReconnectDelay) {
            this.initialReconnectDelay = positive("initialReconnectDelay", initialReconnectDelay);
            return this;
        }

        public Builder windowSize(int windowSize) {
            this.windowSize = range("windowSize", windowSize, 1, MAX_WINDOW_SIZE);
            return this;
        }

        public Builder framing(Framing framing) {
            this.framing = Objects.requireNonNull(framing, "framing");
            return this;
        }

        /** TLS options; {@code null} for none. */
        public Builder tls(TlsSettings tls) {
            this.tls = tls;
            return this;
        }

        public Builder rebindInterval(int rebindInterval) {
            this.rebindInterval = range("rebindInterval", rebindInterval, 0, Integer.MAX_VALUE);
            return this;
        }

        public Builder connectionTtl(Duration connectionTtl) {
            Objects.requireNonNull(connectionTtl, "connectionTtl");
            if (connectionTtl.isNegative()) {
                throw new IllegalArgumentException("connectionTtl: " + connectionTtl + " (expected: >= 0)");
            }
            this.connectionTtl = connectionTtl;
            return this;
        }

        public Builder maxRejectAttempts(int maxRejectAttempts) {
            this.maxRejectAttempts = range("maxRejectAttempts", maxRejectAttempts, 0, 1000);
            return this;
        }

        public Builder maxPending(int maxPending) {
            this.maxPending = range("maxPending", maxPending, 1, Integer.MAX_VALUE / 2);
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

        /** Where each transport gets its {@link Backoff}; by default exponential from the two delays above. */
        public Builder backoff(Supplier<Backoff> backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** How host names are looked up; by default {@link HostResolver#system()}, the JDK's lookup. */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * @throws IllegalArgumentException if {@code initialReconnectDelay} is longer than {@code reconnectDelay}
         */
        public TransportSettings build() {
            if (initialReconnectDelay.compareTo(reconnectDelay) > 0) {
                throw new IllegalArgumentException("initialReconnectDelay: " + initialReconnectDelay
                        + " (expected: <= reconnectDelay " + reconnectDelay + ")");
            }
            return new TransportSettings(this);
        }

        private static Duration positive(String option, Duration value) {
            Objects.requireNonNull(value, option);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(option + ": " + value + " (expected: > 0)");
            }
            return value;
        }

        private static int range(String option, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(option + ": " + value + " (expected: " + min + "-" + max + ")");
            }
            return value;
        }
    }
}
