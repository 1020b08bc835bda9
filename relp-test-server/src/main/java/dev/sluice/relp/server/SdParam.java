package dev.sluice.relp.server;

import java.util.Objects;

/**
 * One RFC 5424 SD-PARAM.
 *
 * @param name  the PARAM-NAME
 * @param value the PARAM-VALUE with the escapes {@code \"}, {@code \\} and {@code \]} removed
 */
public record SdParam(String name, String value) {
    public SdParam {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
