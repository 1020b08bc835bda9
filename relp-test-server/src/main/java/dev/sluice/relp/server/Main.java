package dev.sluice.relp.server;

import dev.sluice.transport.relp.RelpFrame;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsSettings;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Command line: {@code java -jar sluice-relp-test-server.jar --port 2514 [--bind ADDR] [--tls --ca FILE
 * --cert FILE --key FILE [--key-password PW] [--auth-mode MODE] [--permitted-peer NAME]…] [--max-frame N]
 * [--out FILE]}.
 *
 * <p>Prints each received message as one line (CR, LF and backslash escaped) to standard output, or appends
 * it to {@code --out}, flushed before the message is acknowledged, so a killed server loses nothing it
 * acknowledged. A running count goes to standard error once a second while it changes.
 */
public final class Main {

    static final String USAGE = """
            usage: java -jar sluice-relp-test-server.jar [options]
              --port N               port to listen on (default 2514; 0 picks a free port)
              --bind ADDR            address to bind (default 127.0.0.1; 0.0.0.0 for all)
              --tls                  serve RELP over TLS (needs --cert and --key, and --ca unless --auth-mode anon)
              --ca FILE              PEM file of the CA(s) that sign client certificates
              --cert FILE            PEM certificate (chain) of this server
              --key FILE             PEM private key of this server
              --key-password PW      password of an encrypted key
              --auth-mode MODE       x509/name (default), x509/fingerprint, x509/certvalid or anon
              --permitted-peer P     client name (wildcards *.example.com) or SHA256:… fingerprint; repeatable
              --max-frame N          largest accepted DATALEN in octets, 1-999999999 (default 131072)
              --out FILE             append one line per received message to FILE instead of standard output
              --help                 this text
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int status = run(args, System.out, System.err, new CountDownLatch(1));
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs the server until {@code stop} is counted down or the JVM shuts down.
     *
     * @return the process exit status
     */
    static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (options.help) {
            out.print(USAGE);
            return 0;
        }
        LineSink sink;
        try {
            sink = new LineSink(options.out == null ? out
                    : Files.newOutputStream(options.out, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE));
        } catch (IOException e) {
            err.println("error: --out " + options.out + ": cannot be written: " + e);
            return 1;
        }
        RelpServer.Builder builder = RelpServer.builder()
                .port(options.port)
                .bindAddress(options.bind)
                .maxFrameSize(options.maxFrame)
                .recordMessages(false)
                .sink(sink)
                .diagnostics(message -> err.println("relp-test-server: " + message));
        RelpServer server;
        try {
            if (options.tls) {
                builder.tls(options.tlsSettings());
            }
            server = builder.build().start();
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        err.println("relp-test-server: listening on " + options.bind + ":" + server.port()
                + (options.tls ? " (TLS)" : "") + (options.out != null ? ", writing to " + options.out : ""));
        Thread hook = new Thread(() -> {
            server.close();
            sink.closeQuietly();
            stop.countDown();
        }, "sluice-relp-test-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-relp-test-server-count");
            t.setDaemon(true);
            return t;
        });
        long[] last = {-1};
        ticker.scheduleAtFixedRate(() -> {
            long count = server.messageCount();
            if (count != last[0]) {
                last[0] = count;
                err.println("relp-test-server: received " + count + " messages, " + server.activeSessions()
                        + " sessions open");
            }
        }, 1, 1, TimeUnit.SECONDS);
        try {
            stop.await();
        } finally {
            ticker.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                server.close();
                sink.closeQuietly();
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and closes everything
            }
        }
        return 0;
    }

    /** Writes each message as one line; flushed before acks. Runs on I/O threads, so it synchronizes. */
    static final class LineSink implements MessageSink {
        private final OutputStream out;

        LineSink(OutputStream out) {
            this.out = new BufferedOutputStream(out, 64 * 1024);
        }

        @Override
        public synchronized void accept(ReceivedMessage message) throws IOException {
            out.write(escape(message.text()).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }

        @Override
        public synchronized void flush() throws IOException {
            out.flush();
        }

        synchronized void closeQuietly() {
            try {
                out.flush();
            } catch (IOException e) {
                // nothing more to do at shutdown
            }
        }

        static String escape(String text) {
            StringBuilder sb = null;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                String replacement = switch (c) {
                    case '\\' -> "\\\\";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    default -> null;
                };
                if (replacement != null && sb == null) {
                    sb = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                if (sb != null) {
                    if (replacement != null) {
                        sb.append(replacement);
                    } else {
                        sb.append(c);
                    }
                }
            }
            return sb == null ? text : sb.toString();
        }
    }

    static final class Options {
        int port = 2514;
        String bind = RelpServerSettings.DEFAULT_BIND_ADDRESS;
        boolean tls;
        Path ca;
        Path cert;
        Path key;
        String keyPassword;
        String authMode = AuthMode.X509_NAME.configName();
        final List<String> permittedPeers = new ArrayList<>();
        int maxFrame = RelpServerSettings.DEFAULT_MAX_FRAME_SIZE;
        Path out;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--help", "-h" -> o.help = true;
                    case "--tls" -> o.tls = true;
                    case "--port" -> o.port = intValue(arg, value(args, ++i, arg), 0, 65535);
                    case "--bind" -> o.bind = value(args, ++i, arg);
                    case "--ca" -> o.ca = Path.of(value(args, ++i, arg));
                    case "--cert" -> o.cert = Path.of(value(args, ++i, arg));
                    case "--key" -> o.key = Path.of(value(args, ++i, arg));
                    case "--key-password" -> o.keyPassword = value(args, ++i, arg);
                    case "--auth-mode" -> o.authMode = value(args, ++i, arg);
                    case "--permitted-peer" -> o.permittedPeers.add(value(args, ++i, arg));
                    // RELP's DATALEN has at most 9 digits: a larger limit would fail every session as it is set up
                    case "--max-frame" -> o.maxFrame = intValue(arg, value(args, ++i, arg), 1,
                            RelpFrame.MAX_DATA_LENGTH);
                    case "--out" -> o.out = Path.of(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown option: " + arg);
                }
            }
            if (!o.tls && (o.ca != null || o.cert != null || o.key != null || !o.permittedPeers.isEmpty())) {
                throw new IllegalArgumentException("--ca, --cert, --key and --permitted-peer need --tls");
            }
            return o;
        }

        TlsSettings tlsSettings() {
            TlsSettings.Builder b = TlsSettings.builder().authMode(AuthMode.parse(authMode));
            if (ca != null) {
                b.caFile(ca);
            }
            if (cert != null) {
                b.certFile(cert);
            }
            if (key != null) {
                b.keyFile(key);
            }
            if (keyPassword != null) {
                b.keyPassword(keyPassword);
            }
            if (!permittedPeers.isEmpty()) {
                b.permittedPeers(permittedPeers);
            }
            return b.build();
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int intValue(String option, String value, int min, int max) {
            try {
                int v = Integer.parseInt(value);
                if (v < min || v > max) {
                    throw new IllegalArgumentException(option + ": " + value + " (expected: " + min + "-" + max + ")");
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": " + value + " (expected: a number)");
            }
        }
    }
}
