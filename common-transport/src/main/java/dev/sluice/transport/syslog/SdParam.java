package dev.sluice.transport.syslog;

import java.util.Objects;

/**
 * One RFC 5424 SD-PARAM, {@code PARAM-NAME="PARAM-VALUE"}.
 *
 * @param name  the PARAM-NAME: an SD-NAME, 1-32 printable US-ASCII characters other than {@code '='}, SP,
 *              {@code ']'} and {@code '"'} (see {@link SdElement#isValidName(String)})
 * @param value the PARAM-VALUE, any text; written as UTF-8 with {@code '"'}, {@code '\'} and {@code ']'} escaped by
 *              a backslash (the formatter does that; pass the plain value)
 * @throws IllegalArgumentException if {@code name} is not a valid SD-NAME
 */
public record SdParam(String name, String value) {

    public SdParam {
        SdElement.checkName("PARAM-NAME", name);
        Objects.requireNonNull(value, "value");
    }
}
