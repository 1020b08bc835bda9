package dev.sluice.benchmarks.e2e;

import com.teragrep.rlp_01.RelpBatch;
import com.teragrep.rlp_01.RelpConnection;

import dev.sluice.relp.server.RelpServer;
import dev.sluice.relp.server.TestCertificates;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsSettings;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * End-to-end throughput on loopback: N messages of ~200 octets, timed from the first send until the receiver has
 * counted all N. Not JMH: one shot per scenario after a warm-up of its own (same sender, same receiver), so the
 * figure includes the drain at the end, as a user would see it.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -Xmx2g -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     dev.sluice.benchmarks.e2e.EndToEnd [--count 1000000] [--warmup 100000] [--min-warmup-seconds 10] [--repeat 1] \
 *     [--same-jvm] [scenario ...]
 * </pre>
 *
 * Each scenario runs in a JVM of its own (started with this JVM's options) unless {@code --same-jvm} is given, and
 * warms up in rounds of {@code --warmup} messages until the JIT compiler threads were busy for under 10 % of a round
 * and at least {@code --min-warmup-seconds} (default 10) have passed (at most 40 rounds): the JIT can be quiet for a
 * round and still compile a hot path later (the JDK's AES-GCM code of the TLS scenarios reached C2, and its
 * intrinsics, only 6-7 s into the run, after a quiet round had ended the warm-up). {@code --repeat n} runs the list of scenarios n times over, interleaved (a, b, a, b, ...), each
 * time in fresh JVMs, and reports each scenario's median and range: on a small machine identical runs differ by up
 * to 2x (the JIT's choices), so one run per scenario says little.
 *
 * Scenarios ({@code all} when none is given): {@code sluice-relp}, {@code sluice-relp-tls}, {@code sluice-tcp},
 * {@code sluice-tls}, {@code log4j2-syslog-tcp}, {@code log4j2-syslog-ssl}, {@code rlp01-relp},
 * {@code sluice-relp-rsyslog}, {@code rlp01-rsyslog}, {@code omrelp-rsyslog}, {@code imptcp-rsyslog}.
 * "sluice-*" go through the Log4j2 {@code RemoteSyslog} appender (logger.info on one thread, overflow=block,
 * no spool) and so through the delivery engine; "rlp01-*" send pre-formatted lines with Teragrep rlp_01's batch
 * API, 1,024 per {@code commit}, so {@code sluice-relp} against {@code rlp01-relp} compares two clients on the same
 * kind of receiver; {@code sluice-relp-window1024} is {@code sluice-relp} with {@code windowSize="1024"} (the default is
 * 128), as many unacknowledged messages as rlp_01 has per commit, and {@code sluice-relp-windowN} any other window
 * (not in {@code all}; {@code sluice-relp-tls-windowN} the same over TLS). The receivers are the RELP test
 * server with
 * {@code recordMessages(false)}, a plain/TLS LF line counter, or a private rsyslogd (imrelp/imptcp → omfile
 * writing 2 octets per message, counted by file size).
 */
public final class EndToEnd {

    /** {@code sluice-relp-window256}, {@code sluice-relp-tls-window1024} and the like: with that {@code windowSize}. */
    private static final Pattern WINDOWED = Pattern.compile("sluice-relp(-tls)?-window(\\d+)");

    private static final String BODY_PAD;

    static {
        char[] pad = new char[54];
        Arrays.fill(pad, 'x');
        BODY_PAD = new String(pad);
    }

    private final int count;
    private final int warmup;
    private final Path work;
    private final Map<String, double[]> results = new LinkedHashMap<>();
    private TestCertificates.PemFiles serverPem;
    private TestCertificates.PemFiles clientPem;
    private TestCertificates.Issued serverCert;
    private Path trustStore;

    private EndToEnd(int count, int warmup) throws IOException {
        this.count = count;
        this.warmup = warmup;
        this.work = Files.createTempDirectory("sluice-e2e");
        // every run (and every forked JVM) made one, with certificates, configurations and rsyslog's files, and
        // left it behind: 12 MB each
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work), "sluice-e2e-cleanup"));
    }

    public static void main(String[] args) throws Exception {
        int count = 1_000_000;
        int warmup = 100_000;
        boolean fork = true;
        int repeat = 1;
        Path resultFile = null;
        List<String> scenarios = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--same-jvm" -> fork = false;
                case "--min-warmup-seconds" -> minWarmupSeconds = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--result-file" -> {
                    resultFile = Path.of(args[++i]);
                    fork = false;
                }
                default -> scenarios.add(args[i]);
            }
        }
        if (scenarios.isEmpty() || scenarios.contains("all")) {
            scenarios = List.of("sluice-relp", "sluice-relp-tls", "sluice-tcp", "sluice-tls", "log4j2-syslog-tcp",
                    "log4j2-syslog-ssl", "rlp01-relp", "sluice-relp-rsyslog", "rlp01-rsyslog", "omrelp-rsyslog",
                    "imptcp-rsyslog");
        }
        System.setProperty("log4j2.statusLoggerLevel", "WARN");
        EndToEnd e = new EndToEnd(count, warmup);
        if (resultFile == null) {
            System.out.printf("%d messages, warm-up %d, %d cores, java %s, %s%n", count, warmup,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    fork ? "one JVM per scenario" : "all scenarios in this JVM");
        }
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        if (fork) {
            for (int round = 0; round < repeat; round++) {
                for (String s : scenarios) {
                    double[] v = forked(s, count, warmup);
                    e.results.put(s, v);
                    runs.computeIfAbsent(s, k -> new ArrayList<>()).add(v);
                }
            }
        } else {
            e.certificates();
            for (String s : scenarios) {
                e.run(s);
            }
        }
        if (resultFile != null) {
            double[] v = e.results.values().iterator().next();
            Files.writeString(resultFile, v[0] + " " + v[1] + " " + v[2]);
            System.exit(0);
        }
        System.out.println();
        System.out.println("| scenario | messages | seconds | msg/s | MB/s (wire, where counted) |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Map.Entry<String, double[]> r : e.results.entrySet()) {
            double[] v = r.getValue();
            System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %s |%n", r.getKey(), (long) v[0], v[1],
                    v[0] / v[1], v[2] > 0 ? String.format(Locale.ROOT, "%.1f", v[2] / v[1] / 1e6) : "–");
        }
        if (repeat > 1) {
            System.out.println();
            System.out.println("| scenario | runs | median msg/s | min–max msg/s |");
            System.out.println("|---|---:|---:|---:|");
            for (Map.Entry<String, List<double[]>> r : runs.entrySet()) {
                double[] rates = r.getValue().stream().mapToDouble(v -> v[0] / v[1]).sorted().toArray();
                int n = rates.length;
                double median = n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
                System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %,.0f–%,.0f |%n", r.getKey(), n, median, rates[0],
                        rates[n - 1]);
            }
        }
        System.exit(0);
    }

    /**
     * Runs one scenario in a fresh JVM with this JVM's options, so that no scenario inherits code compiled (or
     * profiles polluted) by another: the first scenario of a shared JVM used to pay for compiling Log4j2's core.
     */
    private static double[] forked(String scenario, int count, int warmup) throws Exception {
        Path result = Files.createTempFile("sluice-e2e-" + scenario, ".result");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EndToEnd.class.getName(), "--count",
                Integer.toString(count), "--warmup", Integer.toString(warmup), "--min-warmup-seconds",
                Integer.toString(minWarmupSeconds), "--result-file", result.toString(), scenario));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(scenario + ": forked JVM exited with " + p.exitValue());
        }
        String[] v = Files.readString(result).trim().split(" ");
        Files.delete(result);
        return new double[] {Double.parseDouble(v[0]), Double.parseDouble(v[1]), Double.parseDouble(v[2])};
    }

    private void certificates() throws Exception {
        TestCertificates.Authority ca = TestCertificates.newAuthority("Bench CA");
        serverCert = ca.issue("localhost").sans("localhost", "127.0.0.1").build();
        serverPem = serverCert.writePem(work, "server");
        clientPem = ca.issue("bench-client").sans("bench-client").build().writePem(work, "client");
        trustStore = ca.writeTrustStore(work.resolve("trust.p12"), "PKCS12", "changeit".toCharArray());
    }

    private SSLContext serverSslContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", serverCert.privateKey(), "changeit".toCharArray(),
                new Certificate[] {serverCert.certificate(), serverCert.issuer().certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private void run(String scenario) throws Exception {
        System.out.printf("== %s%n", scenario);
        Matcher windowed = WINDOWED.matcher(scenario);
        switch (windowed.matches() ? "sluice-relp-windowN" : scenario) {
            case "sluice-relp", "sluice-relp-tls", "sluice-relp-windowN" -> {
                boolean tls = scenario.endsWith("tls") || windowed.matches() && windowed.group(1) != null;
                RelpServer.Builder b = RelpServer.builder().recordMessages(false);
                if (tls) {
                    b.tls(TlsSettings.builder().caFile(serverPem.caFile()).certFile(serverPem.certFile())
                            .keyFile(serverPem.keyFile()).authMode(AuthMode.X509_NAME)
                            .permittedPeers(List.of("bench-client")).build());
                }
                try (RelpServer server = b.build().start()) {
                    viaSluice(scenario, (tls ? "relp+tls" : "relp") + "://localhost:" + server.port(), tls,
                            server::messageCount, () -> 0,
                            windowed.matches() ? " windowSize=\"" + windowed.group(2) + "\"" : "");
                }
            }
            case "sluice-tcp", "sluice-tls" -> {
                boolean tls = scenario.endsWith("tls");
                try (LineCounter counter = new LineCounter(tls ? serverSslContext() : null)) {
                    viaSluice(scenario, (tls ? "tls" : "tcp") + "://localhost:" + counter.port(), tls,
                            counter::count, counter::octets, "");
                }
            }
            case "log4j2-syslog-tcp", "log4j2-syslog-ssl" -> {
                boolean tls = scenario.endsWith("ssl");
                try (LineCounter counter = new LineCounter(tls ? serverSslContext() : null)) {
                    String ssl = tls ? "<SSL protocol=\"TLSv1.3\"><TrustStore location=\"" + trustStore
                            + "\" password=\"changeit\" type=\"PKCS12\"/></SSL>" : "";
                    String appender = "<Syslog name=\"out\" host=\"127.0.0.1\" port=\"" + counter.port()
                            + "\" protocol=\"" + (tls ? "SSL" : "TCP") + "\" format=\"RFC5424\" appName=\"bench\""
                            + " facility=\"USER\" newLine=\"true\" includeMDC=\"false\">" + ssl + "</Syslog>";
                    // Log4j2's RFC 5424 line has no [meta sequenceId] and a shorter header: pad its MSG so that
                    // the octets on the wire match ours (~200).
                    viaLog4j(scenario, appender, counter::count, counter::octets, BODY_PAD + "y".repeat(77));
                }
            }
            case "rlp01-relp" -> {
                try (RelpServer server = RelpServer.builder().recordMessages(false).build().start()) {
                    viaRlp01(scenario, server.port(), server::messageCount);
                }
            }
            case "sluice-relp-rsyslog", "rlp01-rsyslog", "imptcp-rsyslog", "omrelp-rsyslog" -> {
                int relpPort = freePort();
                int tcpPort = freePort();
                try (PrivateRsyslog rsyslog = PrivateRsyslog.receiver(work.resolve(scenario), relpPort, tcpPort)) {
                    receiverThreads = rsyslog::threadTicks;
                    switch (scenario) {
                        case "sluice-relp-rsyslog" -> viaSluice(scenario, "relp://127.0.0.1:" + relpPort, false,
                                rsyslog::count, () -> 0, "");
                        case "rlp01-rsyslog" -> viaRlp01(scenario, relpPort, rsyslog::count);
                        case "imptcp-rsyslog" -> viaRawTcp(scenario, tcpPort, rsyslog::count);
                        default -> {
                            int fwdPort = freePort();
                            try (PrivateRsyslog fwd = PrivateRsyslog.omrelpForwarder(work.resolve(scenario + "-fwd"),
                                    fwdPort, relpPort, 1024)) {
                                viaRawTcp(scenario, fwdPort, rsyslog::count);
                            }
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
    }

    private void viaSluice(String scenario, String target, boolean tls, LongSupplier received, LongSupplier octets,
            String attributes) throws Exception {
        String tlsElement = tls ? "<Tls caFile=\"" + clientPem.caFile() + "\" certFile=\"" + clientPem.certFile()
                + "\" keyFile=\"" + clientPem.keyFile() + "\" authMode=\"x509/name\" permittedPeers=\"localhost\"/>"
                : "";
        String framing = target.startsWith("tcp") || target.startsWith("tls") ? " framing=\"lf\"" : "";
        viaLog4j(scenario, "<RemoteSyslog name=\"out\" target=\"" + target + "\" appName=\"bench\" overflow=\"block\""
                + framing + attributes + " " + System.getProperty("sluice.e2e.attributes", "") + ">" + tlsElement
                + "</RemoteSyslog>", received, octets, BODY_PAD);
    }

    private void viaLog4j(String scenario, String appender, LongSupplier received, LongSupplier octets, String pad)
            throws Exception {
        Path config = work.resolve(scenario + "-log4j2.xml");
        Files.writeString(config, "<Configuration status=\"WARN\"><Appenders>" + appender + "</Appenders><Loggers>"
                + "<Root level=\"INFO\"><AppenderRef ref=\"out\"/></Root></Loggers></Configuration>");
        LoggerContext ctx = new LoggerContext(scenario, null, config.toUri());
        ctx.start();
        try {
            Logger logger = ctx.getLogger("bench");
            measure(scenario, received, octets, (from, to) -> {
                for (long i = from; i < to; i++) {
                    logger.info("event {} {}", i, pad);
                }
            });
        } finally {
            ctx.stop(30, TimeUnit.SECONDS);
        }
    }

    private void viaRlp01(String scenario, int port, LongSupplier received) throws Exception {
        RelpConnection relp = new RelpConnection();
        if (!relp.connect("127.0.0.1", port)) {
            throw new IllegalStateException(scenario + ": rlp_01 open refused by 127.0.0.1:" + port);
        }
        try {
            measure(scenario, received, () -> 0, (from, to) -> {
                try {
                    for (long i = from; i < to; ) {
                        RelpBatch batch = new RelpBatch();
                        for (int k = 0; k < 1024 && i < to; k++, i++) {
                            batch.insert(line(i, false));
                        }
                        relp.commit(batch);
                        if (!batch.verifyTransactionAll()) {
                            throw new IllegalStateException("rlp_01 batch not acknowledged");
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            try {
                relp.disconnect();
            } catch (Exception e) {
                relp.tearDown();
            }
        }
    }

    private void viaRawTcp(String scenario, int port, LongSupplier received) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port);
             OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024)) {
            measure(scenario, received, () -> 0, (from, to) -> {
                try {
                    for (long i = from; i < to; i++) {
                        out.write(line(i, true));
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /** A pre-formatted RFC 5424 message like the appenders', ~200 octets. */
    private static byte[] line(long i, boolean lf) {
        String s = "<14>1 " + Instant.now() + " localhost bench - - [meta sequenceId=\"" + i + "\"] event " + i
                + " " + BODY_PAD + (lf ? "\n" : "");
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private interface Sender {
        void send(long from, long to) throws Exception;
    }

    /** During an rsyslog scenario: its threads' CPU ticks, read around the measured part. */
    private java.util.function.Supplier<java.util.Map<String, Long>> receiverThreads;

    private void measure(String scenario, LongSupplier received, LongSupplier octets, Sender sender)
            throws Exception {
        long self = ProcessHandle.current().pid();
        long base = received.getAsLong();
        long next = 0;
        // Warm up until the JIT is done: repeat rounds of `warmup` messages until the compiler threads were busy for
        // under 10 % of a round and minWarmupSeconds have passed (at most MAX_WARMUP_ROUNDS). One fixed round left C2
        // at 70 % during the measured part of whichever scenario ran first, so its figure depended on the order of
        // the scenarios; a quiet round alone ended the TLS scenarios' warm-up before AES-GCM was compiled by C2.
        long warmupStart = System.nanoTime();
        for (int round = 1; ; round++) {
            long compiling = compilerTicks(self);
            long t0 = System.nanoTime();
            sender.send(next, next + warmup);
            next += warmup;
            await(received, base + next, scenario + " warm-up");
            double share = (compilerTicks(self) - compiling) / 100.0 / ((System.nanoTime() - t0) / 1e9);
            boolean longEnough = System.nanoTime() - warmupStart >= TimeUnit.SECONDS.toNanos(minWarmupSeconds);
            if ((share < 0.10 && longEnough) || round == MAX_WARMUP_ROUNDS) {
                System.out.printf(Locale.ROOT, "%s: warm-up %d round(s) of %,d, JIT busy %.0f%% in the last%n",
                        scenario, round, warmup, share * 100);
                break;
            }
        }
        base = received.getAsLong();
        long octetBase = octets.getAsLong();
        java.util.Map<String, Long> ticksBefore = receiverThreads == null ? null : receiverThreads.get();
        java.util.Map<String, Long> ownBefore = PrivateRsyslog.threadTicks(self);
        long start = System.nanoTime();
        sender.send(next, next + count);
        long sent = System.nanoTime();
        await(received, base + count, scenario);
        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        StringBuilder own = new StringBuilder();
        PrivateRsyslog.threadTicks(self).forEach((thread, ticks) -> {
            double share = (ticks - ownBefore.getOrDefault(thread, 0L)) / 100.0 / seconds;
            if (share >= 0.05) {
                own.append(String.format(Locale.ROOT, " %s %.0f%%", thread, share * 100));
            }
        });
        System.out.printf("%s: this JVM's threads busy:%s%n", scenario, own);
        if (ticksBefore != null) {
            // how busy each receiver thread was during the measured part: near 100 % means it was the limit
            StringBuilder busy = new StringBuilder();
            receiverThreads.get().forEach((thread, ticks) -> {
                double share = (ticks - ticksBefore.getOrDefault(thread, 0L)) / 100.0 / seconds;
                if (share >= 0.05) {
                    busy.append(String.format(Locale.ROOT, " %s %.0f%%", thread, share * 100));
                }
            });
            System.out.printf("%s: receiver threads busy (CPU time / wall time, 100 ticks/s):%s%n", scenario, busy);
            receiverThreads = null;
        }
        double wire = octets.getAsLong() - octetBase;
        System.out.printf(Locale.ROOT, "%s: %,d in %.2f s (sender returned after %.2f s) = %,.0f msg/s%s%n",
                scenario, count, seconds, (sent - start) / 1e9, count / seconds,
                wire > 0 ? String.format(Locale.ROOT, ", %.0f octets/msg on the wire", wire / count) : "");
        results.put(scenario, new double[] {count, seconds, wire});
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    private static final int MAX_WARMUP_ROUNDS = 40;
    /** The warm-up lasts at least this long, however quiet the JIT ({@code --min-warmup-seconds}). */
    private static int minWarmupSeconds = 10;

    /** CPU ticks of this JVM's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre"). */
    private static long compilerTicks(long pid) {
        return PrivateRsyslog.threadTicks(pid).entrySet().stream().filter(e -> e.getKey().contains("Compiler"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private static void await(LongSupplier received, long target, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("sluice.e2e.stallSeconds", 120));
        while (received.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": received " + received.getAsLong() + " of " + target
                        + appenderState());
            }
            LockSupport2.parkMillis(2);
        }
    }

    /** The RemoteSyslog appender's counters (JMX), to tell a loss from a stall when a scenario does not finish. */
    private static String appenderState() {
        try {
            javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            StringBuilder sb = new StringBuilder();
            for (javax.management.ObjectName n : jmx.queryNames(new javax.management.ObjectName("dev.sluice:*"), null)) {
                sb.append("; ").append(n);
                for (String a : List.of("State", "QueuedRecords", "Accepted", "Delivered", "Acknowledged", "Resent",
                        "Dropped", "DroppedByReason", "Reconnects")) {
                    sb.append(' ').append(a).append('=').append(jmx.getAttribute(n, a));
                }
            }
            return sb.toString();
        } catch (Exception e) {
            return "; appender state unavailable: " + e;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static final class LockSupport2 {
        static void parkMillis(long ms) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ms));
        }
    }
}
