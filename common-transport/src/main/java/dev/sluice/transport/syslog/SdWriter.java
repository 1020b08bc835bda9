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

    /**
     * One whole SD-ELEMENT with three SD-PARAMs: the same as {@link #element}, three {@link #param}s and
     * {@link #end}, which is what it does unless a writer does better. For the element that every event of an
     * appender carries, whose strings repeat from one event to the next: the RFC 5424 writer keeps the element's
     * octets by the identity of the seven strings.
     */
    default void element3(String id, String name1, String value1, String name2, String value2, String name3,
            String value3) {
        element(id);
        param(name1, value1);
        param(name2, value2);
        param(name3, value3);
        end();
    }

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
