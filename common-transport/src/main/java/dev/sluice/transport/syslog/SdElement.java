package dev.sluice.transport.syslog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One RFC 5424 SD-ELEMENT, {@code [SD-ID *(SP PARAM-NAME="PARAM-VALUE")]}, with its parameters in order.
 *
 * <p>The SD-ID and every PARAM-NAME must be SD-NAMEs (RFC 5424 section 6.3.2/6.3.3): 1 to 32 printable US-ASCII
 * characters (33-126) other than {@code '='}, SP, {@code ']'} and {@code '"'}. An invalid name is rejected at
 * construction with an {@link IllegalArgumentException}: a name is chosen by code, and a silently changed name
 * would make data disappear under another key. Where names come from outside (for example MDC keys), map them
 * with {@link #sanitizeName(String)} first.
 *
 * <p>RFC 5424 reserves SD-IDs without {@code '@'} for IANA-registered elements ({@code timeQuality},
 * {@code origin}, {@code meta}); private ones take the form {@code name@<enterprise number>}. That is not
 * enforced here. A PARAM-NAME may repeat within an element, as the RFC allows.
 *
 * @param id     the SD-ID
 * @param params the parameters, in the order they are written
 */
public record SdElement(String id, List<SdParam> params) {

    /** Longest SD-NAME, in octets (which are characters: SD-NAMEs are US-ASCII). */
    public static final int MAX_NAME_LENGTH = 32;

    public SdElement {
        checkName("SD-ID", id);
        params = List.copyOf(params);
    }

    /** An element without parameters. */
    public static SdElement of(String id) {
        return new SdElement(id, List.of());
    }

    /** An element with one parameter. */
    public static SdElement of(String id, String name, String value) {
        return new SdElement(id, List.of(new SdParam(name, value)));
    }

    /**
     * An element with parameters given as name, value, name, value...
     *
     * @throws IllegalArgumentException on an odd number of strings or an invalid name
     */
    public static SdElement of(String id, String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("SD-ELEMENT " + id + ": " + namesAndValues.length
                    + " strings (expected: name, value pairs)");
        }
        List<SdParam> params = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.add(new SdParam(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new SdElement(id, params);
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

    /** Whether {@code name} is a valid SD-NAME (SD-ID or PARAM-NAME). */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isNameChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Turns any text into a valid SD-NAME: each character that may not appear in one (outside 33-126, or
     * {@code '='}, {@code ']'}, {@code '"'}; a surrogate pair counts as one character) becomes {@code '_'}, and the
     * result is cut to {@value #MAX_NAME_LENGTH} characters. {@code null} or empty text becomes {@code "_"}.
     * Different inputs may map to the same name.
     */
    public static String sanitizeName(String text) {
        if (isValidName(text)) {
            return text;
        }
        if (text == null || text.isEmpty()) {
            return "_";
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_NAME_LENGTH));
        for (int i = 0; i < text.length() && sb.length() < MAX_NAME_LENGTH; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            }
            sb.append(isNameChar(c) ? c : '_');
        }
        return sb.toString();
    }

    static void checkName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(what + ": empty (expected: 1-32 printable US-ASCII characters)");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + ": '" + name + "' is " + name.length()
                    + " characters long (expected: <= " + MAX_NAME_LENGTH + ")");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isNameChar(c)) {
                throw new IllegalArgumentException(what + ": '" + name + "' has " + describe(c) + " at index " + i
                        + " (expected: printable US-ASCII 33-126 except '=', ']', '\"')");
            }
        }
    }

    private static boolean isNameChar(char c) {
        return c > ' ' && c < 127 && c != '=' && c != ']' && c != '"';
    }

    private static String describe(char c) {
        return c > ' ' && c < 127 ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
