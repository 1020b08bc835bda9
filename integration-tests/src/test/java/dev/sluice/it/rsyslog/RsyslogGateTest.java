package dev.sluice.it.rsyslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class RsyslogGateTest {

    @Test
    void skipsWithAnInstallHintInAutoModeWhenRsyslogdIsMissing() {
        ConditionEvaluationResult r = RsyslogGate.evaluate(RsyslogGate.Mode.AUTO, Optional.empty());

        assertThat(r.isDisabled()).isTrue();
        assertThat(r.getReason()).get().asString()
                .contains("rsyslogd is not installed").contains("apt-get install rsyslog").contains("required");
    }

    @Test
    void failsInRequiredModeWhenRsyslogdIsMissing() {
        assertThatThrownBy(() -> RsyslogGate.evaluate(RsyslogGate.Mode.REQUIRED, Optional.empty()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("rsyslogd is not installed")
                .hasMessageContaining("sluice.rsyslog=required");
    }

    @Test
    void runsInEitherModeWhenRsyslogdIsPresent() {
        Path exe = Path.of("/usr/sbin/rsyslogd");
        assertThat(RsyslogGate.evaluate(RsyslogGate.Mode.AUTO, Optional.of(exe)).isDisabled()).isFalse();
        assertThat(RsyslogGate.evaluate(RsyslogGate.Mode.REQUIRED, Optional.of(exe)).isDisabled()).isFalse();
    }

    @Test
    void parsesModeCaseInsensitivelyAndRejectsUnknownValues() {
        assertThat(RsyslogGate.Mode.parse(null)).isEqualTo(RsyslogGate.Mode.AUTO);
        assertThat(RsyslogGate.Mode.parse("Required")).isEqualTo(RsyslogGate.Mode.REQUIRED);
        assertThatThrownBy(() -> RsyslogGate.Mode.parse("maybe"))
                .hasMessage("sluice.rsyslog: 'maybe' (expected: auto or required)");
    }
}
