package dev.sluice.benchmarks.e2e;

import dev.sluice.benchmarks.BenchAppenders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * What one {@code logger.info} costs the calling thread at a steady rate below saturation, per appender: the
 * companion of {@code CallerCostBenchmark}, whose JMH loop logs as fast as it can and so measures each appender at
 * its saturation point (queue full, the disk or the delivery thread the bottleneck). Here each of {@code --threads}
 * threads logs its share of {@code --rate} events per second in a burst every millisecond, as an application serving
 * requests does (the threads' bursts spread over the millisecond), and times every call with {@link System#nanoTime()} (about 25 ns of the figures, the same for every
 * appender). After {@code --warmup} seconds, {@code --seconds} seconds are recorded; the table gives mean, p50, p99,
 * p99.9 and max of every call, and each figure as a multiple of Log4j2 {@code Async} → {@code Null} when that
 * appender was run too.
 *
 * <p>Appenders are those of {@link BenchAppenders}; each runs in a JVM of its own, started with this JVM's options.
 * With {@code --rounds N} the list is run N times, interleaved (a, b, a, b, ...), and the table gives the median of
 * the rounds for each figure, each ratio being the median of the rounds' own ratios (each against {@code Async} →
 * {@code Null} of the same round), with the p50 ratio's range over the rounds: on a shared machine whose speed
 * changes from one minute to the next, a ratio of two runs made minutes apart says more about the machine than
 * about the appenders.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) dev.sluice.benchmarks.e2e.CallerLatency \
 *     [--rate 100000] [--threads 1] [--seconds 10] [--warmup 5] [--receiver up|down] [--rounds 1] [appender ...]
 * </pre>
 */
public final class CallerLatency {

    private static final String PAD = "x".repeat(100);
    private static final long TICK_NANOS = 1_000_000;
    /** At most this many events in one burst when a thread fell behind, so that a stall is not made up at once. */
    private static final int MAX_BURST = 10_000;

    private int rate = 100_000;
    private int threads = 1;
    private int seconds = 10;
    private int warmup = 5;
    private boolean up = true;
    private int rounds = 1;

    private CallerLatency() {
    }

    public static void main(String[] args) throws Exception {
        CallerLatency c = new CallerLatency();
        List<String> appenders = new ArrayList<>();
        Path resultFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> c.rate = Integer.parseInt(args[++i]);
                case "--threads" -> c.threads = Integer.parseInt(args[++i]);
                case "--seconds" -> c.seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> c.warmup = Integer.parseInt(args[++i]);
                case "--receiver" -> c.up = switch (args[++i]) {
                    case "up" -> true;
                    case "down" -> false;
                    default -> throw new IllegalArgumentException("--receiver: " + args[i] + " (expected: up, down)");
                };
                case "--rounds" -> c.rounds = Integer.parseInt(args[++i]);
                case "--result-file" -> resultFile = Path.of(args[++i]);
                default -> appenders.add(args[i]);
            }
        }
        if (resultFile != null) {
            Files.writeString(resultFile, c.measure(appenders.get(0)));
            System.exit(0);
        }
        if (appenders.isEmpty()) {
            appenders = List.of("asyncNull", "sluiceRelp", "sluiceRelpSpool");
        }
        System.out.printf(Locale.ROOT, "%,d events/s in %d thread(s), bursts every ms, receiver %s; %d s recorded after"
                + " %d s warm-up; %d round(s)%n", c.rate, c.threads, c.up ? "up" : "down", c.seconds, c.warmup,
                c.rounds);
        // rounds.get(k).get(i): round k, appender i
        List<List<double[]>> rounds = new ArrayList<>();
        for (int k = 0; k < c.rounds; k++) {
            List<double[]> round = new ArrayList<>();
            for (String a : appenders) {
                round.add(c.forked(a, args));
            }
            rounds.add(round);
        }
        int base = appenders.indexOf("asyncNull");
        System.out.println();
        if (c.rounds == 1) {
            List<double[]> results = rounds.get(0);
            System.out.println("| appender | calls | mean ns | p50 ns | p99 ns | p99.9 ns | max µs |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (int i = 0; i < appenders.size(); i++) {
                double[] r = results.get(i);
                System.out.printf(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %,.0f |%n", appenders.get(i),
                        (long) r[0], cell(r, results, base, 1), cell(r, results, base, 2), cell(r, results, base, 3),
                        cell(r, results, base, 4), r[5] / 1000);
            }
        } else {
            System.out.println("| appender | mean ns | p50 ns | p50 ratio, range | p99 ns | p99.9 ns | max µs |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (int i = 0; i < appenders.size(); i++) {
                int a = i;
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %,.0f |%n", appenders.get(i),
                        medianCell(rounds, a, base, 1), medianCell(rounds, a, base, 2), p50Range(rounds, a, base),
                        medianCell(rounds, a, base, 3), medianCell(rounds, a, base, 4),
                        median(rounds.stream().mapToDouble(r -> r.get(a)[5]).toArray()) / 1000);
            }
            System.out.println();
            System.out.println("p50 ns per round: ");
            for (int i = 0; i < appenders.size(); i++) {
                int a = i;
                System.out.printf(Locale.ROOT, "  %s: %s%n", appenders.get(i), Arrays.toString(
                        rounds.stream().mapToLong(r -> Math.round(r.get(a)[2])).toArray()));
            }
        }
        System.exit(0);
    }

    /** The median over the rounds of figure {@code f}, and the median of its per-round ratios to {@code base}. */
    private static String medianCell(List<List<double[]>> rounds, int a, int base, int f) {
        double m = median(rounds.stream().mapToDouble(r -> r.get(a)[f]).toArray());
        if (base < 0 || a == base) {
            return String.format(Locale.ROOT, "%,.0f", m);
        }
        double ratio = median(rounds.stream().mapToDouble(r -> r.get(a)[f] / r.get(base)[f]).toArray());
        return String.format(Locale.ROOT, "%,.0f (%.2fx)", m, ratio);
    }

    /** The lowest and highest per-round p50 ratio to {@code base}. */
    private static String p50Range(List<List<double[]>> rounds, int a, int base) {
        if (base < 0 || a == base) {
            return "";
        }
        double[] ratios = rounds.stream().mapToDouble(r -> r.get(a)[2] / r.get(base)[2]).sorted().toArray();
        return String.format(Locale.ROOT, "%.2f-%.2fx", ratios[0], ratios[ratios.length - 1]);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String cell(double[] r, List<double[]> all, int base, int i) {
        if (base < 0 || all.get(base) == r) {
            return String.format(Locale.ROOT, "%,.0f", r[i]);
        }
        return String.format(Locale.ROOT, "%,.0f (%.2fx)", r[i], r[i] / all.get(base)[i]);
    }

    /** Runs one appender in a fresh JVM; returns calls, mean, p50, p99, p99.9, max (ns). */
    private double[] forked(String appender, String[] args) throws Exception {
        Path result = Files.createTempFile("sluice-caller-latency-" + appender, ".result");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CallerLatency.class.getName(),
                "--rate", Integer.toString(rate), "--threads", Integer.toString(threads),
                "--seconds", Integer.toString(seconds), "--warmup", Integer.toString(warmup),
                "--receiver", up ? "up" : "down", "--result-file", result.toString(), appender));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(appender + ": forked JVM exited with " + p.exitValue());
        }
        double[] v = Arrays.stream(Files.readString(result).trim().split(" ")).mapToDouble(Double::parseDouble)
                .toArray();
        Files.delete(result);
        return v;
    }

    /** In the forked JVM: runs {@code appender} and returns "calls mean p50 p99 p99.9 max". */
    private String measure(String appender) throws Exception {
        try (BenchAppenders out = new BenchAppenders(appender, up)) {
            double perThreadPerNano = (double) rate / threads / 1e9;
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, (long) (perThreadPerNano * 1e9 * seconds * 1.05)
                    + MAX_BURST);
            long[][] samples = new long[threads][];
            int[] counts = new int[threads];
            CountDownLatch done = new CountDownLatch(threads);
            long start = System.nanoTime() + 50_000_000;
            long recordFrom = start + warmup * 1_000_000_000L;
            long end = recordFrom + seconds * 1_000_000_000L;
            for (int t = 0; t < threads; t++) {
                int id = t;
                samples[t] = new long[capacity];
                // the threads' bursts are spread over the millisecond, not all at its start
                long phase = start + TICK_NANOS * t / threads;
                Thread th = new Thread(() -> {
                    long[] s = samples[id];
                    int n = 0;
                    long logged = 0;
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        long due = now < start ? 0 : (long) ((now - start) * perThreadPerNano) - logged;
                        boolean record = now >= recordFrom;
                        for (long i = Math.min(due, MAX_BURST); i > 0; i--) {
                            long t0 = System.nanoTime();
                            out.info(PAD);
                            long d = System.nanoTime() - t0;
                            if (record && n < s.length) {
                                s[n++] = d;
                            }
                            logged++;
                        }
                        if (due > MAX_BURST) {
                            logged += due - MAX_BURST; // skipped, not made up
                        }
                        long next = now + TICK_NANOS - (now - phase) % TICK_NANOS;
                        LockSupport.parkNanos(next - System.nanoTime());
                    }
                    counts[id] = n;
                    done.countDown();
                }, "caller-" + t);
                th.start();
            }
            done.await();
            int total = Arrays.stream(counts).sum();
            long[] all = new long[total];
            int at = 0;
            for (int t = 0; t < threads; t++) {
                System.arraycopy(samples[t], 0, all, at, counts[t]);
                at += counts[t];
            }
            Arrays.sort(all);
            double mean = Arrays.stream(all).average().orElse(0);
            String counters = out.counters();
            System.out.printf(Locale.ROOT, "%s: %,d calls recorded (%,.0f/s)%s%n", appender, total,
                    total / (double) seconds, counters.isEmpty() ? "" : "; " + counters);
            return String.format(Locale.ROOT, "%d %.1f %d %d %d %d", total, mean, pct(all, 0.50), pct(all, 0.99),
                    pct(all, 0.999), all.length == 0 ? 0 : all[all.length - 1]);
        }
    }

    private static long pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }
}
