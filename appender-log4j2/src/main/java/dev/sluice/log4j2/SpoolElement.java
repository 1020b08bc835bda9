package dev.sluice.log4j2;

import dev.sluice.transport.appender.SpoolOptions;

import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderFactory;

/** The {@code <Spool>} element of {@code RemoteSyslog}: its attributes, as written, for the core to check. */
@Plugin(name = "Spool", category = Node.CATEGORY, printObject = true)
public final class SpoolElement {

    private SpoolElement() {
    }

    @PluginBuilderFactory
    public static Builder newBuilder() {
        return new Builder();
    }

    /** Attributes of {@code <Spool>}; see {@link SpoolOptions} for their meaning. Filled by Log4j2 and
     * checked by the core as strings, hence no setters ({@code log4j.public.setter} suppressed). */
    public static final class Builder implements org.apache.logging.log4j.core.util.Builder<SpoolOptions> {
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String directory;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String maxSize;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String fsync;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String fsyncInterval;

        @Override
        public SpoolOptions build() {
            SpoolOptions o = new SpoolOptions();
            o.setDirectory(directory);
            o.setMaxSize(maxSize);
            o.setFsync(fsync);
            o.setFsyncInterval(fsyncInterval);
            return o;
        }
    }
}
