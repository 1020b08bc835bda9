package dev.sluice.relp.server;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One RFC 5424 SD-ELEMENT: {@code [id name="value" ...]}.
 *
 * @param id     the SD-ID, for example {@code meta} or {@code exampleSDID@32473}
 * @param params the parameters in the order they were sent (names may repeat, as RFC 5424 allows)
 */
public record SdElement(String id, List<SdParam> params) {
    public SdElement {
        Objects.requireNonNull(id, "id");
        params = List.copyOf(params);
    }

    /** The value of the first parameter called {@code name}, if there is one. */
    public Optional<String> param(String name) {
        for (SdParam p : params) {
            if (p.name().equals(name)) {
                return Optional.of(p.value());
            }
        }
        return Optional.empty();
    }
}
