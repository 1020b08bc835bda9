package dev.sluice.transport.health;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
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

/** Registers an appender's {@link RemoteSyslogMXBean} with the platform MBean server. */
public final class Jmx {

    /** The JMX domain. */
    public static final String DOMAIN = "dev.sluice";

    /**
     * The beans registered under each name, the one in JMX last. Several at once when two appenders of one name run
     * at the same time: in two logging contexts, or across a Log4j2 reconfiguration, which starts the new appender
     * before it stops the old one. The newest is shown; when it goes, the one before it is shown again.
     */
    private static final Map<ObjectName, Deque<RemoteSyslogMXBean>> OWNERS = new HashMap<>();

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
     * Registers the MBean of {@code appenderName}, in place of one left by an earlier configuration of the same
     * name, or of another running appender of that name, which is shown again when this one is closed. Failures go
     * to {@code diagnostics}; JMX is never a reason for the appender not to start.
     *
     * @return closing it unregisters the MBean
     */
    public static AutoCloseable register(String appenderName, Supplier<Health> health, Diagnostics diagnostics) {
        ObjectName name = objectName(appenderName);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        RemoteSyslogMXBean bean = new View(health);
        synchronized (OWNERS) {
            try {
                show(server, name, bean);
            } catch (JMException | RuntimeException e) {
                diagnostics.warn("RemoteSyslog[" + appenderName + "]: JMX registration of " + name + " failed", e);
                return () -> { };
            }
            OWNERS.computeIfAbsent(name, n -> new ArrayDeque<>()).addLast(bean);
        }
        return () -> {
            synchronized (OWNERS) {
                Deque<RemoteSyslogMXBean> beans = OWNERS.get(name);
                if (beans == null || !beans.contains(bean)) {
                    return;
                }
                boolean shown = beans.peekLast() == bean;
                beans.remove(bean);
                if (!shown) {
                    return; // a newer appender of this name is shown; it stays
                }
                try {
                    if (beans.isEmpty()) {
                        OWNERS.remove(name);
                        server.unregisterMBean(name);
                    } else {
                        show(server, name, beans.peekLast());
                    }
                } catch (JMException | RuntimeException e) {
                    // best effort: already gone, or the MBean server refuses
                }
            }
        };
    }

    private static void show(MBeanServer server, ObjectName name, RemoteSyslogMXBean bean) throws JMException {
        try {
            server.registerMBean(bean, name);
        } catch (InstanceAlreadyExistsException e) {
            server.unregisterMBean(name);
            server.registerMBean(bean, name);
        }
    }

    private static final class View implements RemoteSyslogMXBean {
        private final Supplier<Health> health;

        View(Supplier<Health> health) {
            this.health = Objects.requireNonNull(health);
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
