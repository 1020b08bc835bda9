package dev.sluice.relp.server;

import dev.sluice.transport.relp.RelpFrame;
import dev.sluice.transport.relp.RelpFrameDecoder;
import dev.sluice.transport.tls.TlsSettings;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link RelpServer} listens on and how it behaves. Immutable; made by a {@link Builder}, which both
 * {@link RelpServer#builder()} and the JUnit 5 extension {@link RelpTestServer#builder()} extend.
 */
public final class RelpServerSettings {

    /** Default address: loopback only, so a test server is never reachable from elsewhere by accident. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** Default port: 0, an ephemeral port chosen by the OS and read back with {@link RelpServer#port()}. */
    public static final int DEFAULT_PORT = 0;
    /** Default largest DATALEN accepted, in octets. */
    public static final int DEFAULT_MAX_FRAME_SIZE = RelpFrameDecoder.DEFAULT_MAX_DATA_LENGTH;
    /** Default limit of concurrent sessions. */
    public static final int DEFAULT_MAX_SESSIONS = 1024;

    private final String bindAddress;
    private final int port;
    private final int maxFrameSize;
    private final int maxSessions;
    private final TlsSettings tls;
    private final boolean recordMessages;
    private final MessageSink sink;
    private final Consumer<String> diagnostics;
    private final Duration shutdownQuietPeriod;

    private RelpServerSettings(Builder<?> b) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.maxFrameSize = b.maxFrameSize;
        this.maxSessions = b.maxSessions;
        this.tls = b.tls;
        this.recordMessages = b.recordMessages;
        this.sink = b.sink;
        this.diagnostics = b.diagnostics;
        this.shutdownQuietPeriod = b.shutdownQuietPeriod;
    }

    public String bindAddress() {
        return bindAddress;
    }

    public int port() {
        return port;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    public int maxSessions() {
        return maxSessions;
    }

    /** TLS settings, or {@code null} for plain RELP. */
    public TlsSettings tls() {
        return tls;
    }

    public boolean recordMessages() {
        return recordMessages;
    }

    /** Where each received message is also handed, or {@code null}. */
    public MessageSink sink() {
        return sink;
    }

    /** Where the server's own diagnostics (TLS failures, protocol errors, warnings) go. */
    public Consumer<String> diagnostics() {
        return diagnostics;
    }

    Duration shutdownQuietPeriod() {
        return shutdownQuietPeriod;
    }

    /**
     * Builder shared by the standalone server and the JUnit extension.
     *
     * @param <B> the concrete builder type, for chaining
     */
    public abstract static class Builder<B extends Builder<B>> {
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int port = DEFAULT_PORT;
        private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        private int maxSessions = DEFAULT_MAX_SESSIONS;
        private TlsSettings tls;
        private boolean recordMessages = true;
        private MessageSink sink;
        private Consumer<String> diagnostics = message -> { };
        private Duration shutdownQuietPeriod = Duration.ZERO;

        protected Builder() {
        }

        protected abstract B self();

        /** Address to bind, {@value #DEFAULT_BIND_ADDRESS} by default; {@code 0.0.0.0} for every interface. */
        public B bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return self();
        }

        /** Port to bind; 0 (the default) lets the OS choose. */
        public B port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
            this.port = port;
            return self();
        }

        /**
         * Largest DATALEN accepted, in octets, 1 to {@value RelpFrame#MAX_DATA_LENGTH} (RELP's nine digits; checked
         * here, as the decoder that checks it too is only made per session); larger frames are refused with an error
         * and the session closed.
         */
        public B maxFrameSize(int maxFrameSize) {
            if (maxFrameSize < 1 || maxFrameSize > RelpFrame.MAX_DATA_LENGTH) {
                throw new IllegalArgumentException("maxFrameSize: " + maxFrameSize + " (expected: 1-"
                        + RelpFrame.MAX_DATA_LENGTH + ")");
            }
            this.maxFrameSize = maxFrameSize;
            return self();
        }

        /** Largest number of concurrent sessions; one more is refused at once. */
        public B maxSessions(int maxSessions) {
            if (maxSessions < 1) {
                throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: >= 1)");
            }
            this.maxSessions = maxSessions;
            return self();
        }

        /** Serve RELP over TLS with these settings (mutual authentication unless {@code anon}). */
        public B tls(TlsSettings tls) {
            this.tls = tls;
            return self();
        }

        /**
         * Whether received messages are kept in memory for {@link RelpServer#messages()} (default {@code true}).
         * Turn it off for long runs that only count or hand messages to a {@link #sink(MessageSink)}.
         */
        public B recordMessages(boolean recordMessages) {
            this.recordMessages = recordMessages;
            return self();
        }

        /** Also hand every received message to this sink, before it is acknowledged. */
        public B sink(MessageSink sink) {
            this.sink = sink;
            return self();
        }

        /** Where the server's own diagnostics go; silent by default. */
        public B diagnostics(Consumer<String> diagnostics) {
            this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
            return self();
        }

        protected RelpServerSettings settings() {
            return new RelpServerSettings(this);
        }
    }
}
