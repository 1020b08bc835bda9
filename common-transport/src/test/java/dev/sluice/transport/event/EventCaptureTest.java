package dev.sluice.transport.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transport.delivery.EngineEvent;
import dev.sluice.transport.syslog.Facility;
import dev.sluice.transport.syslog.Framing;
import dev.sluice.transport.syslog.SdElement;
import dev.sluice.transport.syslog.SdParam;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogBuffer;
import dev.sluice.transport.syslog.SyslogEncoder;
import dev.sluice.transport.syslog.SyslogFields;
import dev.sluice.transport.syslog.SyslogFormat;
import dev.sluice.transport.syslog.SyslogFormatter;
import dev.sluice.transport.syslog.SyslogMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link EventMapper#capture} copies an event on the caller's thread and maps it later: the same message as
 * {@link EventMapper#map}, whatever the framework does with its event and MDC afterwards; and formatted directly
 * (without a {@link SyslogMessage}), the same octets as its message.
 */
class EventCaptureTest {

    /** A view over mutable state, like a framework event that is reused after append returns. */
    private static class MutableView implements LogEventView {
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
        assertThat(captured.fields().toMessage()).isEqualTo(mapper.map(view));
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
        assertThat(captured.fields().toMessage()).isEqualTo(expected);
    }

    @Test
    void theMdcIsSortedByKeyAndItsKeysMadeParamNames() {
        MutableView view = new MutableView();
        view.thrown = null;
        view.message = "text\r\n";
        SyslogMessage m = mapper.map(view);
        assertThat(m.structuredData().elements()).extracting(SdElement::id)
                .containsExactly(EventMapper.LOG_ID, EventMapper.DEFAULT_MDC_ID, EventMapper.MARKER_ID);
        assertThat(m.structuredData().element(EventMapper.DEFAULT_MDC_ID).orElseThrow().params())
                .containsExactly(new SdParam("a", "z"), new SdParam("request_id", "r-1"), new SdParam("user", "alice"));
        assertThat(m.structuredData().element(EventMapper.LOG_ID).orElseThrow().params()).containsExactly(
                new SdParam("logger", "com.example.Billing"), new SdParam("thread", "worker-1"),
                new SdParam("level", "WARN"));
        assertThat(m.message()).isEqualTo("text");
        assertThat(m.priority()).isEqualTo(Facility.LOCAL3.code() * 8 + Severity.WARNING.code());
    }

    /**
     * The engine formats a captured event from its own fields; the octets must be those of the message
     * {@link EventMapper#map} gives, for any event: MDC keys that need sanitizing, values that need escaping,
     * markers, traces, non-ASCII text, empty and absent parts; in both formats, with and without a sequence id and
     * LF framing.
     */
    @Test
    void formattedDirectlyTheSameOctetsAsTheMappedMessage() {
        Random random = new Random(20261128);
        String[] pieces = {"", "a", "Z9", "request id", "x=y", "]", "\"", "\\", "é", "日本", "\uD83D\uDE00", "\n", "\r\n",
                " ", "-", "averyveryveryveryveryveryverylongkeyname", "\u0000", "\t"};
        List<SyslogEncoder> encoders = List.of(SyslogEncoder.builder().build(),
                SyslogEncoder.builder().bom(false).framing(Framing.LF).maxMessageSize(180).build(),
                SyslogEncoder.builder().format(SyslogFormat.RFC3164).framing(Framing.OCTET_COUNTING).build());
        for (int n = 0; n < 3000; n++) {
            MutableView view = new MutableView();
            view.level = random.nextInt(10) == 0 ? null : List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").get(
                    random.nextInt(5));
            view.logger = random.nextInt(10) == 0 ? null : text(random, pieces);
            view.thread = random.nextInt(10) == 0 ? null : text(random, pieces);
            view.message = random.nextInt(10) == 0 ? null : text(random, pieces);
            view.thrown = random.nextInt(4) == 0 ? new IllegalStateException(text(random, pieces)) : null;
            view.mdc.clear();
            for (int i = random.nextInt(5); i > 0; i--) {
                view.mdc.put(text(random, pieces), random.nextInt(8) == 0 ? null : text(random, pieces));
            }
            view.markers.clear();
            for (int i = random.nextInt(3); i > 0; i--) {
                view.markers.add(text(random, pieces));
            }
            SyslogFields direct = mapper.capture(view).fields();
            SyslogMessage message = mapper.map(view);
            long seq = random.nextBoolean() ? SyslogFormatter.NO_SEQUENCE_ID : random.nextInt(1_000_000);
            for (SyslogEncoder encoder : encoders) {
                SyslogBuffer a = new SyslogBuffer();
                SyslogBuffer b = new SyslogBuffer();
                boolean cutA = encoder.encodeTo(direct, seq, a);
                boolean cutB = encoder.encodeTo(message, seq, b);
                assertThat(a.toByteArray()).as("event %d with %s", n, encoder).isEqualTo(b.toByteArray());
                assertThat(cutA).isEqualTo(cutB);
            }
        }
    }

    private static String text(Random random, String[] pieces) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
            b.append(pieces[random.nextInt(pieces.length)]);
        }
        return b.toString();
    }

    @Test
    void anEventWithoutMdcMarkersOrExceptionAlsoMapsTheSame() {
        MutableView view = new MutableView();
        view.thrown = null;
        view.mdc.clear();
        view.markers.clear();
        view.message = null;
        assertThat(mapper.capture(view).fields().toMessage()).isEqualTo(mapper.map(view));
    }

    /** A trace in the framework's own layout (a deserialized Logback event's) ends with a line separator. */
    @Test
    void aTraceThatEndsWithALineBreakEndsMsgWithoutIt() {
        MutableView view = new MutableView() {
            @Override
            public String thrownText() {
                return "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\r\n";
            }
        };
        view.message = "failed";
        assertThat(mapper.map(view).message())
                .isEqualTo("failed\njava.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)");
        assertThat(mapper.capture(view).fields().toMessage()).isEqualTo(mapper.map(view));
    }
}
