package dev.sluice.relp.server;

import java.io.IOException;

/**
 * Receives every message the server accepts, on the session's I/O thread, before the message is acknowledged.
 * Return quickly. {@link #flush()} is called once per batch of frames read from a session, before their acks
 * are sent: a sink that writes to a file flushes there, so that nothing acknowledged is lost if the server is
 * killed.
 */
public interface MessageSink {

    /** Called for each accepted message, in the order of arrival within a session. */
    void accept(ReceivedMessage message) throws IOException;

    /** Called before the acks of the messages passed since the last call are sent. */
    default void flush() throws IOException {
    }
}
