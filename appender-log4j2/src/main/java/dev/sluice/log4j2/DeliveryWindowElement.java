package dev.sluice.log4j2;

import dev.sluice.transport.appender.DeliveryWindowOptions;

import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderFactory;

/** A {@code <DeliveryWindow>} element of {@code RemoteSyslog} (repeatable), as written, for the core to check. */
@Plugin(name = "DeliveryWindow", category = Node.CATEGORY, printObject = true)
public final class DeliveryWindowElement {

    private DeliveryWindowElement() {
    }

    @PluginBuilderFactory
    public static Builder newBuilder() {
        return new Builder();
    }

    /** Attributes of {@code <DeliveryWindow>}; see {@link DeliveryWindowOptions} for their meaning. Filled by Log4j2 and
     * checked by the core as strings, hence no setters ({@code log4j.public.setter} suppressed). */
    public static final class Builder implements org.apache.logging.log4j.core.util.Builder<DeliveryWindowOptions> {
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String begin;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String end;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String days;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String zone;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String stagger;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String urgentLevel;

        @Override
        public DeliveryWindowOptions build() {
            DeliveryWindowOptions o = new DeliveryWindowOptions();
            o.setBegin(begin);
            o.setEnd(end);
            o.setDays(days);
            o.setZone(zone);
            o.setStagger(stagger);
            o.setUrgentLevel(urgentLevel);
            return o;
        }
    }
}
