package dev.sluice.transport.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one size parser of both front-ends (STYLE 12): a number of bytes.
 *
 * <p>Accepted forms, surrounding white space ignored: a whole number of bytes ({@code 512}, {@code 512 B}), or a
 * number and a unit with or without a space, the unit in any case: {@code 8KB}, {@code 64 KB}, {@code 1 GB},
 * {@code 1.5 MB}, {@code 2g}, {@code 4 MiB}. Units are binary, as in Log4j2's {@code FileSize} and Logback's
 * {@code FileSize}: {@code K}/{@code KB}/{@code KiB} = 1024, {@code M}/{@code MB}/{@code MiB} = 1024², {@code G}/
 * {@code GB}/{@code GiB} = 1024³, {@code T}/{@code TB}/{@code TiB} = 1024⁴. So {@code 1 KB} is 1024 bytes, not 1000.
 *
 * <p>A decimal point is accepted with a unit ({@code 1.5 MB} = 1572864 bytes); a fractional byte is rounded down.
 * A comma is not a decimal separator (it is too easily read as a thousands separator), and bare fractions
 * ({@code 1.5}) are rejected. Negative values and sizes above {@link Long#MAX_VALUE} bytes are rejected.
 */
public final class Sizes {

    /** What a message says is accepted. */
    static final String EXPECTED = "a size such as 512, 64 KB, 1 GB";

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)", Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /**
     * @param option the option's name, for the error message
     * @param value  the value as written
     * @return the size in bytes, {@code >= 0}
     * @throws ConfigException naming the option and the value when the value is missing, malformed, negative or
     *                         too large
     */
    public static long parse(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(option, value, EXPECTED);
        }
        String text = value.strip();
        if (text.startsWith("-")) {
            throw new ConfigException(option, value, "a size that is not negative, such as 512, 64 KB, 1 GB");
        }
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(option, value, EXPECTED);
        }
        long multiplier = multiplier(m.group(2));
        if (multiplier < 0) {
            throw new ConfigException(option, value, EXPECTED);
        }
        BigDecimal number = new BigDecimal(m.group(1));
        if (multiplier == 1 && number.scale() > 0) {
            throw new ConfigException(option, value, "a whole number of bytes, or a unit after a fraction, such as "
                    + "1.5 MB");
        }
        BigInteger bytes = number.multiply(BigDecimal.valueOf(multiplier)).setScale(0, RoundingMode.DOWN)
                .toBigInteger();
        if (bytes.bitLength() > 63) {
            throw new ConfigException(option, value, "a size of at most " + Long.MAX_VALUE + " bytes");
        }
        return bytes.longValueExact();
    }

    /** @return bytes per unit, or -1 for an unknown unit */
    private static long multiplier(String unit) {
        switch (unit.toLowerCase(Locale.ROOT)) {
            case "": case "b": return 1L;
            case "k": case "kb": case "kib": return 1L << 10;
            case "m": case "mb": case "mib": return 1L << 20;
            case "g": case "gb": case "gib": return 1L << 30;
            case "t": case "tb": case "tib": return 1L << 40;
            default: return -1L;
        }
    }
}
