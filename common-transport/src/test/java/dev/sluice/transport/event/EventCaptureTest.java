package dev.sluice.transport.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transport.delivery.EngineEvent;
import dev.sluice.transport.syslog.Facility;
import dev.sluice.transport.syslog.Severity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@link EventMapper#capture} copies an event on the caller's thread and maps it later: the same message as
 * {@link EventMapper#map}, whatever the framework does with its event and MDC afterwards.
 */
class EventCaptureTest {

    /** A view over mutable state, like a framework event that is reused after append returns. */
    private static final class MutableView implements LogEventView {
        Instant time = Instant.parse("2026-11-27T09:00:00.123456Z");
        String level = "WARN";
        String logger = "com.example.Billing";
        String thread = "worker-1";
        String message = "charged \"42\" ]\n";
        Throwable thrown = new IllegalStateException("boom");
        final Map<String, String> mdc = new HashMap<>(Map.of("user", "alice", "request id", "r-1", "a", "z"));
        final List<String> markers = new ArrayList<>(List.of("AUDIT", "PAY"));

        @Override
        public Instant timestamp() {
            return time;
        }

        @Override
        public String levelName() {
            return level;
        }

        @Override
        public String loggerName() {
            return logger;
        }

        @Override
        public String threadName() {
            return thread;
        }

        @Override
        public String message() {
            return message;
        }

        @Override
        public Throwable thrown() {
            return thrown;
        }

        @Override
        public Map<String, String> mdc() {
            return mdc;
        }

        @Override
        public List<String> markers() {
            return markers;
        }
    }

    private final EventMapper mapper = EventMapper.builder().facility(Facility.LOCAL3).hostname("host")
            .appName("billing").procId("4711").build();

    @Test
    void capturedEventMapsToTheSameMessage() {
        MutableView view = new MutableView();
        EngineEvent captured = mapper.capture(view);
        assertThat(captured.message()).isEqualTo(mapper.map(view));
        assertThat(captured.timestamp()).isEqualTo(view.time);
        assertThat(captured.severity()).isEqualTo(Severity.WARNING);
        assertThat(captured.sizeEstimate()).isGreaterThan(view.message.length());
    }

    @Test
    void changesToTheFrameworksEventAfterAppendDoNotReachTheMessage() {
        MutableView view = new MutableView();
        var expected = mapper.map(view);
        EngineEvent captured = mapper.capture(view);
        view.time = Instant.EPOCH;
        view.level = "DEBUG";
        view.logger = "other";
        view.thread = "other";
        view.message = "other";
        view.thrown = null;
        view.mdc.clear();
        view.mdc.put("late", "value");
        view.markers.clear();
        assertThat(captured.message()).isEqualTo(expected);
    }

    @Test
    void anEventWithoutMdcMarkersOrExceptionAlsoMapsTheSame() {
        MutableView view = new MutableView();
        view.thrown = null;
        view.mdc.clear();
        view.markers.clear();
        view.message = null;
        assertThat(mapper.capture(view).message()).isEqualTo(mapper.map(view));
    }
}
