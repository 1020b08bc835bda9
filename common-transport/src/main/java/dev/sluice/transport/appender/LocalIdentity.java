package dev.sluice.transport.appender;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The defaults of {@code appName} and {@code hostname}, discovered once per JVM.
 *
 * <p><b>appName</b>: the system property {@value #APP_NAME_PROPERTY} (set by Spring Boot applications that name
 * themselves), else the simple name of the main class from {@code sun.java.command} ({@code com.acme.Billing} →
 * {@code Billing}; {@code -jar billing-2.1.jar} → {@code billing-2.1}), else {@value #FALLBACK_APP_NAME}.
 *
 * <p><b>hostname</b>: the local host's name as the resolver gives it ({@link InetAddress#getLocalHost()}), looked
 * up once, on a daemon thread, waiting at most {@link #HOSTNAME_TIMEOUT_MILLIS} ms, so that a slow DNS does not hold
 * up the application's start. When the lookup fails or is too slow: the environment's {@code HOSTNAME} or
 * {@code COMPUTERNAME}, else {@value #FALLBACK_HOSTNAME}.
 */
public final class LocalIdentity {

    /** System property read first for {@code appName}. */
    public static final String APP_NAME_PROPERTY = "spring.application.name";
    /** {@code appName} when nothing better is known. */
    public static final String FALLBACK_APP_NAME = "java";
    /** {@code hostname} when nothing better is known. */
    public static final String FALLBACK_HOSTNAME = "localhost";
    /** Longest wait for the host-name lookup, in milliseconds. */
    public static final long HOSTNAME_TIMEOUT_MILLIS = 2000;

    private static volatile String hostname;

    private LocalIdentity() {
    }

    /** The default {@code appName}; read each time, as the system property may be set late. */
    public static String appName() {
        return appName(System::getProperty);
    }

    static String appName(Function<String, String> properties) {
        String name = properties.apply(APP_NAME_PROPERTY);
        if (name != null && !name.isBlank()) {
            return name.strip();
        }
        String command = properties.apply("sun.java.command");
        if (command != null && !command.isBlank()) {
            String main = command.strip().split("\\s+", 2)[0];
            if (main.endsWith(".jar")) {
                String file = Path.of(main).getFileName().toString();
                return file.substring(0, file.length() - ".jar".length());
            }
            int dot = main.lastIndexOf('.');
            String simple = main.substring(dot + 1);
            int slash = simple.lastIndexOf('/'); // module/class form
            simple = simple.substring(slash + 1);
            if (!simple.isEmpty()) {
                return simple;
            }
        }
        return FALLBACK_APP_NAME;
    }

    /** The default {@code hostname}, looked up on first use and then kept. */
    public static String hostname() {
        String h = hostname;
        if (h == null) {
            synchronized (LocalIdentity.class) {
                h = hostname;
                if (h == null) {
                    h = lookUpHostname();
                    hostname = h;
                }
            }
        }
        return h;
    }

    private static String lookUpHostname() {
        CompletableFuture<String> lookup = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                lookup.complete(InetAddress.getLocalHost().getHostName());
            } catch (Exception | Error e) {
                lookup.completeExceptionally(e);
            }
        }, "sluice-hostname");
        t.setDaemon(true);
        t.start();
        try {
            String name = lookup.get(HOSTNAME_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            if (name != null && !name.isBlank()) {
                return name;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // fall through to the environment
        }
        for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String name = System.getenv(variable);
            if (name != null && !name.isBlank()) {
                return name.strip();
            }
        }
        return FALLBACK_HOSTNAME;
    }
}
