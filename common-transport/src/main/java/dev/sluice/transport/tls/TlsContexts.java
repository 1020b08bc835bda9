package dev.sluice.transport.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Builds Netty {@link SslContext}s from {@link TlsSettings}, reading the files once, failing closed with
 * {@link TlsConfigException}, and checking peers inside the handshake with a {@link PeerVerifier}.
 *
 * <p><b>Provider</b>: OpenSSL (BoringSSL from {@code netty-tcnative-boringssl-static}, a dependency for Linux
 * x86-64) where its native library loads and supports TLS 1.3; the JDK's TLS elsewhere. Both run the same peer
 * check, protocols and key material; OpenSSL seals and opens records with less work per record, which is what a
 * window of RELP frames waits for (BENCHMARKS.md, issue 6, session 12). {@code -Dsluice.tls=jdk} chooses the JDK
 * anyway.
 *
 * <p><b>Server</b>: in the three x509 modes a client certificate is required ({@link ClientAuth#REQUIRE}) and
 * checked; {@code permittedPeers} lists the client names (x509/name) or fingerprints (x509/fingerprint) that may
 * connect. x509/name on a server needs {@code permittedPeers}, as there is no target host to compare with; use
 * x509/certvalid to admit every client with a certificate from the CA. In {@code anon} no client certificate is
 * requested.
 *
 * <p><b>Client</b>: presents its certificate if configured, and checks the server; without {@code permittedPeers}
 * the x509/name check expects the target host. Use {@link #newClientHandler} so that SNI is sent for host names
 * and not for IP literals.
 *
 * <p>Warnings (anon chosen, own certificate expired, no client certificate) go to the given sink, which is
 * expected to rate-limit and route them to the framework's status channel.
 */
public final class TlsContexts {

    /** System property: {@code jdk} to use the JDK's TLS even where OpenSSL is available. */
    public static final String PROPERTY = "sluice.tls";

    private static final SslProvider PROVIDER = chooseProvider(System.getProperty(PROPERTY));

    private TlsContexts() {
    }

    static SslProvider chooseProvider(String property) {
        if (property != null && property.trim().toLowerCase(Locale.ROOT).equals("jdk")) {
            return SslProvider.JDK;
        }
        try {
            boolean openSsl = OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL);
            return openSsl ? SslProvider.OPENSSL : SslProvider.JDK;
        } catch (LinkageError e) {
            return SslProvider.JDK; // netty-tcnative was left out of the class path
        }
    }

    /** The provider the contexts are built with by default: {@code OPENSSL} or {@code JDK}. */
    public static SslProvider provider() {
        return PROVIDER;
    }

    /**
     * @throws TlsConfigException if a file cannot be used or the settings do not suit a server
     */
    public static SslContext forServer(TlsSettings settings, Consumer<String> warnings) {
        return forServer(settings, warnings, Clock.systemUTC());
    }

    /** As {@link #forServer(TlsSettings, Consumer)}, with the clock that validity periods are checked against. */
    public static SslContext forServer(TlsSettings settings, Consumer<String> warnings, Clock clock) {
        return forServer(settings, warnings, clock, PROVIDER);
    }

    /** As {@link #forServer(TlsSettings, Consumer, Clock)}, with the given provider ({@code JDK}, {@code OPENSSL}). */
    public static SslContext forServer(TlsSettings settings, Consumer<String> warnings, Clock clock,
            SslProvider provider) {
        Objects.requireNonNull(warnings, "warnings");
        if (!settings.hasKeyMaterial()) {
            throw new TlsConfigException("certFile/keyFile (or keyStore): required for a TLS server");
        }
        AuthMode mode = settings.authMode();
        if (mode == AuthMode.X509_NAME && settings.permittedPeers().isEmpty()) {
            throw new TlsConfigException("permittedPeers: required for a server in authMode x509/name (the names of"
                    + " the clients that may connect); use x509/certvalid to admit any client with a certificate"
                    + " from the CA");
        }
        Material material = Material.load(settings, warnings, clock);
        SslContextBuilder builder = SslContextBuilder.forServer(material.keyManagers)
                .sslProvider(provider)
                .protocols(settings.protocols());
        if (mode == AuthMode.ANON) {
            warnings.accept("authMode anon: client certificates are not requested; any client can connect and send"
                    + " messages (choose x509/name to authenticate clients)");
            builder.clientAuth(ClientAuth.NONE);
        } else {
            PeerVerifier verifier = PeerVerifier.of(mode, material.trustedCas, settings.permittedPeers(), clock);
            builder.clientAuth(ClientAuth.REQUIRE).trustManager(new PeerTrustManager(verifier, null));
        }
        return build(builder);
    }

    /**
     * @param targetHost the host connected to: the expected name in x509/name without {@code permittedPeers}
     * @throws TlsConfigException if a file cannot be used
     */
    public static SslContext forClient(TlsSettings settings, String targetHost, Consumer<String> warnings) {
        return forClient(settings, targetHost, warnings, Clock.systemUTC());
    }

    /** As {@link #forClient(TlsSettings, String, Consumer)}, with the clock for validity periods. */
    public static SslContext forClient(TlsSettings settings, String targetHost, Consumer<String> warnings,
            Clock clock) {
        return forClient(settings, targetHost, warnings, clock, PROVIDER);
    }

    /** As {@link #forClient(TlsSettings, String, Consumer, Clock)}, with the given provider. */
    public static SslContext forClient(TlsSettings settings, String targetHost, Consumer<String> warnings,
            Clock clock, SslProvider provider) {
        Objects.requireNonNull(warnings, "warnings");
        AuthMode mode = settings.authMode();
        if (mode == AuthMode.X509_NAME && settings.permittedPeers().isEmpty()
                && (targetHost == null || targetHost.isBlank())) {
            throw new TlsConfigException("permittedPeers: required for authMode x509/name when no target host is"
                    + " known");
        }
        Material material = Material.load(settings, warnings, clock);
        if (mode == AuthMode.ANON) {
            warnings.accept("authMode anon: the server " + targetHost + " is not authenticated; anyone on the path"
                    + " can read or change the logs (choose x509/name)");
        } else if (material.keyManagers == null) {
            warnings.accept("certFile/keyFile: not set; a server that requires client certificates (rsyslog x509"
                    + " modes) will refuse this client");
        }
        PeerVerifier verifier = PeerVerifier.of(mode, material.trustedCas, settings.permittedPeers(), clock);
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols(settings.protocols())
                // Names are checked by PeerTrustManager with rsyslog's rules, not by the JDK's HTTPS rules.
                .endpointIdentificationAlgorithm(null)
                .trustManager(new PeerTrustManager(verifier, targetHost));
        if (material.keyManagers != null) {
            builder.keyManager(material.keyManagers);
        }
        return build(builder);
    }

    /**
     * A client {@link SslHandler} whose engine knows the peer (for session resumption) and sends SNI for a host name
     * but not for an IP literal (RFC 6066 forbids literals in SNI).
     */
    public static SslHandler newClientHandler(SslContext context, ByteBufAllocator alloc, String host, int port) {
        SslHandler handler = context.newHandler(alloc, host, port);
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setServerNames(sniFor(host));
        engine.setSSLParameters(params);
        return handler;
    }

    static List<SNIServerName> sniFor(String host) {
        if (host == null || host.isBlank() || PeerVerifier.isIpLiteral(host)) {
            return List.of();
        }
        String name = host.trim();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        try {
            return List.of(new SNIHostName(name));
        } catch (IllegalArgumentException e) {
            return List.of(); // not a valid DNS name (e.g. an underscore): no SNI rather than no connection
        }
    }

    /**
     * A short description of a TLS failure for reports: the peer check's message if the peer was refused here,
     * otherwise the message of the innermost cause.
     */
    public static String describeFailure(Throwable failure) {
        return PeerVerificationException.find(failure).map(Throwable::getMessage).orElseGet(() -> {
            Throwable t = failure;
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        });
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsConfigException("protocols: cannot create the TLS context (" + e.getMessage() + ")", e);
        }
    }

    /** The files of one settings object, read once. */
    private static final class Material {
        final List<X509Certificate> trustedCas;
        final KeyManagerFactory keyManagers;

        private Material(List<X509Certificate> trustedCas, KeyManagerFactory keyManagers) {
            this.trustedCas = trustedCas;
            this.keyManagers = keyManagers;
        }

        static Material load(TlsSettings s, Consumer<String> warnings, Clock clock) {
            List<X509Certificate> cas = List.of();
            if (s.caFile().isPresent()) {
                cas = PemMaterial.readCertificates("caFile", s.caFile().get());
            } else if (s.trustStore().isPresent()) {
                Path file = s.trustStore().get();
                char[] password = s.trustStorePassword();
                try {
                    KeyStore store = PemMaterial.readKeyStore("trustStore", file, s.trustStoreType(), password);
                    cas = PemMaterial.trustedCertificates("trustStore", file, store);
                } finally {
                    clear(password);
                }
            }
            KeyManagerFactory kmf = null;
            if (s.certFile().isPresent()) {
                kmf = fromPem(s, warnings, clock);
            } else if (s.keyStore().isPresent()) {
                kmf = fromKeyStore(s, warnings, clock);
            }
            return new Material(cas, kmf);
        }

        private static KeyManagerFactory fromPem(TlsSettings s, Consumer<String> warnings, Clock clock) {
            Path certFile = s.certFile().get();
            Path keyFile = s.keyFile().get();
            List<X509Certificate> chain = PemMaterial.readCertificates("certFile", certFile);
            char[] password = s.keyPassword();
            PrivateKey key;
            try {
                key = PemMaterial.readPrivateKey("keyFile", keyFile, password);
            } finally {
                clear(password);
            }
            PemMaterial.checkKeyMatches(key, chain.get(0), keyFile, certFile);
            warnIfNotValid("certFile: " + certFile, chain.get(0), warnings, clock);
            char[] transientPassword = randomPassword();
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("key", key, transientPassword, chain.toArray(new Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(store, transientPassword);
                return kmf;
            } catch (GeneralSecurityException | IOException e) {
                throw new TlsConfigException("keyFile: " + keyFile + ": the key cannot be used ("
                        + e.getClass().getSimpleName() + ")", e);
            } finally {
                clear(transientPassword);
            }
        }

        private static KeyManagerFactory fromKeyStore(TlsSettings s, Consumer<String> warnings, Clock clock) {
            Path file = s.keyStore().get();
            char[] storePassword = s.keyStorePassword();
            char[] keyPassword = s.keyPassword();
            try {
                KeyStore store = PemMaterial.readKeyStore("keyStore", file, s.keyStoreType(), storePassword);
                boolean anyKey = false;
                for (String alias : Collections.list(store.aliases())) {
                    if (store.isKeyEntry(alias)) {
                        anyKey = true;
                        Certificate c = store.getCertificate(alias);
                        if (c instanceof X509Certificate) {
                            warnIfNotValid("keyStore: " + file + " (" + alias + ")", (X509Certificate) c, warnings,
                                    clock);
                        }
                    }
                }
                if (!anyKey) {
                    throw new TlsConfigException("keyStore: " + file + ": contains no private key entry");
                }
                char[] entryPassword = keyPassword != null ? keyPassword
                        : storePassword != null ? storePassword : new char[0];
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                try {
                    kmf.init(store, entryPassword);
                } catch (UnrecoverableKeyException e) {
                    throw new TlsConfigException("keyStore: " + file + ": cannot recover the private key: wrong "
                            + (keyPassword != null ? "keyPassword" : "keyStorePassword"), e);
                }
                return kmf;
            } catch (GeneralSecurityException e) {
                throw new TlsConfigException("keyStore: " + file + ": cannot use the store ("
                        + e.getClass().getSimpleName() + ")", e);
            } finally {
                clear(storePassword);
                clear(keyPassword);
            }
        }

        private static void warnIfNotValid(String what, X509Certificate cert, Consumer<String> warnings,
                Clock clock) {
            try {
                cert.checkValidity(Date.from(clock.instant()));
            } catch (CertificateExpiredException e) {
                warnings.accept(what + ": own certificate " + cert.getSubjectX500Principal().getName()
                        + " expired at " + cert.getNotAfter().toInstant() + "; peers will refuse it");
            } catch (CertificateNotYetValidException e) {
                warnings.accept(what + ": own certificate " + cert.getSubjectX500Principal().getName()
                        + " is not valid before " + cert.getNotBefore().toInstant() + "; peers will refuse it");
            }
        }

        private static char[] randomPassword() {
            byte[] bytes = new byte[16];
            new SecureRandom().nextBytes(bytes);
            char[] chars = new char[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                chars[i] = (char) ('a' + (bytes[i] & 0x0f));
            }
            return chars;
        }

        private static void clear(char[] password) {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }
}
