package dev.sluice.relp.server;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A syslog message taken apart by {@link SyslogParser}. Immutable.
 *
 * <p>Field rules:
 * <ul>
 *   <li>An RFC 5424 NILVALUE ({@code -}) becomes {@code null}; so does a field the format does not have
 *       (MSGID in RFC 3164) or that was not sent (PROCID of a 3164 tag without {@code [pid]}).</li>
 *   <li>{@code facility} (0-23) and {@code severity} (0-7) come from PRI; {@code version} is the RFC 5424
 *       VERSION, {@code 0} for RFC 3164. For {@link SyslogFormat#UNPARSED} all three are {@code -1}.</li>
 *   <li>{@code timestamp} is the header's TIMESTAMP exactly as sent ({@code "Nov  7 18:04:33"} or
 *       {@code "2026-11-27T18:04:33.123456+00:00"}); {@link #timestampValue()} is its value where it can be
 *       known.</li>
 *   <li>For RFC 3164, {@code appName} is the TAG up to {@code '['}, {@code ':'} or a space, and
 *       {@code procId} the text in the brackets.</li>
 *   <li>{@code message} is the MSG part, decoded as UTF-8, with a leading UTF-8 BOM removed and
 *       <b>one trailing LF removed</b>: that LF is a terminator added by the sender's template (rsyslog's
 *       {@code RSYSLOG_SyslogProtocol23Format} ends with {@code \n}, {@code RSYSLOG_ForwardFormat} does not)
 *       or left over from LF framing, not part of the application's text. Everything else, leading spaces
 *       included, is kept as sent. It is never {@code null}; a message without MSG has {@code ""}.
 *       For {@code UNPARSED} it is the whole input.</li>
 * </ul>
 */
public record ParsedSyslog(
        SyslogFormat format,
        int facility,
        int severity,
        int version,
        String timestamp,
        String hostname,
        String appName,
        String procId,
        String msgId,
        List<SdElement> structuredData,
        String message) {

    public ParsedSyslog {
        Objects.requireNonNull(format, "format");
        structuredData = List.copyOf(structuredData);
        Objects.requireNonNull(message, "message");
    }

    /** A message that could not be parsed: everything is in {@code message}. */
    static ParsedSyslog unparsed(String text) {
        return new ParsedSyslog(SyslogFormat.UNPARSED, -1, -1, -1, null, null, null, null, null, List.of(), text);
    }

    /** {@code facility * 8 + severity}, or {@code -1} for {@link SyslogFormat#UNPARSED}. */
    public int priority() {
        return format == SyslogFormat.UNPARSED ? -1 : facility * 8 + severity;
    }

    /**
     * The TIMESTAMP as a point in time, or {@code null} when it is NILVALUE, absent, or cannot be placed on
     * the time line: the classic RFC 3164 form ({@code Nov 27 18:04:33}) has neither year nor offset.
     */
    public OffsetDateTime timestampValue() {
        if (timestamp == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The first SD element with this SD-ID, if any. */
    public Optional<SdElement> sdElement(String sdId) {
        for (SdElement e : structuredData) {
            if (e.id().equals(sdId)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The value of parameter {@code name} in the first SD element {@code sdId} that has it. */
    public Optional<String> sdParam(String sdId, String name) {
        for (SdElement e : structuredData) {
            if (e.id().equals(sdId)) {
                Optional<String> v = e.param(name);
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }
}
