package dev.sluice.transport.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Runs a {@link PeerVerifier} inside the handshake, so that a refused peer never gets an application byte through.
 * The JDK calls the {@code SSLEngine} variants; the others exist for the interface. Because this is an
 * {@link X509ExtendedTrustManager}, the JDK adds no host name check of its own: names are checked here, with
 * rsyslog's rules.
 */
final class PeerTrustManager extends X509ExtendedTrustManager {

    private final PeerVerifier verifier;
    private final String expectedHost;

    /**
     * @param expectedHost the target host on the client side (used in {@code x509/name} without permitted peers);
     *     {@code null} on the server side
     */
    PeerTrustManager(PeerVerifier verifier, String expectedHost) {
        this.verifier = verifier;
        this.expectedHost = expectedHost;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifier.verify(list(chain), null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verifier.verify(list(chain), null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verifier.verify(list(chain), null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifier.verify(list(chain), expectedHost);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verifier.verify(list(chain), expectedHost);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verifier.verify(list(chain), expectedHost);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        // Announced to clients as certificate_authorities. Empty for x509/fingerprint and anon: any certificate.
        return verifier.authMode().checksChain() ? verifier.trustedCas().toArray(new X509Certificate[0])
                : new X509Certificate[0];
    }

    private static List<X509Certificate> list(X509Certificate[] chain) {
        return chain == null ? List.of() : Arrays.asList(chain);
    }
}
