package dev.sluice.transport.tls;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS options of one target or listener, immutable and validated as a whole by {@link Builder#build()}.
 * Files are not read here; {@link TlsContexts} reads them when it builds a context, and
 * {@link TlsMaterialWatcher} tells when they changed.
 *
 * <p>Key material comes either from PEM files ({@code certFile} + {@code keyFile}, optional {@code keyPassword})
 * or from a {@code keyStore}; trust either from a PEM {@code caFile} (one or more certificates) or from a
 * {@code trustStore}. Passwords are copied in and out and never appear in {@link #toString()}.
 */
public final class TlsSettings {

    /** Default {@code authMode}: verify the chain and the peer's name. */
    public static final AuthMode DEFAULT_AUTH_MODE = AuthMode.X509_NAME;
    /** Default {@code protocols}, in order of preference. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** Default type of {@code keyStore} and {@code trustStore}. */
    public static final String DEFAULT_STORE_TYPE = "PKCS12";

    private static final List<String> SUPPORTED_PROTOCOLS = DEFAULT_PROTOCOLS;
    private static final List<String> SUPPORTED_STORE_TYPES = List.of("PKCS12", "JKS");

    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;
    private final char[] keyPassword;
    private final Path keyStore;
    private final char[] keyStorePassword;
    private final String keyStoreType;
    private final Path trustStore;
    private final char[] trustStorePassword;
    private final String trustStoreType;
    private final AuthMode authMode;
    private final List<String> permittedPeers;
    private final List<String> protocols;

    private TlsSettings(Builder b) {
        caFile = b.caFile;
        certFile = b.certFile;
        keyFile = b.keyFile;
        keyPassword = copy(b.keyPassword);
        keyStore = b.keyStore;
        keyStorePassword = copy(b.keyStorePassword);
        keyStoreType = b.keyStoreType;
        trustStore = b.trustStore;
        trustStorePassword = copy(b.trustStorePassword);
        trustStoreType = b.trustStoreType;
        authMode = b.authMode;
        permittedPeers = List.copyOf(b.permittedPeers);
        protocols = List.copyOf(b.protocols);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this object's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.caFile = caFile;
        b.certFile = certFile;
        b.keyFile = keyFile;
        b.keyPassword = copy(keyPassword);
        b.keyStore = keyStore;
        b.keyStorePassword = copy(keyStorePassword);
        b.keyStoreType = keyStoreType;
        b.trustStore = trustStore;
        b.trustStorePassword = copy(trustStorePassword);
        b.trustStoreType = trustStoreType;
        b.authMode = authMode;
        b.permittedPeers = new ArrayList<>(permittedPeers);
        b.protocols = new ArrayList<>(protocols);
        return b;
    }

    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    public Optional<Path> certFile() {
        return Optional.ofNullable(certFile);
    }

    public Optional<Path> keyFile() {
        return Optional.ofNullable(keyFile);
    }

    /** A copy of the key password, or {@code null}; the caller should clear it after use. */
    public char[] keyPassword() {
        return copy(keyPassword);
    }

    public Optional<Path> keyStore() {
        return Optional.ofNullable(keyStore);
    }

    /** A copy of the key store password, or {@code null}. */
    public char[] keyStorePassword() {
        return copy(keyStorePassword);
    }

    /** {@code PKCS12} or {@code JKS}. */
    public String keyStoreType() {
        return keyStoreType;
    }

    public Optional<Path> trustStore() {
        return Optional.ofNullable(trustStore);
    }

    /** A copy of the trust store password, or {@code null}. */
    public char[] trustStorePassword() {
        return copy(trustStorePassword);
    }

    /** {@code PKCS12} or {@code JKS}. */
    public String trustStoreType() {
        return trustStoreType;
    }

    public AuthMode authMode() {
        return authMode;
    }

    /** Permitted peer names ({@code *.example.com} wildcards allowed) or fingerprints, depending on the mode. */
    public List<String> permittedPeers() {
        return permittedPeers;
    }

    public List<String> protocols() {
        return protocols;
    }

    /** Whether own key material (PEM pair or key store) is configured. */
    public boolean hasKeyMaterial() {
        return certFile != null || keyStore != null;
    }

    /** The configured files, in a fixed order, for change detection. */
    List<Path> files() {
        List<Path> files = new ArrayList<>(5);
        for (Path p : new Path[] {caFile, certFile, keyFile, keyStore, trustStore}) {
            if (p != null) {
                files.add(p);
            }
        }
        return files;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TlsSettings)) {
            return false;
        }
        TlsSettings t = (TlsSettings) o;
        return Objects.equals(caFile, t.caFile) && Objects.equals(certFile, t.certFile)
                && Objects.equals(keyFile, t.keyFile) && Arrays.equals(keyPassword, t.keyPassword)
                && Objects.equals(keyStore, t.keyStore) && Arrays.equals(keyStorePassword, t.keyStorePassword)
                && keyStoreType.equals(t.keyStoreType) && Objects.equals(trustStore, t.trustStore)
                && Arrays.equals(trustStorePassword, t.trustStorePassword) && trustStoreType.equals(t.trustStoreType)
                && authMode == t.authMode && permittedPeers.equals(t.permittedPeers) && protocols.equals(t.protocols);
    }

    @Override
    public int hashCode() {
        // Passwords are left out on purpose: equal objects still hash equally, and no password leaks into a hash.
        return Objects.hash(caFile, certFile, keyFile, keyStore, keyStoreType, trustStore, trustStoreType, authMode,
                permittedPeers, protocols);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TlsSettings{authMode=").append(authMode.configName());
        append(sb, "caFile", caFile);
        append(sb, "certFile", certFile);
        append(sb, "keyFile", keyFile);
        if (keyPassword != null) {
            sb.append(", keyPassword=***");
        }
        if (keyStore != null) {
            append(sb, "keyStore", keyStore);
            sb.append(", keyStoreType=").append(keyStoreType);
        }
        if (keyStorePassword != null) {
            sb.append(", keyStorePassword=***");
        }
        if (trustStore != null) {
            append(sb, "trustStore", trustStore);
            sb.append(", trustStoreType=").append(trustStoreType);
        }
        if (trustStorePassword != null) {
            sb.append(", trustStorePassword=***");
        }
        if (!permittedPeers.isEmpty()) {
            sb.append(", permittedPeers=").append(permittedPeers);
        }
        return sb.append(", protocols=").append(protocols).append('}').toString();
    }

    private static void append(StringBuilder sb, String name, Object value) {
        if (value != null) {
            sb.append(", ").append(name).append('=').append(value);
        }
    }

    private static char[] copy(char[] chars) {
        return chars == null ? null : chars.clone();
    }

    /** Collects options; {@link #build()} checks the combination. Not thread-safe. */
    public static final class Builder {
        private Path caFile;
        private Path certFile;
        private Path keyFile;
        private char[] keyPassword;
        private Path keyStore;
        private char[] keyStorePassword;
        private String keyStoreType = DEFAULT_STORE_TYPE;
        private Path trustStore;
        private char[] trustStorePassword;
        private String trustStoreType = DEFAULT_STORE_TYPE;
        private AuthMode authMode = DEFAULT_AUTH_MODE;
        private List<String> permittedPeers = new ArrayList<>();
        private List<String> protocols = new ArrayList<>(DEFAULT_PROTOCOLS);

        private Builder() {
        }

        /** PEM file with one or more CA certificates that the peer's chain must end in. */
        public Builder caFile(Path caFile) {
            this.caFile = caFile;
            return this;
        }

        public Builder caFile(String caFile) {
            return caFile(path("caFile", caFile));
        }

        /** PEM file with the own certificate, optionally followed by intermediate CA certificates. */
        public Builder certFile(Path certFile) {
            this.certFile = certFile;
            return this;
        }

        public Builder certFile(String certFile) {
            return certFile(path("certFile", certFile));
        }

        /** PEM file with the own private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), plain or encrypted. */
        public Builder keyFile(Path keyFile) {
            this.keyFile = keyFile;
            return this;
        }

        public Builder keyFile(String keyFile) {
            return keyFile(path("keyFile", keyFile));
        }

        /** Password of an encrypted {@code keyFile}, or of the key entry in {@code keyStore} if it differs. */
        public Builder keyPassword(char[] keyPassword) {
            this.keyPassword = copy(keyPassword);
            return this;
        }

        public Builder keyPassword(String keyPassword) {
            return keyPassword(keyPassword == null ? null : keyPassword.toCharArray());
        }

        public Builder keyStore(Path keyStore) {
            this.keyStore = keyStore;
            return this;
        }

        public Builder keyStore(String keyStore) {
            return keyStore(path("keyStore", keyStore));
        }

        public Builder keyStorePassword(char[] keyStorePassword) {
            this.keyStorePassword = copy(keyStorePassword);
            return this;
        }

        public Builder keyStorePassword(String keyStorePassword) {
            return keyStorePassword(keyStorePassword == null ? null : keyStorePassword.toCharArray());
        }

        /** {@code PKCS12} (default) or {@code JKS}, case-insensitive; checked by {@link #build()}. */
        public Builder keyStoreType(String keyStoreType) {
            this.keyStoreType = keyStoreType;
            return this;
        }

        public Builder trustStore(Path trustStore) {
            this.trustStore = trustStore;
            return this;
        }

        public Builder trustStore(String trustStore) {
            return trustStore(path("trustStore", trustStore));
        }

        public Builder trustStorePassword(char[] trustStorePassword) {
            this.trustStorePassword = copy(trustStorePassword);
            return this;
        }

        public Builder trustStorePassword(String trustStorePassword) {
            return trustStorePassword(trustStorePassword == null ? null : trustStorePassword.toCharArray());
        }

        /** {@code PKCS12} (default) or {@code JKS}, case-insensitive; checked by {@link #build()}. */
        public Builder trustStoreType(String trustStoreType) {
            this.trustStoreType = trustStoreType;
            return this;
        }

        public Builder authMode(AuthMode authMode) {
            this.authMode = Objects.requireNonNull(authMode, "authMode");
            return this;
        }

        /** @throws IllegalArgumentException for a name that is not one of {@link AuthMode}'s names */
        public Builder authMode(String authMode) {
            return authMode(AuthMode.parse(authMode));
        }

        /**
         * Replaces the permitted peers. Each argument may itself be a comma-separated list, as it comes from a
         * configuration attribute; blanks around entries are removed and empty entries dropped.
         */
        public Builder permittedPeers(String... peers) {
            return permittedPeers(Arrays.asList(peers));
        }

        /** Replaces the permitted peers; entries are split at commas like {@link #permittedPeers(String...)}. */
        public Builder permittedPeers(List<String> peers) {
            List<String> list = new ArrayList<>();
            for (String entry : peers) {
                if (entry == null) {
                    continue;
                }
                for (String part : entry.split(",")) {
                    if (!part.isBlank()) {
                        list.add(part.trim());
                    }
                }
            }
            this.permittedPeers = list;
            return this;
        }

        /** Replaces the allowed protocols: {@code TLSv1.3} and/or {@code TLSv1.2}, in order of preference. */
        public Builder protocols(String... protocols) {
            return protocols(Arrays.asList(protocols));
        }

        public Builder protocols(List<String> protocols) {
            this.protocols = new ArrayList<>(protocols);
            return this;
        }

        /**
         * Checks the combination of options and returns the settings.
         *
         * @throws TlsConfigException naming the first option that is wrong or missing
         */
        public TlsSettings build() {
            if (certFile != null && keyFile == null) {
                throw new TlsConfigException("keyFile: required with certFile " + certFile);
            }
            if (keyFile != null && certFile == null) {
                throw new TlsConfigException("certFile: required with keyFile " + keyFile);
            }
            if (keyStore != null && certFile != null) {
                throw new TlsConfigException("keyStore: cannot be combined with certFile/keyFile; choose one");
            }
            if (keyPassword != null && keyFile == null && keyStore == null) {
                throw new TlsConfigException("keyPassword: set without keyFile or keyStore");
            }
            if (keyStorePassword != null && keyStore == null) {
                throw new TlsConfigException("keyStorePassword: set without keyStore");
            }
            if (trustStore != null && caFile != null) {
                throw new TlsConfigException("trustStore: cannot be combined with caFile; choose one");
            }
            if (trustStorePassword != null && trustStore == null) {
                throw new TlsConfigException("trustStorePassword: set without trustStore");
            }
            keyStoreType = storeType("keyStoreType", keyStoreType);
            trustStoreType = storeType("trustStoreType", trustStoreType);
            checkProtocols();
            checkPeers();
            return new TlsSettings(this);
        }

        private void checkProtocols() {
            if (protocols.isEmpty()) {
                throw new TlsConfigException("protocols: empty (expected: " + String.join(", ", SUPPORTED_PROTOCOLS)
                        + ")");
            }
            List<String> normalized = new ArrayList<>();
            for (String p : protocols) {
                String match = SUPPORTED_PROTOCOLS.stream().filter(s -> s.equalsIgnoreCase(p == null ? "" : p.trim()))
                        .findFirst().orElseThrow(() -> new TlsConfigException("protocols: '" + p
                                + "' is not allowed (expected: " + String.join(", ", SUPPORTED_PROTOCOLS) + ")"));
                if (!normalized.contains(match)) {
                    normalized.add(match);
                }
            }
            protocols = normalized;
        }

        private void checkPeers() {
            switch (authMode) {
                case ANON:
                    if (!permittedPeers.isEmpty()) {
                        throw new TlsConfigException("permittedPeers: not checked in authMode anon; remove them or"
                                + " choose x509/name or x509/fingerprint");
                    }
                    break;
                case X509_FINGERPRINT:
                    if (permittedPeers.isEmpty()) {
                        throw new TlsConfigException("permittedPeers: required for authMode x509/fingerprint"
                                + " (SHA256:XX:XX:... fingerprints of the peers' certificates)");
                    }
                    for (String peer : permittedPeers) {
                        PeerVerifier.parseFingerprint(peer); // throws with the option name
                    }
                    break;
                case X509_NAME:
                    for (String peer : permittedPeers) {
                        PeerVerifier.checkNamePattern(peer);
                    }
                    requireTrust();
                    break;
                case X509_CERTVALID:
                    // Ignored, they would let the operator believe only those peers get in.
                    if (!permittedPeers.isEmpty()) {
                        throw new TlsConfigException("permittedPeers: not checked in authMode x509/certvalid; remove"
                                + " them or choose x509/name or x509/fingerprint");
                    }
                    requireTrust();
                    break;
                default:
                    throw new AssertionError(authMode);
            }
        }

        private void requireTrust() {
            if (caFile == null && trustStore == null) {
                throw new TlsConfigException("caFile: required (or trustStore) for authMode " + authMode.configName()
                        + "; the JVM's default CAs are never used");
            }
        }

        private static String storeType(String option, String type) {
            String upper = type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
            if (!SUPPORTED_STORE_TYPES.contains(upper)) {
                throw new TlsConfigException(option + ": '" + type + "' (expected: PKCS12 or JKS)");
            }
            return upper;
        }

        /**
         * The path a file option names, or {@code null} when blank. A value that is no path on this platform (a NUL
         * character anywhere; {@code classpath:ca.pem} on Windows) is a {@link TlsConfigException} naming the
         * option and the value, like every other bad TLS option, not an {@link InvalidPathException} that the
         * configuration code would not expect.
         */
        private static Path path(String option, String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                return Path.of(value.trim());
            } catch (InvalidPathException e) {
                throw new TlsConfigException(option + ": '" + value + "' (expected: a valid path; " + e.getReason()
                        + ")", e);
            }
        }
    }
}
