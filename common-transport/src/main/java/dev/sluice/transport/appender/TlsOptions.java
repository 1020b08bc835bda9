package dev.sluice.transport.appender;

/**
 * The {@code Tls} / {@code tls} options of {@link AppenderConfig}, as written: a JavaBean that Logback's Joran fills
 * through its setters and Log4j2's {@code Tls} element fills from its attributes. Checked by
 * {@link AppenderConfig#resolve}. Defaults: {@code authMode=x509/name}, TLSv1.3 and TLSv1.2.
 */
public final class TlsOptions {

    private String caFile;
    private String certFile;
    private String keyFile;
    private String keyPassword;
    private String keyStore;
    private String keyStorePassword;
    private String trustStore;
    private String trustStorePassword;
    private String authMode;
    private String permittedPeers;
    private String protocols;

    /** PEM file with the CA certificate(s) the server's chain must end in. */
    public void setCaFile(String caFile) {
        this.caFile = caFile;
    }

    /** PEM file with this client's certificate (and intermediates). */
    public void setCertFile(String certFile) {
        this.certFile = certFile;
    }

    /** PEM file with this client's private key. */
    public void setKeyFile(String keyFile) {
        this.keyFile = keyFile;
    }

    /** Password of an encrypted {@code keyFile} or of the key in {@code keyStore}. */
    public void setKeyPassword(String keyPassword) {
        this.keyPassword = keyPassword;
    }

    /** PKCS12 or JKS file with this client's key and certificate, instead of {@code certFile}/{@code keyFile}. */
    public void setKeyStore(String keyStore) {
        this.keyStore = keyStore;
    }

    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    /** PKCS12 or JKS file with the trusted CA certificates, instead of {@code caFile}. */
    public void setTrustStore(String trustStore) {
        this.trustStore = trustStore;
    }

    public void setTrustStorePassword(String trustStorePassword) {
        this.trustStorePassword = trustStorePassword;
    }

    /** {@code x509/name} (default), {@code x509/fingerprint}, {@code x509/certvalid} or {@code anon}. */
    public void setAuthMode(String authMode) {
        this.authMode = authMode;
    }

    /**
     * Comma-separated peer names ({@code *.example.com} wildcards) for {@code x509/name}, or {@code SHA256:…}
     * fingerprints for {@code x509/fingerprint}; refused with {@code x509/certvalid} and {@code anon}, which check
     * no names.
     */
    public void setPermittedPeers(String permittedPeers) {
        this.permittedPeers = permittedPeers;
    }

    /** Comma-separated: {@code TLSv1.3}, {@code TLSv1.2}. */
    public void setProtocols(String protocols) {
        this.protocols = protocols;
    }

    public String getCaFile() {
        return caFile;
    }

    public String getCertFile() {
        return certFile;
    }

    public String getKeyFile() {
        return keyFile;
    }

    public String getKeyPassword() {
        return keyPassword;
    }

    public String getKeyStore() {
        return keyStore;
    }

    public String getKeyStorePassword() {
        return keyStorePassword;
    }

    public String getTrustStore() {
        return trustStore;
    }

    public String getTrustStorePassword() {
        return trustStorePassword;
    }

    public String getAuthMode() {
        return authMode;
    }

    public String getPermittedPeers() {
        return permittedPeers;
    }

    public String getProtocols() {
        return protocols;
    }
}
