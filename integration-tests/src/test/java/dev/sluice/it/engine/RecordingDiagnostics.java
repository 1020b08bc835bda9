package dev.sluice.it.engine;

import dev.sluice.transport.health.Diagnostics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Diagnostics that keep every warning, error and information ({@code "WARN …"}, {@code "ERROR …"},
 * {@code "INFO …"}), for assertions.
 */
final class RecordingDiagnostics implements Diagnostics {

    final List<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public void warn(String message, Throwable cause) {
        messages.add("WARN " + message);
    }

    @Override
    public void error(String message, Throwable cause) {
        messages.add("ERROR " + message);
    }

    @Override
    public void info(String message) {
        messages.add("INFO " + message);
    }
}
