package dev.sluice.transport.spool;

import java.io.IOException;

/**
 * The spool cannot be opened: its directory is in use (locked by another process, or by another {@link Spool}
 * in this JVM), or it is not a usable directory. The message names the directory and the reason.
 */
public final class SpoolUnavailableException extends IOException {

    SpoolUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
