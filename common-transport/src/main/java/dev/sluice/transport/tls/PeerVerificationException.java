package dev.sluice.transport.tls;

import java.security.cert.CertificateException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * The peer's certificate was refused by the configured {@link AuthMode}. Thrown from the trust manager during the
 * handshake, so the connection fails before any application byte is accepted; the handshake exception that the
 * application sees carries this one as a cause ({@link #find(Throwable)}). The message is meant for reports, for
 * example {@code "peer name not permitted: subject CN=evil, SAN [evil.example.com], expected one of
 * [logs.example.com]"}.
 */
public class PeerVerificationException extends CertificateException {

    /** Why a peer was refused, for counters and tests. */
    public enum Reason {
        NO_CERTIFICATE,
        EXPIRED,
        NOT_YET_VALID,
        UNTRUSTED,
        NAME_NOT_PERMITTED,
        FINGERPRINT_NOT_PERMITTED
    }

    private final Reason reason;

    public PeerVerificationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PeerVerificationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The first {@code PeerVerificationException} in the cause chain (and suppressed exceptions) of a failure. */
    public static Optional<PeerVerificationException> find(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return find(failure, seen);
    }

    private static Optional<PeerVerificationException> find(Throwable t, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return Optional.empty();
        }
        if (t instanceof PeerVerificationException) {
            return Optional.of((PeerVerificationException) t);
        }
        for (Throwable s : t.getSuppressed()) {
            Optional<PeerVerificationException> found = find(s, seen);
            if (found.isPresent()) {
                return found;
            }
        }
        return find(t.getCause(), seen);
    }
}
