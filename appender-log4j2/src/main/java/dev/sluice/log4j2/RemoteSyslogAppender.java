package dev.sluice.log4j2;

import dev.sluice.transport.appender.AppenderConfig;
import dev.sluice.transport.appender.DeliveryWindowOptions;
import dev.sluice.transport.appender.RemoteSyslogSink;
import dev.sluice.transport.appender.ResolvedConfig;
import dev.sluice.transport.appender.SpoolOptions;
import dev.sluice.transport.appender.TlsOptions;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.event.EventMapper;
import dev.sluice.transport.health.Diagnostics;
import dev.sluice.transport.health.Health;

import java.io.Serializable;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.appender.AppenderLoggingException;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LifeCycle;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginBuilderFactory;
import org.apache.logging.log4j.core.config.plugins.PluginElement;
import org.apache.logging.log4j.status.StatusLogger;

/**
 * The Log4j2 plugin {@code RemoteSyslog}: ships events to a syslog server over UDP, TCP, TLS or RELP.
 *
 * <pre>{@code
 * <RemoteSyslog name="central" target="relp+tls://logs.example.com:2514" appName="billing">
 *   <Tls caFile="/etc/pki/ca.pem" certFile="/etc/pki/app.pem" keyFile="/etc/pki/app.key"/>
 *   <Spool directory="/var/spool/billing-logs" maxSize="1 GB"/>
 *   <DeliveryWindow begin="22:00" end="04:00" stagger="30m" urgentLevel="ERROR"/>
 * </RemoteSyslog>
 * }</pre>
 *
 * Options and defaults are DESIGN's, checked by the core's {@link AppenderConfig}. A bad value is reported through
 * the {@link StatusLogger}, naming the option and the value, and the appender is not created; the application
 * starts anyway. An optional nested layout replaces the formatted message (and the stack trace) as MSG; without
 * one, MSG is the formatted message followed by the full stack trace.
 */
@Plugin(name = "RemoteSyslog", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE, printObject = true)
public final class RemoteSyslogAppender extends AbstractAppender {

    private static final StatusLogger LOGGER = StatusLogger.getLogger();

    /** The status logger as the core's diagnostics sink. */
    static final Diagnostics STATUS = new Diagnostics() {
        @Override
        public void warn(String message, Throwable cause) {
            LOGGER.warn(message, cause);
        }

        @Override
        public void error(String message, Throwable cause) {
            LOGGER.error(message, cause);
        }

        @Override
        public void info(String message) {
            LOGGER.info(message);
        }
    };

    private final ResolvedConfig config;
    /** The configuration this appender belongs to; {@code null} if built without one. */
    private final Configuration configuration;
    private volatile RemoteSyslogSink sink;

    private RemoteSyslogAppender(String name, Filter filter, Layout<? extends Serializable> layout,
            boolean ignoreExceptions, Property[] properties, ResolvedConfig config, Configuration configuration) {
        super(name, filter, layout, ignoreExceptions, properties);
        this.config = config;
        this.configuration = configuration;
    }

    @PluginBuilderFactory
    public static <B extends Builder<B>> B newBuilder() {
        return new Builder<B>().asBuilder();
    }

    /** The checked settings this appender's engine runs with. */
    public EngineSettings engineSettings() {
        return config.engineSettings();
    }

    /** The event mapping this appender uses. */
    public EventMapper mapper() {
        return config.mapper();
    }

    /**
     * "Is logging working?" in one call: the state, what waits in memory and in the spool, the age of the oldest
     * undelivered event, the last acknowledged delivery, the next window opening and the counters (the same as the
     * JMX bean). {@link Health#stopped()} when this appender is not started or has stopped: after a reconfiguration
     * that kept it alike, its successor goes on with the same engine, whose health is the successor's to tell.
     */
    public Health health() {
        return isStopped() ? Health.stopped() : RemoteSyslogSink.health(sink);
    }

    /**
     * Starts delivery; when the engine cannot start (its spool directory is used by another appender with other
     * targets, say), reports it and stays stopped, as the Logback appender does, instead of looking started while
     * it discards every event.
     */
    @Override
    public void start() {
        retireOutgoing();
        try {
            sink = RemoteSyslogSink.open(config.engineSettings(), config.mapper(),
                    configuration == null ? null : this::configurationStopping);
        } catch (RuntimeException e) {
            LOGGER.error("RemoteSyslog {}: {}", getName(), e.getMessage(), e);
            return;
        }
        super.start();
    }

    /**
     * Log4j2 starts a new configuration's appenders while the running one still logs, and stops the running one's
     * after. Its appenders of this plugin that the new configuration no longer has (renamed or removed) are about
     * to stop: their engines are marked as retiring ({@link RemoteSyslogSink#retire()}) before this one acquires,
     * so that an appender renamed, with or without other targets, on the same spool directory or targets becomes
     * the successor of the old one's engine (as in a Logback reload) instead of being refused the spool or sharing
     * the engine with the old options.
     */
    private void retireOutgoing() {
        LoggerContext context = configuration == null ? null : configuration.getLoggerContext();
        Configuration running = context == null ? null : context.getConfiguration();
        if (running == null || running == configuration) {
            return;
        }
        for (Appender a : running.getAppenders().values()) {
            if (a instanceof RemoteSyslogAppender old && configuration.getAppender(old.getName()) == null) {
                RemoteSyslogSink s = old.sink;
                if (s != null) {
                    s.retire();
                }
            }
        }
    }

    /**
     * Whether this appender's configuration is stopping or stopped: a caller blocked by {@code overflow=block} then
     * gives up (its event dropped as at a stop). Log4j2 stops a configuration's appenders only after every call
     * inside them has returned ({@code AwaitCompletionReliabilityStrategy}, with no time limit), and only the
     * appender's stop would stop the engine: without this, its shutdown hook, {@code LogManager.shutdown()} or a
     * reconfiguration waited for ever for a caller blocked while the receiver is down.
     */
    private boolean configurationStopping() {
        LifeCycle.State state = configuration.getState();
        return state == LifeCycle.State.STOPPING || state == LifeCycle.State.STOPPED;
    }

    @Override
    public boolean stop(long timeout, TimeUnit timeUnit) {
        setStopping();
        boolean stopped = super.stop(timeout, timeUnit, false);
        RemoteSyslogSink s = sink;
        if (s != null) {
            s.close();
        }
        setStopped();
        return stopped;
    }

    /**
     * Hands the event to the engine. With {@code ignoreExceptions="false"}, an event the engine does not take
     * (dropped and counted under its reason: a full queue or spool, a spool that cannot be written, no engine after a
     * failed reconfiguration, a stop) throws {@link AppenderLoggingException}, as
     * Log4j2's appenders do when they fail an event, so that a {@code <Failover>} writes it elsewhere; by default it
     * is counted and reported by the engine only.
     */
    @Override
    public void append(LogEvent event) {
        RemoteSyslogSink s = sink;
        if (s == null) {
            // Not started. Log4j2 calls a non-started appender anyway when it ignores exceptions (the default), and
            // says nothing: report it, as Logback does, through the error handler (rate-limited).
            error("RemoteSyslog " + getName() + ": not started; event discarded");
            return;
        }
        boolean taken;
        try {
            taken = s.append(new Log4jEventView(event, getLayout()));
        } catch (RuntimeException e) {
            if (!ignoreExceptions()) {
                throw new AppenderLoggingException("RemoteSyslog " + getName() + ": " + e.getMessage(), e);
            }
            error("RemoteSyslog " + getName() + ": " + e.getMessage(), event, e);
            return;
        }
        if (!taken && !ignoreExceptions()) {
            throw new AppenderLoggingException("RemoteSyslog " + getName() + ": event not taken (dropped and"
                    + " counted; the status log and the drop counters by reason say why)");
        }
    }

    /** Attributes and nested elements of {@code <RemoteSyslog>}, as written; see DESIGN for each option. Filled by Log4j2 and
     * checked by the core as strings, hence no setters ({@code log4j.public.setter} suppressed). */
    public static class Builder<B extends Builder<B>> extends AbstractAppender.Builder<B>
            implements org.apache.logging.log4j.core.util.Builder<RemoteSyslogAppender> {

        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String target;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String format;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String framing;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String appName;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String hostname;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String facility;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String sequenceIds;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String heartbeat;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String queueCapacity;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String overflow;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String maxBytesPerSecond;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String windowSize;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String connectTimeout;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String ackTimeout;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String reconnectDelay;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String failover;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String primaryRetry;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String rebindInterval;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String connectionTtl;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String maxMessageSize;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String shutdownTimeout;
        @SuppressWarnings("log4j.public.setter")
        @PluginBuilderAttribute private String mdcId;
        @PluginElement("Tls") private TlsOptions tls;
        @PluginElement("Spool") private SpoolOptions spool;
        @PluginElement("DeliveryWindow") private DeliveryWindowOptions[] deliveryWindows;

        /**
         * Checks every option with the core; reports each problem through the {@link StatusLogger}.
         *
         * @return the appender, or {@code null} when an option is wrong
         */
        @Override
        public RemoteSyslogAppender build() {
            String name = getName() == null ? "RemoteSyslog" : getName();
            ResolvedConfig resolved = toConfig().resolve(name, STATUS);
            for (String warning : resolved.warnings()) {
                LOGGER.warn("RemoteSyslog {}: {}", name, warning);
            }
            if (!resolved.isValid()) {
                for (String error : resolved.errors()) {
                    LOGGER.error("RemoteSyslog {}: {}", name, error);
                }
                return null;
            }
            return new RemoteSyslogAppender(name, getFilter(), getLayout(), isIgnoreExceptions(),
                    getPropertyArray(), resolved, getConfiguration());
        }

        private AppenderConfig toConfig() {
            AppenderConfig c = new AppenderConfig();
            c.setTarget(target);
            c.setFormat(format);
            c.setFraming(framing);
            c.setAppName(appName);
            c.setHostname(hostname);
            c.setFacility(facility);
            c.setSequenceIds(sequenceIds);
            c.setHeartbeat(heartbeat);
            c.setQueueCapacity(queueCapacity);
            c.setOverflow(overflow);
            c.setMaxBytesPerSecond(maxBytesPerSecond);
            c.setWindowSize(windowSize);
            c.setConnectTimeout(connectTimeout);
            c.setAckTimeout(ackTimeout);
            c.setReconnectDelay(reconnectDelay);
            c.setFailover(failover);
            c.setPrimaryRetry(primaryRetry);
            c.setRebindInterval(rebindInterval);
            c.setConnectionTtl(connectionTtl);
            c.setMaxMessageSize(maxMessageSize);
            c.setShutdownTimeout(shutdownTimeout);
            c.setMdcId(mdcId);
            c.setTls(tls);
            c.setSpool(spool);
            if (deliveryWindows != null) {
                for (DeliveryWindowOptions w : deliveryWindows) {
                    c.addDeliveryWindow(w);
                }
            }
            return c;
        }
    }
}
