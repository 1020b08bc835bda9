package dev.sluice.relp.server;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.List;

/**
 * JUnit 5 extension over a {@link RelpServer}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static RelpTestServer server = RelpTestServer.builder().build();
 *
 * @Test
 * void deliversOverRelp() {
 *     // point the appender at "relp://127.0.0.1:" + server.port()
 *     List<ReceivedMessage> received = server.awaitMessages(10, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Registered in a {@code static} field, the server starts before the first test of the class and closes
 * after the last; before each test its recorded messages are cleared and its faults reset, and it is started
 * again if a test left it stopped. Registered in an instance field, each test gets a fresh server.
 */
public final class RelpTestServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final RelpServer server;
    private boolean perClass;

    private RelpTestServer(RelpServerSettings settings) {
        this.server = new RelpServer(settings);
    }

    /** A builder; see {@link RelpServerSettings.Builder} for the options. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perClass) {
            server.faults().reset();
            server.clear();
        }
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            server.close();
        }
    }

    /** The server itself, for everything not repeated here. */
    public RelpServer server() {
        return server;
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** {@code relp://127.0.0.1:port}, or {@code relp+tls://localhost:port} with TLS. */
    public String target() {
        return server.settings().tls() == null
                ? "relp://" + server.settings().bindAddress() + ":" + port()
                : "relp+tls://localhost:" + port();
    }

    /** @see RelpServer#awaitMessages(int, Duration) */
    public List<ReceivedMessage> awaitMessages(int count, Duration timeout) {
        return server.awaitMessages(count, timeout);
    }

    /** @see RelpServer#messages() */
    public List<ReceivedMessage> messages() {
        return server.messages();
    }

    /** @see RelpServer#clear() */
    public void clear() {
        server.clear();
    }

    /** @see RelpServer#faults() */
    public Faults faults() {
        return server.faults();
    }

    /** @see RelpServer#stop() */
    public void stop() {
        server.stop();
    }

    /** @see RelpServer#kill() */
    public void kill() {
        server.kill();
    }

    /** @see RelpServer#start() */
    public void start() {
        server.start();
    }

    /** @see RelpServer#restart() */
    public void restart() {
        server.restart();
    }

    /** Builder of the extension. */
    public static final class Builder extends RelpServerSettings.Builder<Builder> {
        Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        public RelpTestServer build() {
            return new RelpTestServer(settings());
        }
    }
}
