package dev.sluice.log4j2;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusListener;
import org.apache.logging.log4j.status.StatusLogger;

/** Starts a {@link LoggerContext} of its own from a test resource and records the status messages meanwhile. */
final class ConfigFiles implements AutoCloseable {

    final LoggerContext context;
    final List<StatusData> status = new CopyOnWriteArrayList<>();
    private final StatusListener listener = new StatusListener() {
        @Override
        public void log(StatusData data) {
            status.add(data);
        }

        @Override
        public Level getStatusLevel() {
            return Level.WARN;
        }

        @Override
        public void close() {
        }
    };

    ConfigFiles(String resource) throws Exception {
        StatusLogger.getLogger().registerListener(listener);
        context = new LoggerContext(resource);
        try (InputStream in = ConfigFiles.class.getResourceAsStream("/" + resource)) {
            ConfigurationSource source = new ConfigurationSource(in, ConfigFiles.class.getResource("/" + resource));
            Configuration configuration = ConfigurationFactory.getInstance().getConfiguration(context, source);
            context.start(configuration);
        }
    }

    List<String> errors() {
        return status.stream().filter(d -> d.getLevel() == Level.ERROR)
                .map(d -> d.getMessage().getFormattedMessage()).toList();
    }

    @Override
    public void close() {
        context.stop();
        StatusLogger.getLogger().removeListener(listener);
    }
}
