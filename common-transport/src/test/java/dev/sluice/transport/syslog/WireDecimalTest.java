package dev.sluice.transport.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decimal numbers (sequence ids, PRI, octet counts) are written as {@link Long#toString} writes them. */
class WireDecimalTest {

    @Test
    void everyPowerOfTenAndItsNeighboursAndRandomValuesAreWrittenAsLongToStringWritesThem() {
        List<Long> values = new ArrayList<>(List.of(0L, (long) Integer.MAX_VALUE, Integer.MAX_VALUE + 1L,
                Long.MAX_VALUE, Long.MAX_VALUE - 1));
        for (long p = 1; ; p *= 10) {
            values.addAll(List.of(p - 1, p, p + 1));
            if (p > Long.MAX_VALUE / 10) {
                break;
            }
        }
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            values.add(random.nextLong() >>> (1 + random.nextInt(63)));
        }
        for (long v : values) {
            SyslogBuffer out = new SyslogBuffer(0);
            out.write('x');
            Wire.writeDecimal(out, v);
            assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII)).as("value %d", v)
                    .isEqualTo("x" + v);
            assertThat(Wire.decimalLength(v)).as("length of %d", v).isEqualTo(Long.toString(v).length());
            if (v <= Integer.MAX_VALUE) {
                assertThat(Wire.decimalLength((int) v)).isEqualTo(Long.toString(v).length());
            }
        }
    }

    @Test
    void aNegativeNumberIsRefused() {
        assertThatThrownBy(() -> Wire.writeDecimal(new SyslogBuffer(), -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
