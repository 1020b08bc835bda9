package dev.sluice.transport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ZonesTest {

    @Test
    void acceptsRegionIdsOffsetsAndUtc() {
        assertThat(Zones.parse("zone", "Europe/Berlin")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(Zones.parse("zone", " America/New_York ")).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(Zones.parse("zone", "UTC")).isEqualTo(ZoneId.of("UTC"));
        assertThat(Zones.parse("zone", "Z")).isEqualTo(ZoneOffset.UTC);
        assertThat(Zones.parse("zone", "+01:00")).isEqualTo(ZoneOffset.ofHours(1));
        assertThat(Zones.parse("zone", "UTC+02:00")).isEqualTo(ZoneId.of("UTC+02:00"));
    }

    @Test
    void acceptsRegionIdsInAnyCase() {
        assertThat(Zones.parse("zone", "europe/berlin")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(Zones.parse("zone", "AMERICA/NEW_YORK")).isEqualTo(ZoneId.of("America/New_York"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Europe/Berln", "PST", "CEST", "+25:00", "Mars/Olympus", ""})
    void rejectsUnknownZones(String value) {
        assertThatThrownBy(() -> Zones.parse("zone", value))
                .isInstanceOf(ConfigException.class)
                .hasMessage("zone: '" + value + "' (expected a time-zone ID such as Europe/Berlin, UTC or +01:00)");
    }

    @Test
    void rejectsMissingValue() {
        assertThatThrownBy(() -> Zones.parse("zone", null))
                .hasMessage("zone: no value (expected a time-zone ID such as Europe/Berlin, UTC or +01:00)");
    }
}
