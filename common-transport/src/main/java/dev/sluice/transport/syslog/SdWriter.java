package dev.sluice.transport.syslog;

import java.util.ArrayList;
import java.util.List;

/**
 * Receives STRUCTURED-DATA element by element from {@link SyslogFields#writeStructuredData}: {@link #element},
 * then its {@link #param}s, then {@link #end}. The RFC 5424 formatter writes the octets as they come; the
 * {@link Collector} builds {@link StructuredData}.
 */
public interface SdWriter {

    /** Starts an SD-ELEMENT; {@code id} is a valid SD-NAME. */
    void element(String id);

    /** One SD-PARAM of the current element; {@code name} is a valid SD-NAME, {@code value} any text. */
    void param(String name, String value);

    /** Ends the current element. */
    void end();

    /** Builds {@link StructuredData}, checking names and SD-ID uniqueness as its classes do. Not thread-safe. */
    final class Collector implements SdWriter {
        private final List<SdElement> elements = new ArrayList<>(3);
        private String id;
        private List<SdParam> params;

        @Override
        public void element(String id) {
            this.id = id;
            this.params = new ArrayList<>();
        }

        @Override
        public void param(String name, String value) {
            params.add(new SdParam(name, value));
        }

        @Override
        public void end() {
            elements.add(new SdElement(id, params));
            id = null;
            params = null;
        }

        /** What was written, as {@link StructuredData}. */
        public StructuredData result() {
            return StructuredData.of(elements);
        }
    }
}
