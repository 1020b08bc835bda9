package dev.sluice.transport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SizesTest {

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource(delimiter = '|', value = {
            "512          | 512",
            "0            | 0",
            "'512 B'      | 512",
            "512b         | 512",
            "'64 KB'      | 65536",
            "8KB          | 8192",
            "8kb          | 8192",
            "8k           | 8192",
            "'4 KiB'      | 4096",
            "'1 GB'       | 1073741824",
            "1g           | 1073741824",
            "'2 MB'       | 2097152",
            "'2 MiB'      | 2097152",
            "'1.5 MB'     | 1572864",
            "'0.5KB'      | 512",
            "'1 TB'       | 1099511627776",
            "'  1 GB  '   | 1073741824",
            "'1.0001 KB'  | 1024",
            "9223372036854775807 | 9223372036854775807",
    })
    void acceptsBytesAndBinaryUnits(String value, long expected) {
        assertThat(Sizes.parse("maxSize", value)).isEqualTo(expected);
    }

    @Test
    void countsAKilobyteAs1024BytesAsLog4j2AndLogbackDo() {
        assertThat(Sizes.parse("maxMessageSize", "1 KB")).isEqualTo(1024);
    }

    @Test
    void rejectsUnknownUnitNamingOptionAndValue() {
        assertThatThrownBy(() -> Sizes.parse("maxSize", "1 XB"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("maxSize: '1 XB' (expected a size such as 512, 64 KB, 1 GB)");
    }

    @Test
    void rejectsMalformedNumbers() {
        for (String value : new String[] {"KB", "1,5 MB", "1..5 MB", "one GB", "1 G B", "0x10"}) {
            assertThatThrownBy(() -> Sizes.parse("maxSize", value))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("maxSize: '" + value + "' (expected a size such as 512, 64 KB, 1 GB)");
        }
    }

    @Test
    void rejectsNegativeSizes() {
        assertThatThrownBy(() -> Sizes.parse("maxBytesPerSecond", "-1 MB"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("maxBytesPerSecond: '-1 MB' (expected a size that is not negative, such as 512, 64 KB, "
                        + "1 GB)");
    }

    @Test
    void rejectsFractionalBytes() {
        assertThatThrownBy(() -> Sizes.parse("maxSize", "1.5"))
                .hasMessage("maxSize: '1.5' (expected a whole number of bytes, or a unit after a fraction, such as "
                        + "1.5 MB)");
    }

    @Test
    void rejectsSizesThatOverflowALong() {
        for (String value : new String[] {"9223372036854775808", "8388608 TB", "99999999999999999999999 KB"}) {
            assertThatThrownBy(() -> Sizes.parse("maxSize", value))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("maxSize: '" + value + "' (expected a size of at most 9223372036854775807 bytes)");
        }
        assertThat(Sizes.parse("maxSize", "8388607 TB")).isEqualTo(8388607L << 40);
    }

    @Test
    void rejectsMissingAndBlankValues() {
        assertThatThrownBy(() -> Sizes.parse("maxSize", null))
                .hasMessage("maxSize: no value (expected a size such as 512, 64 KB, 1 GB)");
        assertThatThrownBy(() -> Sizes.parse("maxSize", ""))
                .hasMessage("maxSize: '' (expected a size such as 512, 64 KB, 1 GB)");
    }
}
