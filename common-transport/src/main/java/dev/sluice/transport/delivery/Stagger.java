package dev.sluice.transport.delivery;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;

/**
 * A deterministic per-host delay inside each delivery window, so that hosts sharing a window do not all open their
 * connections at its first second. A host's window effectively opens at {@code begin + offset}.
 *
 * <p>The offset comes from SHA-256 of {@code hostname + '\0' + appName} (UTF-8): the first 8 bytes, read as an
 * unsigned fraction {@code f} of 2⁶⁴, give {@code offset = floor(f × min(stagger, windowLength))}. So it is:
 * <ul>
 * <li>the same on every start, on every JVM, for the same hostname, appName and window (no random seed, no
 *     {@code String.hashCode});</li>
 * <li>spread evenly over {@code [0, stagger)} across hosts;</li>
 * <li>always shorter than the window: when {@code stagger} is longer than the window (or a DST night makes the
 *     window shorter), the offsets are spread over the window instead. This scales rather than clamps: clamping at
 *     the window's end would pile every host whose offset is too long onto the same last instant.</li>
 * </ul>
 * Choose a stagger well below the window length, so that the last host still has time to deliver.
 */
public final class Stagger {

    /** Default {@code stagger}: zero, every host opens at the window's {@code begin}. */
    public static final Duration DEFAULT_STAGGER = Duration.ZERO;

    private static final Stagger NONE = new Stagger(Duration.ZERO, 0L);

    private final Duration stagger;
    private final long fraction;

    private Stagger(Duration stagger, long fraction) {
        this.stagger = stagger;
        this.fraction = fraction;
    }

    /** No stagger: the offset is always zero. */
    public static Stagger none() {
        return NONE;
    }

    /**
     * @param stagger  the longest delay, not negative; zero means {@link #none()}
     * @param hostname the RFC 5424 HOSTNAME this appender sends
     * @param appName  the RFC 5424 APP-NAME this appender sends; {@code null} is read as empty
     */
    public static Stagger of(Duration stagger, String hostname, String appName) {
        Objects.requireNonNull(stagger, "stagger");
        Objects.requireNonNull(hostname, "hostname");
        if (stagger.isNegative()) {
            throw new IllegalArgumentException("stagger: " + stagger + " (expected: >= 0)");
        }
        if (stagger.isZero()) {
            return NONE;
        }
        return new Stagger(stagger, hash(hostname + '\0' + (appName == null ? "" : appName)));
    }

    /** The configured longest delay. */
    public Duration stagger() {
        return stagger;
    }

    /**
     * This host's delay inside a window of the given length: {@code >= 0}, {@code < stagger} and
     * {@code < windowLength} (zero when either is zero).
     */
    public Duration offsetIn(Duration windowLength) {
        if (windowLength.isNegative()) {
            throw new IllegalArgumentException("windowLength: " + windowLength + " (expected: >= 0)");
        }
        Duration bound = stagger.compareTo(windowLength) < 0 ? stagger : windowLength;
        if (bound.isZero()) {
            return Duration.ZERO;
        }
        long boundNanos = saturatedNanos(bound);
        return Duration.ofNanos(unsignedMultiplyHigh(fraction, boundNanos));
    }

    /** {@code floor(x × y / 2⁶⁴)} for unsigned {@code x} and positive {@code y}: always {@code < y}. */
    private static long unsignedMultiplyHigh(long x, long y) {
        return Math.multiplyHigh(x, y) + ((x >> 63) & y);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Stagger other && stagger.equals(other.stagger) && fraction == other.fraction;
    }

    @Override
    public int hashCode() {
        return Objects.hash(stagger, fraction);
    }

    @Override
    public String toString() {
        return "Stagger[" + stagger + "]";
    }
}
