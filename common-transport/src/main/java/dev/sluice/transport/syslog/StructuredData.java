package dev.sluice.transport.syslog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The STRUCTURED-DATA of an RFC 5424 message: SD-ELEMENTs in the order they are written. Immutable.
 *
 * <p>RFC 5424 section 6.3.2: "The same SD-ID MUST NOT exist more than once in a message." A second element with
 * an SD-ID already present is rejected with an {@link IllegalArgumentException}. Empty structured data is written
 * as the NILVALUE {@code -}.
 */
public final class StructuredData {

    /** No elements: written as {@code -}. */
    public static final StructuredData EMPTY = new StructuredData(List.of());

    private final List<SdElement> elements;

    private StructuredData(List<SdElement> elements) {
        this.elements = elements;
    }

    /**
     * Structured data of these elements, in this order.
     *
     * @throws IllegalArgumentException if two elements have the same SD-ID
     */
    public static StructuredData of(SdElement... elements) {
        return of(Arrays.asList(elements));
    }

    /**
     * Structured data of these elements, in this order.
     *
     * @throws IllegalArgumentException if two elements have the same SD-ID
     */
    public static StructuredData of(List<SdElement> elements) {
        if (elements.isEmpty()) {
            return EMPTY;
        }
        List<SdElement> copy = List.copyOf(elements);
        for (int i = 1; i < copy.size(); i++) {
            checkNew(copy.subList(0, i), copy.get(i));
        }
        return new StructuredData(copy);
    }

    /**
     * This structured data with {@code element} added at the end.
     *
     * @throws IllegalArgumentException if an element with the same SD-ID is already present
     */
    public StructuredData with(SdElement element) {
        checkNew(elements, element);
        List<SdElement> list = new ArrayList<>(elements.size() + 1);
        list.addAll(elements);
        list.add(element);
        return new StructuredData(Collections.unmodifiableList(list));
    }

    /** The elements, in order; unmodifiable. */
    public List<SdElement> elements() {
        return elements;
    }

    /** Whether there are no elements. */
    public boolean isEmpty() {
        return elements.isEmpty();
    }

    /** Whether an element with this SD-ID is present; allocates nothing (asked once per event). */
    public boolean has(String id) {
        for (int i = 0; i < elements.size(); i++) {
            if (elements.get(i).id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** The element with this SD-ID, if present. */
    public Optional<SdElement> element(String id) {
        for (SdElement e : elements) {
            if (e.id().equals(id)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static void checkNew(List<SdElement> existing, SdElement element) {
        for (SdElement e : existing) {
            if (e.id().equals(element.id())) {
                throw new IllegalArgumentException("SD-ID: '" + element.id()
                        + "' appears twice (expected: each SD-ID at most once, RFC 5424 section 6.3.2)");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StructuredData other && elements.equals(other.elements);
    }

    @Override
    public int hashCode() {
        return elements.hashCode();
    }

    @Override
    public String toString() {
        return "StructuredData" + elements;
    }
}
