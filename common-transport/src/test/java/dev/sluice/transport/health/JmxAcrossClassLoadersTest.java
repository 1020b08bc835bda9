package dev.sluice.transport.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The platform MBean server is shared by every copy of Sluice in the JVM: another web application's, loaded by
 * another class loader, registers beans of the same names. Its bean is registered here directly, as it would be
 * by that copy's {@link Jmx}; this copy must never unregister it.
 */
class JmxAcrossClassLoadersTest {

    /** Another copy's bean, as JMX shows it. */
    public interface ForeignMXBean {
        String getState();
    }

    private static final ForeignMXBean FOREIGN = () -> "FOREIGN";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name = Jmx.objectName("shared");

    private static Health health(DeliveryState state) {
        return new Health(state, 0, 0, 0, 0, null, null, null, new Counters().snapshot());
    }

    @AfterEach
    void removeTheForeignBean() throws Exception {
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
    }

    @Test
    void aNameAnotherCopyHoldsIsLeftToItAndOursGoesUnderTheLowestFreeInstance() throws Exception {
        server.registerMBean(FOREIGN, name);
        ObjectName second = new ObjectName(name + ",instance=2");
        HealthReportingTest.RecordingDiagnostics diagnostics = new HealthReportingTest.RecordingDiagnostics();

        try (AutoCloseable ours = Jmx.register("shared", () -> health(DeliveryState.DELIVERING), diagnostics)) {
            assertThat(server.getAttribute(name, "State")).isEqualTo("FOREIGN");
            assertThat(server.getAttribute(second, "State")).isEqualTo("DELIVERING");
            assertThat(diagnostics.warnings).singleElement().asString()
                    .contains(name.toString(), "another copy of Sluice", second.toString());

            // a reconfiguration in this copy replaces our bean where it is, and shows the old one there again
            AutoCloseable next = Jmx.register("shared", () -> health(DeliveryState.DISCONNECTED), diagnostics);
            assertThat(server.getAttribute(second, "State")).isEqualTo("DISCONNECTED");
            next.close();
            assertThat(server.getAttribute(second, "State")).isEqualTo("DELIVERING");
            assertThat(server.getAttribute(name, "State")).isEqualTo("FOREIGN");
        }

        assertThat(server.isRegistered(second)).isFalse();
        assertThat(server.getAttribute(name, "State")).as("the other copy's bean").isEqualTo("FOREIGN");
    }

    @Test
    void aBeanAnotherCopyPutInPlaceOfOursIsNotUnregisteredWhenOursCloses() throws Exception {
        AutoCloseable ours = Jmx.register("shared", () -> health(DeliveryState.DELIVERING), Diagnostics.NONE);
        // an older copy that takes the name over: it removes ours and registers its own
        server.unregisterMBean(name);
        server.registerMBean(FOREIGN, name);

        ours.close();

        assertThat(server.getAttribute(name, "State")).isEqualTo("FOREIGN");
    }
}
