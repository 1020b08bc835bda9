package dev.sluice.log4j2;

import dev.sluice.transport.event.LogEventView;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.StringLayout;
import org.apache.logging.log4j.util.ReadOnlyStringMap;

/**
 * A Log4j2 {@link LogEvent} seen as a {@link LogEventView}, for the length of one {@code append} call (async
 * loggers reuse their events afterwards). With a layout, MSG is the layout's output and the layout writes the
 * exception.
 */
final class Log4jEventView implements LogEventView {

    private final LogEvent event;
    private final Layout<? extends Serializable> layout;

    Log4jEventView(LogEvent event, Layout<? extends Serializable> layout) {
        this.event = event;
        this.layout = layout;
    }

    @Override
    public Instant timestamp() {
        org.apache.logging.log4j.core.time.Instant t = event.getInstant();
        return Instant.ofEpochSecond(t.getEpochSecond(), t.getNanoOfSecond());
    }

    /** The level's own name: a custom level ({@code Level.forName}) is written as it is named. */
    @Override
    public String levelName() {
        return event.getLevel().name();
    }

    /** The severity goes by the standard level the event's level ranks with, by its {@code intLevel}. */
    @Override
    public String standardLevelName() {
        return event.getLevel().getStandardLevel().name();
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
        if (layout == null) {
            return event.getMessage() == null ? "" : event.getMessage().getFormattedMessage();
        }
        if (layout instanceof StringLayout) {
            return (String) layout.toSerializable(event);
        }
        return new String(layout.toByteArray(event), StandardCharsets.UTF_8);
    }

    @Override
    public Throwable thrown() {
        return layout == null ? event.getThrown() : null;
    }

    @Override
    public Map<String, String> mdc() {
        ReadOnlyStringMap data = event.getContextData();
        return data == null || data.isEmpty() ? Map.of() : data.toMap();
    }

    @Override
    public List<String> markers() {
        Marker marker = event.getMarker();
        return marker == null ? List.of() : List.of(marker.getName());
    }
}
