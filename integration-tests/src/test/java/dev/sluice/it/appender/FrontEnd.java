package dev.sluice.it.appender;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;

import java.net.URISyntaxException;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.impl.ContextDataFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.time.MutableInstant;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.StringMap;

/**
 * One front-end configured from an XML file the way an application does it, in a logging context of its own:
 * Log4j2 through {@link Configurator#initialize(String, ClassLoader, java.net.URI)}, Logback through a new
 * {@link LoggerContext} with its own MDC adapter and a {@link JoranConfigurator}. Closing it stops the context,
 * and so the appender and its engine.
 */
abstract class FrontEnd implements AutoCloseable {

    private static final AtomicInteger CONTEXTS = new AtomicInteger();

    /** A Log4j2 context from the snippet file. */
    static FrontEnd log4j2() {
        return log4j2("/snippet-log4j2.xml", "billing.orders");
    }

    /** A Logback context from the snippet file. */
    static FrontEnd logback() {
        return logback("/snippet-logback.xml", "billing.payments");
    }

    abstract String loggerName();

    /** Logs at INFO ({@code routine}) or ERROR through the logger, with this MDC on the calling thread. */
    abstract void log(boolean routine, String message, Map<String, String> mdc);

    /** Logs a plain message at INFO with no MDC; the call the load test makes. */
    abstract void info(String message);

    /** Logs an INFO event that happened at {@code time}, with this MDC. */
    abstract void logAt(Instant time, String message, Map<String, String> mdc);

    /**
     * The {@code health()} of the appender named {@code appender}, found the way an application finds it (once,
     * now: the supplier keeps the appender object, also after {@link #close()}).
     */
    abstract Supplier<dev.sluice.transport.health.Health> health(String appender);

    /** Reads the same configuration file again, as a file monitor or a reload does. */
    abstract void reconfigure();

    @Override
    public abstract void close();

    static FrontEnd log4j2(String resource, String loggerName) {
        URL url = Objects.requireNonNull(FrontEnd.class.getResource(resource), resource);
        org.apache.logging.log4j.core.LoggerContext context;
        try {
            context = Configurator.initialize("sluice-it-" + CONTEXTS.incrementAndGet(),
                    FrontEnd.class.getClassLoader(), url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
        org.apache.logging.log4j.core.Logger logger = context.getLogger(loggerName);
        return new FrontEnd() {
            @Override
            String loggerName() {
                return loggerName;
            }

            @Override
            void log(boolean routine, String message, Map<String, String> mdc) {
                ThreadContext.putAll(mdc);
                try {
                    logger.log(routine ? Level.INFO : Level.ERROR, message);
                } finally {
                    ThreadContext.clearMap();
                }
            }

            @Override
            void info(String message) {
                logger.info(message);
            }

            @Override
            void logAt(Instant time, String message, Map<String, String> mdc) {
                MutableInstant instant = new MutableInstant();
                instant.initFromEpochSecond(time.getEpochSecond(), time.getNano());
                StringMap data = ContextDataFactory.createContextData();
                mdc.forEach(data::putValue);
                Log4jLogEvent event = Log4jLogEvent.newBuilder().setLoggerName(loggerName)
                        .setLoggerFqcn(FrontEnd.class.getName()).setLevel(Level.INFO)
                        .setMessage(new SimpleMessage(message)).setInstant(instant).setContextData(data)
                        .setThreadName(Thread.currentThread().getName()).build();
                context.getConfiguration().getLoggerConfig(loggerName).log(event);
            }

            @Override
            Supplier<dev.sluice.transport.health.Health> health(String appender) {
                dev.sluice.log4j2.RemoteSyslogAppender found = context.getConfiguration().getAppender(appender);
                return found::health;
            }

            @Override
            void reconfigure() {
                context.reconfigure();
            }

            @Override
            public void close() {
                Configurator.shutdown(context);
            }
        };
    }

    /** Runs Logback's Joran configurator on {@code context} with the file at {@code url}. */
    static void configureLogback(LoggerContext context, URL url) {
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        try {
            joran.doConfigure(url);
        } catch (JoranException e) {
            throw new IllegalStateException(e);
        }
    }

    static FrontEnd logback(String resource, String loggerName) {
        URL url = Objects.requireNonNull(FrontEnd.class.getResource(resource), resource);
        LoggerContext context = new LoggerContext();
        context.setName("sluice-it-" + CONTEXTS.incrementAndGet());
        context.setMDCAdapter(new LogbackMDCAdapter());
        configureLogback(context, url);
        List<Status> errors = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() >= Status.WARN).collect(Collectors.toList());
        if (!errors.isEmpty()) {
            throw new IllegalStateException("Logback configuration " + resource + ": " + errors);
        }
        ch.qos.logback.classic.Logger logger = context.getLogger(loggerName);
        return new FrontEnd() {
            @Override
            String loggerName() {
                return loggerName;
            }

            @Override
            void log(boolean routine, String message, Map<String, String> mdc) {
                mdc.forEach(context.getMDCAdapter()::put);
                try {
                    if (routine) {
                        logger.info(message);
                    } else {
                        logger.error(message);
                    }
                } finally {
                    context.getMDCAdapter().clear();
                }
            }

            @Override
            void info(String message) {
                logger.info(message);
            }

            @Override
            void logAt(Instant time, String message, Map<String, String> mdc) {
                LoggingEvent event = new LoggingEvent(ch.qos.logback.classic.Logger.class.getName(), logger,
                        ch.qos.logback.classic.Level.INFO, message, null, null);
                event.setInstant(time);
                event.setMDCPropertyMap(mdc);
                logger.callAppenders(event);
            }

            @Override
            Supplier<dev.sluice.transport.health.Health> health(String appender) {
                dev.sluice.logback.RemoteSyslogAppender found = (dev.sluice.logback.RemoteSyslogAppender) context
                        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(appender);
                return found::health;
            }

            @Override
            void reconfigure() {
                context.reset();
                configureLogback(context, url);
            }

            @Override
            public void close() {
                context.stop();
            }
        };
    }
}
