package dev.sluice.transport.health;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanRegistration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Registers an appender's {@link RemoteSyslogMXBean} with the platform MBean server.
 *
 * <p>That server is one per JVM, shared by every copy of this class: two web applications of one servlet container,
 * each with its own class loader and its own Sluice, register in the same place, and may name an appender alike.
 * This copy unregisters only a bean it registered itself and that is still registered; a name held by a bean it did
 * not register (another copy's) is left alone, and its own bean goes under that name with {@code ,instance=n}
 * added, the lowest free {@code n} from 2, with a warning.
 */
public final class Jmx {

    /** The JMX domain. */
    public static final String DOMAIN = "dev.sluice";

    /**
     * This copy's beans by appender name, the one in JMX last. Several at once when two appenders of one name run
     * at the same time: in two logging contexts, or across a Log4j2 reconfiguration, which starts the new appender
     * before it stops the old one. The newest is shown; when it goes, the one before it is shown again.
     */
    private static final Map<ObjectName, Slot> OWNERS = new HashMap<>();

    /** One appender name's beans in this copy, and the name the shown one is registered under. */
    private static final class Slot {
        final Deque<View> beans = new ArrayDeque<>();
        ObjectName shownAs;
    }

    private Jmx() {
    }

    /** {@code dev.sluice:type=RemoteSyslog,name=<name>}, the name quoted where JMX needs it. */
    public static ObjectName objectName(String appenderName) {
        try {
            String value = appenderName.matches("[A-Za-z0-9_.\\-]+") ? appenderName : ObjectName.quote(appenderName);
            return new ObjectName(DOMAIN + ":type=RemoteSyslog,name=" + value);
        } catch (JMException e) {
            throw new IllegalArgumentException("appender name not usable in JMX: " + appenderName, e);
        }
    }

    /**
     * Registers the MBean of {@code appenderName}, in place of one this copy registered for an earlier configuration
     * of the same name, or for another running appender of that name, which is shown again when this one is closed.
     * Failures, and a name held by another copy's bean, go to {@code diagnostics}; JMX is never a reason for the
     * appender not to start.
     *
     * @return closing it unregisters the MBean
     */
    public static AutoCloseable register(String appenderName, Supplier<Health> health, Diagnostics diagnostics) {
        ObjectName name = objectName(appenderName);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        View bean = new View(health, appenderName, diagnostics);
        synchronized (OWNERS) {
            Slot slot = OWNERS.computeIfAbsent(name, n -> new Slot());
            try {
                slot.shownAs = show(server, name, slot.beans.peekLast(), slot.shownAs, bean);
            } catch (JMException | RuntimeException e) {
                if (slot.beans.isEmpty()) {
                    OWNERS.remove(name);
                }
                diagnostics.warn("RemoteSyslog[" + appenderName + "]: JMX registration of " + name + " failed", e);
                return () -> { };
            }
            slot.beans.addLast(bean);
        }
        return () -> {
            synchronized (OWNERS) {
                Slot slot = OWNERS.get(name);
                if (slot == null || !slot.beans.contains(bean)) {
                    return;
                }
                boolean shown = slot.beans.peekLast() == bean;
                slot.beans.remove(bean);
                if (!shown) {
                    return; // a newer appender of this name is shown; it stays
                }
                try {
                    if (slot.beans.isEmpty()) {
                        OWNERS.remove(name);
                        if (bean.registered) {
                            server.unregisterMBean(slot.shownAs);
                        }
                    } else {
                        slot.shownAs = show(server, name, bean, slot.shownAs, slot.beans.peekLast());
                    }
                } catch (JMException | RuntimeException e) {
                    // best effort: already gone, or the MBean server refuses
                }
            }
        };
    }

    /**
     * Registers {@code bean} in place of {@code shown}, this copy's bean under {@code shownAs} ({@code null} for
     * none): under the same name while {@code shown} is still registered there; else under {@code name} or, where a
     * bean this copy did not register holds it, {@code name} with the lowest free {@code instance} from 2.
     *
     * @return the name {@code bean} is registered under
     */
    private static ObjectName show(MBeanServer server, ObjectName name, View shown, ObjectName shownAs, View bean)
            throws JMException {
        if (shown != null && shown.registered) {
            server.unregisterMBean(shownAs);
            try {
                server.registerMBean(bean, shownAs);
                return shownAs;
            } catch (InstanceAlreadyExistsException taken) {
                // another copy registered there meanwhile: its bean now, not ours to remove
            }
        }
        for (int n = 1; ; n++) {
            ObjectName at = n == 1 ? name : new ObjectName(name + ",instance=" + n);
            try {
                server.registerMBean(bean, at);
            } catch (InstanceAlreadyExistsException taken) {
                continue; // not this copy's (its own would be shown): another web application's, say
            }
            if (n > 1) {
                bean.diagnostics.warn("RemoteSyslog[" + bean.appenderName + "]: " + name + " is registered by"
                        + " another copy of Sluice (another application's class loader); this appender's MBean is "
                        + at, null);
            }
            return at;
        }
    }

    /**
     * The bean; it knows whether it is registered, as the MBean server tells it, so that this copy never unregisters
     * a name whose bean another copy put there after ours was removed.
     */
    private static final class View implements RemoteSyslogMXBean, MBeanRegistration {
        private final Supplier<Health> health;
        private final String appenderName;
        private final Diagnostics diagnostics;
        private volatile boolean registered;

        View(Supplier<Health> health, String appenderName, Diagnostics diagnostics) {
            this.health = Objects.requireNonNull(health);
            this.appenderName = appenderName;
            this.diagnostics = diagnostics;
        }

        @Override
        public ObjectName preRegister(MBeanServer server, ObjectName name) {
            return name;
        }

        @Override
        public void postRegister(Boolean done) {
            registered = Boolean.TRUE.equals(done);
        }

        @Override
        public void preDeregister() {
        }

        @Override
        public void postDeregister() {
            registered = false;
        }

        private Health h() {
            return health.get();
        }

        @Override
        public String getState() {
            return h().state().name();
        }

        @Override
        public long getQueuedRecords() {
            return h().queuedRecords();
        }

        @Override
        public long getQueuedBytes() {
            return h().queuedBytes();
        }

        @Override
        public long getSpoolRecords() {
            return h().spoolRecords();
        }

        @Override
        public long getSpoolBytes() {
            return h().spoolBytes();
        }

        @Override
        public long getOldestUndeliveredAgeMillis() {
            return h().oldestUndelivered().map(Duration::toMillis).orElse(-1L);
        }

        @Override
        public String getLastAcknowledged() {
            return h().lastAcknowledgedTime().map(Object::toString).orElse("");
        }

        @Override
        public String getNextWindowOpening() {
            return h().nextWindow().map(Object::toString).orElse("");
        }

        @Override
        public long getAccepted() {
            return h().counters().accepted();
        }

        @Override
        public long getDelivered() {
            return h().counters().delivered();
        }

        @Override
        public long getAcknowledged() {
            return h().counters().acknowledged();
        }

        @Override
        public long getResent() {
            return h().counters().resent();
        }

        @Override
        public long getRejected() {
            return h().counters().rejected();
        }

        @Override
        public long getDropped() {
            return h().counters().droppedTotal();
        }

        @Override
        public Map<String, Long> getDroppedByReason() {
            Map<String, Long> out = new LinkedHashMap<>();
            h().counters().dropped().forEach((k, v) -> out.put(k.name(), v));
            return out;
        }

        @Override
        public long getTruncated() {
            return h().counters().truncated();
        }

        @Override
        public long getReconnects() {
            return h().counters().reconnects();
        }

        @Override
        public long getTlsFailures() {
            return h().counters().tlsFailures();
        }
    }
}
