package dev.sluice.it.appender;

import dev.sluice.transport.health.Jmx;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** An appender's health as monitoring reads it: attributes of {@code dev.sluice:type=RemoteSyslog,name=…}. */
final class Health {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name;

    Health(String appender) {
        this.name = Jmx.objectName(appender);
    }

    String state() {
        return string("State");
    }

    String string(String attribute) {
        return (String) attribute(attribute);
    }

    long number(String attribute) {
        return (Long) attribute(attribute);
    }

    /** State and the main counters, for a failure message. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name.getKeyProperty("name")).append('[').append(state());
        for (String a : new String[] {"Accepted", "Acknowledged", "Dropped", "Resent", "Reconnects", "QueueRecords",
                "SpoolRecords"}) {
            try {
                b.append(' ').append(a).append('=').append(server.getAttribute(name, a));
            } catch (JMException e) {
                b.append(' ').append(a).append("=?");
            }
        }
        return b.append(']').toString();
    }

    private Object attribute(String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (JMException e) {
            throw new AssertionError("JMX " + name + " " + attribute + ": " + e, e);
        }
    }
}
