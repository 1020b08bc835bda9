package dev.sluice.transport.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.time.Duration;
import java.util.List;

/**
 * How a transport looks its target's host name up. The default, {@link #system()}, asks the JDK
 * ({@link InetAddress#getAllByName}), so {@code /etc/hosts} and the JVM's DNS cache ({@code networkaddress.cache.ttl})
 * apply as they do to the rest of the application. IP literals are never looked up.
 *
 * <p>Stream transports (TCP, TLS, RELP) look the name up before each connection. UDP has no connection to renew:
 * it looks the name up when its socket is bound, again every {@link #refreshInterval()} while the socket is open,
 * and again after a send failed; when the answer changes, the next datagrams go to the new address. Those periodic
 * look-ups run one at a time in the JVM, on a thread of their own, so that however long they take, connections'
 * look-ups never wait behind them; one that comes due while another is under way is skipped until the next interval.
 *
 * <p>Called on a lookup thread ({@code sluice-dns-N}, or {@code sluice-dns-refresh-N} for UDP's periodic look-ups),
 * never on an I/O thread, so it may block. Thread-safe.
 */
@FunctionalInterface
public interface HostResolver {

    /** Default {@link #refreshInterval()}: 30 seconds, the time the JDK caches a lookup by default. */
    Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

    /**
     * The addresses of {@code host}, the preferred one first.
     *
     * @throws UnknownHostException if it has none
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /**
     * How long UDP sends to the address it looked up before it looks the name up again: by default
     * {@link #jvmCacheInterval()}. Zero (or negative): only when the socket is bound.
     */
    default Duration refreshInterval() {
        return jvmCacheInterval();
    }

    /** The JDK's lookup: {@link InetAddress#getAllByName}, through the JVM's DNS cache. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }

    /**
     * How long the JVM caches a lookup ({@code networkaddress.cache.ttl}, else {@code sun.net.inetaddr.ttl}, in
     * seconds) when that is set and shorter than {@link #DEFAULT_REFRESH_INTERVAL}, else that default (also when the
     * JVM caches for ever or not at all). A lookup within the cache time reads the cache, not the DNS server, so
     * looking up every 30 seconds costs nothing with a longer cache time, and sees a changed answer at most 30 seconds
     * after the cache does.
     */
    static Duration jvmCacheInterval() {
        String ttl = Security.getProperty("networkaddress.cache.ttl");
        if (ttl == null) {
            ttl = System.getProperty("sun.net.inetaddr.ttl");
        }
        try {
            Duration cached = Duration.ofSeconds(ttl == null ? 0 : Long.parseLong(ttl.trim()));
            if (cached.compareTo(Duration.ZERO) > 0 && cached.compareTo(DEFAULT_REFRESH_INTERVAL) < 0) {
                return cached;
            }
        } catch (NumberFormatException e) {
            // not a number: the JDK takes it as not set, and so do we
        }
        return DEFAULT_REFRESH_INTERVAL;
    }
}
