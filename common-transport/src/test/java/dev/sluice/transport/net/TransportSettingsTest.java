package dev.sluice.transport.net;

import dev.sluice.transport.syslog.Framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class TransportSettingsTest {

    @Test
    void defaultsFollowTheDesign() {
        TransportSettings s = TransportSettings.defaults();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.ackTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.reconnectDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.windowSize()).isEqualTo(128);
        assertThat(s.framing()).isEqualTo(Framing.OCTET_COUNTING);
        assertThat(s.rebindInterval()).isZero();
        assertThat(s.maxRejectAttempts()).isEqualTo(3);
        assertThat(s.tls()).isEmpty();
        assertThat(s.newBackoff().next()).isBetween(Duration.ofMillis(100), Duration.ofMillis(500));
    }

    @Test
    void toBuilderKeepsEveryValue() {
        HostResolver resolver = host -> List.of();
        TransportSettings s = TransportSettings.builder().windowSize(7).ackTimeout(Duration.ofMillis(500))
                .framing(Framing.LF).rebindInterval(100).maxRejectAttempts(0).maxPending(10).resolver(resolver).build();
        TransportSettings copy = s.toBuilder().build();
        assertThat(copy).hasToString(s.toString());
        assertThat(copy.resolver()).isSameAs(resolver);
    }

    @Test
    void rejectsBadValuesNamingTheOption() {
        assertThatThrownBy(() -> TransportSettings.builder().windowSize(0))
                .hasMessage("windowSize: 0 (expected: 1-65536)");
        assertThatThrownBy(() -> TransportSettings.builder().ackTimeout(Duration.ZERO))
                .hasMessage("ackTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> TransportSettings.builder().connectTimeout(Duration.ofSeconds(-1)))
                .hasMessageStartingWith("connectTimeout: ");
        assertThatThrownBy(() -> TransportSettings.builder().rebindInterval(-1))
                .hasMessageStartingWith("rebindInterval: -1");
        assertThatThrownBy(() -> TransportSettings.builder().maxRejectAttempts(-1))
                .hasMessageStartingWith("maxRejectAttempts: -1");
        assertThatThrownBy(() -> TransportSettings.builder().reconnectDelay(Duration.ofMillis(100)).build())
                .hasMessage("initialReconnectDelay: PT0.5S (expected: <= reconnectDelay PT0.1S)");
    }
}
