package dev.sluice.transport.syslog;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * What a formatter reads to write one message: the header fields, the structured data, written element by element
 * into an {@link SdWriter}, and the text. {@link SyslogMessage} is the general implementation; an event source may
 * implement it directly and so be formatted without building a {@code SyslogMessage} and its {@link SdElement}s
 * first (the front-ends' events do, on the application's thread when there is a spool).
 *
 * <p>Every method must answer the same on every call: a message may be formatted twice (see
 * {@link SyslogEncoder#rewriteSequenceId}), and the two must give the same octets.
 */
public interface SyslogFields {

    /** The event's time. */
    Instant timestamp();

    /** The UTC offset the timestamp is written in. */
    ZoneOffset offset();

    Facility facility();

    Severity severity();

    /** PRI value: facility * 8 + severity, 0-191. */
    default int priority() {
        return facility().code() * 8 + severity().code();
    }

    /** HOSTNAME as given (not yet cleaned), or {@code null}. */
    String hostname();

    /** APP-NAME as given (not yet cleaned), or {@code null}. */
    String appName();

    /** PROCID as given (not yet cleaned), or {@code null}. */
    String procId();

    /** MSGID as given (not yet cleaned), or {@code null}. */
    String msgId();

    /** Whether there is at least one SD-ELEMENT; without any, STRUCTURED-DATA is the NILVALUE. */
    boolean hasStructuredData();

    /**
     * Writes the SD-ELEMENTs in order. The SD-IDs and PARAM-NAMEs given to {@code out} must be valid SD-NAMEs
     * ({@link SdElement#isValidName}) and the SD-IDs distinct; PARAM-VALUEs may be any text (never {@code null}).
     */
    void writeStructuredData(SdWriter out);

    /** Whether an SD-ELEMENT with this SD-ID is written. */
    boolean hasSdElement(String id);

    /** MSG, or {@code null}. */
    String message();

    /** These fields as a {@link SyslogMessage}, whose structured data is checked as {@link StructuredData} does. */
    default SyslogMessage toMessage() {
        SdWriter.Collector sd = new SdWriter.Collector();
        writeStructuredData(sd);
        return SyslogMessage.builder().timestamp(timestamp(), offset()).facility(facility()).severity(severity())
                .hostname(hostname()).appName(appName()).procId(procId()).msgId(msgId())
                .structuredData(sd.result()).message(message()).build();
    }
}
