package dev.sluice.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

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

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ships events to a syslog server over UDP, TCP, TLS or RELP.
 *
 * <pre>{@code
 * <appender name="CENTRAL" class="dev.sluice.logback.RemoteSyslogAppender">
 *   <target>relp+tls://logs.example.com:2514</target>
 *   <tls><caFile>/etc/pki/ca.pem</caFile><certFile>/etc/pki/app.pem</certFile><keyFile>/etc/pki/app.key</keyFile></tls>
 *   <spool><directory>/var/spool/billing-logs</directory></spool>
 *   <deliveryWindow><begin>22:00</begin><end>04:00</end><urgentLevel>ERROR</urgentLevel></deliveryWindow>
 * </appender>
 * }</pre>
 *
 * Options and defaults are DESIGN's, checked by the core's {@link AppenderConfig} when the appender starts. Each bad
 * value is reported with {@code addError}, naming the option and the value, and the appender does not start; the
 * application starts anyway (not under Spring Boot, which fails its start on any error in the status manager).
 * Problems the appender survives while it runs (a spool it cannot use yet, a quarantined spool record, a TLS
 * failure it retries) are reported with {@code addWarn}. An optional {@code layout} (or a layout-based
 * {@code encoder}) replaces the formatted message and the stack trace as MSG.
 */
public final class RemoteSyslogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** Context object: the started appenders of this class in the context, by name. */
    private static final String STARTED_KEY = RemoteSyslogAppender.class.getName() + ".started";

    private final AppenderConfig config = new AppenderConfig();
    private Layout<ILoggingEvent> layout;
    private Encoder<ILoggingEvent> encoder;
    private ResolvedConfig resolved;
    private volatile RemoteSyslogSink sink;
    /** This context's hand-over at reconfigurations; {@code null} outside a Logback {@code LoggerContext}. */
    private ReloadHandOver handOver;
    /**
     * The context's map of started appenders when this one started: a reset of the context clears its objects
     * before it stops the appenders, so a stop that finds another map (or none) comes from a reset.
     */
    private Object startedIn;

    private final Diagnostics status = new Diagnostics() {
        @Override
        public void warn(String message, Throwable cause) {
            addWarn(message, cause);
        }

        @Override
        public void error(String message, Throwable cause) {
            addError(message, cause);
        }

        /**
         * A warning: the appender runs on, and Spring Boot fails the application's start on any ERROR status in the
         * context after configuration, so an ERROR here would stop the application for a problem the appender
         * handles (a locked spool, a quarantined record, a TLS failure it retries).
         */
        @Override
        public void survivedError(String message, Throwable cause) {
            addWarn(message, cause);
        }

        @Override
        public void info(String message) {
            addInfo(message);
        }
    };

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        ResolvedConfig r = config.resolve(getName() == null ? "RemoteSyslog" : getName(), status);
        r.warnings().forEach(this::addWarn);
        r.errors().forEach(this::addError);
        Layout<ILoggingEvent> msgLayout = messageLayout();
        if (!r.isValid() || (encoder != null && msgLayout == null)) {
            return;
        }
        replaceStartedTwin();
        handOver = ReloadHandOver.of(getContext());
        if (handOver != null) {
            handOver.awaitClosing(r.engineSettings());
        }
        try {
            sink = RemoteSyslogSink.open(r.engineSettings(), r.mapper());
        } catch (RuntimeException e) {
            addError(e.getMessage(), e);
            return;
        }
        startedIn = getContext() == null ? null : startedInContext();
        resolved = r;
        layout = msgLayout;
        super.start();
    }

    /**
     * Logback starts every {@code <appender>} it reads but attaches, by name, only the last of a name; an earlier
     * one of the same name would be lost still running (its delivery thread, connection and spool lock kept until
     * the JVM ends, as no reset stops it). So this appender stops it first, and says so.
     */
    private void replaceStartedTwin() {
        if (getContext() == null || getName() == null) {
            return;
        }
        RemoteSyslogAppender twin = startedInContext().put(getName(), this);
        if (twin != null && twin != this && twin.isStarted()) {
            addWarn("another appender named " + getName() + " was started before this one in this configuration;"
                    + " Logback uses the last of a name, so that one is stopped");
            twin.stop();
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, RemoteSyslogAppender> startedInContext() {
        synchronized (RemoteSyslogAppender.class) {
            Object started = getContext().getObject(STARTED_KEY);
            if (started == null) {
                started = new ConcurrentHashMap<String, RemoteSyslogAppender>();
                getContext().putObject(STARTED_KEY, started);
            }
            return (Map<String, RemoteSyslogAppender>) started;
        }
    }

    private Layout<ILoggingEvent> messageLayout() {
        if (encoder == null) {
            return layout;
        }
        if (encoder instanceof LayoutWrappingEncoder<ILoggingEvent> wrapping) {
            return wrapping.getLayout();
        }
        addError("encoder: " + encoder.getClass().getName() + " (expected a layout-based encoder, such as"
                + " PatternLayoutEncoder, or a layout)");
        return null;
    }

    /**
     * Stops the appender. Stopped by a reset of the context (a reconfiguration), it leaves its engine running for
     * the next configuration's appender to take over ({@link ReloadHandOver}); stopped otherwise, or by a stop of
     * the context, it stops the engine, draining for at most {@code shutdownTimeout}.
     */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        boolean byReset = handOver != null && getContext().getObject(STARTED_KEY) != startedIn;
        if (getContext() != null && getName() != null && !byReset) {
            startedInContext().remove(getName(), this);
        }
        RemoteSyslogSink s = sink;
        sink = null;
        if (s == null) {
            return;
        }
        if (byReset) {
            addInfo("stopped by a reset of the logging context: its delivery engine runs on for the next"
                    + " configuration's appenders to take over (at most " + ReloadHandOver.GRACE.toSeconds()
                    + " s without one)");
            handOver.park(resolved.engineSettings(), s);
        } else {
            s.close();
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        RemoteSyslogSink s = sink;
        if (s != null) {
            s.append(new LogbackEventView(event, layout));
        }
    }

    /** The checked settings this appender's engine runs with; {@code null} before a successful start. */
    public EngineSettings engineSettings() {
        return resolved == null ? null : resolved.engineSettings();
    }

    /** The event mapping this appender uses; {@code null} before a successful start. */
    public EventMapper mapper() {
        return resolved == null ? null : resolved.mapper();
    }

    /**
     * "Is logging working?" in one call: the state, what waits in memory and in the spool, the age of the oldest
     * undelivered event, the last acknowledged delivery, the next window opening and the counters (the same as the
     * JMX bean). {@link Health#stopped()} when this appender is not started.
     */
    public Health health() {
        return RemoteSyslogSink.health(sink);
    }

    /** Formats MSG instead of the formatted message and stack trace. */
    public void setLayout(Layout<ILoggingEvent> layout) {
        this.layout = layout;
    }

    /** A layout-based encoder whose layout formats MSG (its charset is not used: MSG is UTF-8). */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    // Options, as written; see DESIGN and AppenderConfig for their meaning and defaults.

    public void setTarget(String value) {
        config.setTarget(value);
    }

    public void setFormat(String value) {
        config.setFormat(value);
    }

    public void setFraming(String value) {
        config.setFraming(value);
    }

    public void setAppName(String value) {
        config.setAppName(value);
    }

    public void setHostname(String value) {
        config.setHostname(value);
    }

    public void setFacility(String value) {
        config.setFacility(value);
    }

    public void setSequenceIds(String value) {
        config.setSequenceIds(value);
    }

    public void setHeartbeat(String value) {
        config.setHeartbeat(value);
    }

    public void setQueueCapacity(String value) {
        config.setQueueCapacity(value);
    }

    public void setOverflow(String value) {
        config.setOverflow(value);
    }

    public void setMaxBytesPerSecond(String value) {
        config.setMaxBytesPerSecond(value);
    }

    public void setWindowSize(String value) {
        config.setWindowSize(value);
    }

    public void setConnectTimeout(String value) {
        config.setConnectTimeout(value);
    }

    public void setAckTimeout(String value) {
        config.setAckTimeout(value);
    }

    public void setReconnectDelay(String value) {
        config.setReconnectDelay(value);
    }

    public void setFailover(String value) {
        config.setFailover(value);
    }

    public void setPrimaryRetry(String value) {
        config.setPrimaryRetry(value);
    }

    public void setRebindInterval(String value) {
        config.setRebindInterval(value);
    }

    public void setConnectionTtl(String value) {
        config.setConnectionTtl(value);
    }

    public void setMaxMessageSize(String value) {
        config.setMaxMessageSize(value);
    }

    public void setShutdownTimeout(String value) {
        config.setShutdownTimeout(value);
    }

    public void setMdcId(String value) {
        config.setMdcId(value);
    }

    /** {@code <tls>}: a {@link TlsOptions} bean, made by Joran from the parameter type. */
    public void setTls(TlsOptions tls) {
        config.setTls(tls);
    }

    /** {@code <spool>}: a {@link SpoolOptions} bean. */
    public void setSpool(SpoolOptions spool) {
        config.setSpool(spool);
    }

    /** {@code <deliveryWindow>}, repeatable: a {@link DeliveryWindowOptions} bean each. */
    public void addDeliveryWindow(DeliveryWindowOptions window) {
        config.addDeliveryWindow(window);
    }
}
