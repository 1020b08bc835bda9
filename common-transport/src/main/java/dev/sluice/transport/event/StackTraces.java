package dev.sluice.transport.event;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Renders an exception as text for MSG, the same in both front-ends: Java's own {@link Throwable#printStackTrace}
 * layout (every frame, {@code Caused by:} and {@code Suppressed:} sections, {@code ... n more}), with {@code LF}
 * line ends on every platform and no line end after the last line.
 */
public final class StackTraces {

    private StackTraces() {
    }

    public static String render(Throwable thrown) {
        StringWriter text = new StringWriter(1024);
        thrown.printStackTrace(new PrintWriter(text) {
            @Override
            public void println() {
                write('\n');
            }
        });
        return EventMapper.stripTrailingLineBreaks(text.toString());
    }
}
