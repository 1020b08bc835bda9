package dev.sluice.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Layout;

import dev.sluice.transport.event.LogEventView;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Marker;

/**
 * A Logback {@link ILoggingEvent} seen as a {@link LogEventView}, for the length of one {@code append} call. With a
 * layout, MSG is the layout's output and the layout writes the exception.
 */
final class LogbackEventView implements LogEventView {

    private final ILoggingEvent event;
    private final Layout<ILoggingEvent> layout;

    LogbackEventView(ILoggingEvent event, Layout<ILoggingEvent> layout) {
        this.event = event;
        this.layout = layout;
    }

    @Override
    public Instant timestamp() {
        return event.getInstant();
    }

    @Override
    public String levelName() {
        return event.getLevel().toString();
    }

    @Override
    public String loggerName() {
        return event.getLoggerName();
    }

    @Override
    public String threadName() {
        return event.getThreadName();
    }

    @Override
    public String message() {
        return layout == null ? event.getFormattedMessage() : layout.doLayout(event);
    }

    @Override
    public Throwable thrown() {
        return layout == null && event.getThrowableProxy() instanceof ThrowableProxy proxy
                ? proxy.getThrowable() : null;
    }

    @Override
    public String thrownText() {
        IThrowableProxy proxy = layout == null ? event.getThrowableProxy() : null;
        if (proxy == null) {
            return null;
        }
        // A deserialized event has only a description of the exception, in Logback's own layout.
        return proxy instanceof ThrowableProxy ? LogEventView.super.thrownText() : ThrowableProxyUtil.asString(proxy);
    }

    @Override
    public Map<String, String> mdc() {
        Map<String, String> mdc;
        try {
            mdc = event.getMDCPropertyMap();
        } catch (NullPointerException noMdcAdapter) {
            // A LoggerContext made by hand without setMDCAdapter(): Logback itself cannot read the MDC then.
            return Map.of();
        }
        return mdc == null ? Map.of() : mdc;
    }

    @Override
    public List<String> markers() {
        List<Marker> markers = event.getMarkerList();
        if (markers == null || markers.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(markers.size());
        for (Marker m : markers) {
            names.add(m.getName());
        }
        return names;
    }
}
