package dev.sluice.transport.tls;

/**
 * A TLS option, or the file it names, cannot be used. The message starts with the option and, for a file, the
 * file, for example {@code "caFile: /etc/pki/ca.pem: no such file"}. It never contains key material or
 * passwords. There is no fallback: a TLS connection is not made with this configuration.
 */
public class TlsConfigException extends IllegalArgumentException {

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
