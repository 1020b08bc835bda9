package dev.sluice.transport.tls;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a TLS peer is authenticated, with rsyslog's names and meanings ({@code StreamDriverAuthMode},
 * {@code tls.authMode}).
 */
public enum AuthMode {
    /** The chain is valid against the CA(s) and a permitted name matches the certificate's names. */
    X509_NAME("x509/name"),
    /** The SHA-256 (or SHA-1) fingerprint of the peer's certificate is permitted; the chain is not checked. */
    X509_FINGERPRINT("x509/fingerprint"),
    /** The chain is valid against the CA(s); any name is accepted. */
    X509_CERTVALID("x509/certvalid"),
    /** Encryption without any peer check. Must be chosen explicitly; a warning is emitted. */
    ANON("anon");

    private final String configName;

    AuthMode(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration files, for example {@code "x509/name"}. */
    public String configName() {
        return configName;
    }

    /** Whether this mode validates the peer's chain against the configured CA(s). */
    public boolean checksChain() {
        return this == X509_NAME || this == X509_CERTVALID;
    }

    /**
     * Parses a configuration value, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the value and the accepted values
     */
    public static AuthMode parse(String value) {
        if (value != null) {
            String wanted = value.trim().toLowerCase(Locale.ROOT);
            for (AuthMode mode : values()) {
                if (mode.configName.equals(wanted)) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("authMode: '" + value + "' (expected one of: " + Arrays.stream(values())
                .map(AuthMode::configName).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return configName;
    }
}
