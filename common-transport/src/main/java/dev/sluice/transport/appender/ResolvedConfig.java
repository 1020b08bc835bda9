package dev.sluice.transport.appender;

import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.event.EventMapper;

import java.util.List;

/**
 * The outcome of {@link AppenderConfig#resolve}: either the typed settings (engine settings and event mapper) or
 * every problem found, each a message that names the option and the value and says what is accepted. Warnings
 * (such as {@code authMode anon}) may come with either. Immutable.
 */
public final class ResolvedConfig {

    private final EngineSettings engineSettings;
    private final EventMapper mapper;
    private final List<String> errors;
    private final List<String> warnings;

    ResolvedConfig(EngineSettings engineSettings, EventMapper mapper, List<String> errors, List<String> warnings) {
        this.engineSettings = errors.isEmpty() ? engineSettings : null;
        this.mapper = errors.isEmpty() ? mapper : null;
        this.errors = List.copyOf(errors);
        this.warnings = List.copyOf(warnings);
    }

    /** Whether there were no errors; then {@link #engineSettings()} and {@link #mapper()} are set. */
    public boolean isValid() {
        return errors.isEmpty();
    }

    /** The engine's settings, or {@code null} when there were errors. */
    public EngineSettings engineSettings() {
        return engineSettings;
    }

    /** The event mapper, or {@code null} when there were errors. */
    public EventMapper mapper() {
        return mapper;
    }

    /** Every configuration error, in option order; empty when valid. */
    public List<String> errors() {
        return errors;
    }

    /** Things to tell the user that do not stop the appender. */
    public List<String> warnings() {
        return warnings;
    }
}
