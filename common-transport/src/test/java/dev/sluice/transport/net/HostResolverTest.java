package dev.sluice.transport.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.Security;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How often UDP looks its target's name up again by default: as the JVM caches lookups, at most every 30 s. */
class HostResolverTest {

    @Test
    void theJvmsCacheTimeWhenItIsShorterThanThirtySeconds() {
        // networkaddress.cache.ttl (a security property, which cannot be unset again) takes precedence; it is not
        // set by default, and then the system property counts, as in the JDK
        assumeTrue(Security.getProperty("networkaddress.cache.ttl") == null, "networkaddress.cache.ttl not set");
        String before = System.getProperty("sun.net.inetaddr.ttl");
        try {
            System.clearProperty("sun.net.inetaddr.ttl");
            assertThat(HostResolver.system().refreshInterval()).isEqualTo(Duration.ofSeconds(30));
            System.setProperty("sun.net.inetaddr.ttl", "5");
            assertThat(HostResolver.system().refreshInterval()).isEqualTo(Duration.ofSeconds(5));
            // longer: lookups within it read the cache, so every 30 s costs nothing and sees a change sooner
            System.setProperty("sun.net.inetaddr.ttl", "300");
            assertThat(HostResolver.jvmCacheInterval()).isEqualTo(Duration.ofSeconds(30));
            for (String notAShorterTime : new String[] {"-1", "0", "soon"}) { // for ever, never, not a number
                System.setProperty("sun.net.inetaddr.ttl", notAShorterTime);
                assertThat(HostResolver.jvmCacheInterval()).as(notAShorterTime).isEqualTo(Duration.ofSeconds(30));
            }
        } finally {
            if (before == null) {
                System.clearProperty("sun.net.inetaddr.ttl");
            } else {
                System.setProperty("sun.net.inetaddr.ttl", before);
            }
        }
    }
}
