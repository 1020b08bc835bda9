package dev.sluice.relp.server;

import dev.sluice.transport.tls.PeerVerifier;

import io.netty.util.NetUtil;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests and demos, made in code in milliseconds: a CA, leaf certificates signed by it, and the
 * PEM files, PKCS12/JKS stores and fingerprints that TLS options expect.
 *
 * <pre>{@code
 * TestCertificates.Authority ca = TestCertificates.newAuthority("Sluice Test CA");
 * TestCertificates.Issued server = ca.issue("localhost").sans("localhost", "127.0.0.1").build();
 * TestCertificates.PemFiles files = server.writePem(dir);   // localhost.crt, localhost.key, ca.pem
 * }</pre>
 *
 * The output is standard X.509v3 that OpenSSL, GnuTLS (rsyslog's gtls and openssl drivers) and the JDK accept: the
 * CA has basicConstraints CA:true and keyUsage keyCertSign/cRLSign; leaves have CA:false, keyUsage
 * digitalSignature (plus keyEncipherment for RSA), extendedKeyUsage serverAuth and clientAuth, subject and
 * authority key identifiers, and the subjectAltNames given (none if none are given, so that CN-only certificates
 * can be tested). Keys are EC P-256 unless RSA 2048 is asked for. Never use these in production: the keys are
 * written unencrypted by default.
 */
public final class TestCertificates {

    /** Key algorithm of a CA or leaf. */
    public enum KeyType {
        /** ECDSA on P-256 (secp256r1): fast to generate, accepted everywhere. */
        EC_P256,
        /** RSA with a 2048-bit modulus. */
        RSA_2048
    }

    /** How {@link Issued#writeKey} writes a private key. */
    public enum KeyFormat {
        /** {@code BEGIN PRIVATE KEY}. */
        PKCS8,
        /** {@code BEGIN ENCRYPTED PRIVATE KEY}: PBES2, AES-256-CBC, HMAC-SHA256. */
        PKCS8_ENCRYPTED,
        /** OpenSSL's traditional form: {@code BEGIN RSA PRIVATE KEY} (PKCS#1) or {@code BEGIN EC PRIVATE KEY} (SEC1). */
        TRADITIONAL,
        /** The traditional form with {@code Proc-Type: 4,ENCRYPTED} (AES-256-CBC). */
        TRADITIONAL_ENCRYPTED
    }

    /** The paths written by {@link Issued#writePem(Path)}, named like the TLS options. */
    public static final class PemFiles {
        private final Path certFile;
        private final Path keyFile;
        private final Path caFile;

        PemFiles(Path certFile, Path keyFile, Path caFile) {
            this.certFile = certFile;
            this.keyFile = keyFile;
            this.caFile = caFile;
        }

        public Path certFile() {
            return certFile;
        }

        public Path keyFile() {
            return keyFile;
        }

        public Path caFile() {
            return caFile;
        }

        @Override
        public String toString() {
            return "PemFiles{certFile=" + certFile + ", keyFile=" + keyFile + ", caFile=" + caFile + "}";
        }
    }

    private static final Provider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Default validity of a CA, counted from a day ago so that back-dated leaves chain to it. */
    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
    /** Default validity of a leaf, from five minutes ago (clock skew) to this long from now. */
    public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(30);

    private TestCertificates() {
    }

    /** A new self-signed CA with an EC P-256 key. */
    public static Authority newAuthority(String commonName) {
        return newAuthority(commonName, KeyType.EC_P256);
    }

    /** A new self-signed CA. */
    public static Authority newAuthority(String commonName, KeyType keyType) {
        KeyPair keys = generate(keyType);
        Instant now = Instant.now();
        X500Name name = name(commonName);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofDays(365))), Date.from(now.plus(DEFAULT_CA_VALIDITY)), name,
                    keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new Authority(commonName, keys, sign(b, keys.getPrivate()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create test CA " + commonName, e);
        }
    }

    /** A certificate authority that issues leaves. Immutable. */
    public static final class Authority {
        private final String commonName;
        private final KeyPair keys;
        private final X509Certificate certificate;

        private Authority(String commonName, KeyPair keys, X509Certificate certificate) {
            this.commonName = commonName;
            this.keys = keys;
            this.certificate = certificate;
        }

        public String commonName() {
            return commonName;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        public PrivateKey privateKey() {
            return keys.getPrivate();
        }

        /** Starts a leaf certificate with this subject CN. */
        public LeafBuilder issue(String commonName) {
            return new LeafBuilder(this, commonName);
        }

        /** Writes the CA certificate as PEM (for {@code caFile}); returns the file. */
        public Path writePem(Path file) {
            writePemObjects(file, certificate);
            return file;
        }

        /** Writes a trust store (for {@code trustStore}) with the CA as trusted entry {@code "ca"}. */
        public Path writeTrustStore(Path file, String type, char[] password) {
            try {
                KeyStore store = KeyStore.getInstance(type);
                store.load(null, null);
                store.setCertificateEntry("ca", certificate);
                return store(store, file, password);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot write trust store " + file, e);
            }
        }

        @Override
        public String toString() {
            return "Authority{" + certificate.getSubjectX500Principal().getName() + "}";
        }
    }

    /** Collects the fields of a leaf certificate. Not thread-safe; {@link #build()} may be called again. */
    public static final class LeafBuilder {
        private final Authority issuer;
        private final String commonName;
        private final List<String> sans = new ArrayList<>();
        private Instant notBefore;
        private Instant notAfter;
        private KeyType keyType = KeyType.EC_P256;

        private LeafBuilder(Authority issuer, String commonName) {
            this.issuer = issuer;
            this.commonName = Objects.requireNonNull(commonName, "commonName");
        }

        /** Adds subjectAltNames: IP literals become IP entries, everything else DNS entries. */
        public LeafBuilder sans(String... namesOrAddresses) {
            sans.addAll(Arrays.asList(namesOrAddresses));
            return this;
        }

        /** Valid from five minutes ago until {@code validity} from now. */
        public LeafBuilder validFor(Duration validity) {
            Instant now = Instant.now();
            return validity(now.minus(Duration.ofMinutes(5)), now.plus(validity));
        }

        /** An explicit validity period, for expired or not-yet-valid certificates. */
        public LeafBuilder validity(Instant notBefore, Instant notAfter) {
            this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
            this.notAfter = Objects.requireNonNull(notAfter, "notAfter");
            return this;
        }

        /** Valid from two days ago until yesterday. */
        public LeafBuilder expired() {
            Instant now = Instant.now();
            return validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
        }

        public LeafBuilder keyType(KeyType keyType) {
            this.keyType = Objects.requireNonNull(keyType, "keyType");
            return this;
        }

        public Issued build() {
            Instant now = Instant.now();
            Instant from = notBefore != null ? notBefore : now.minus(Duration.ofMinutes(5));
            Instant to = notAfter != null ? notAfter : now.plus(DEFAULT_LEAF_VALIDITY);
            KeyPair keys = generate(keyType);
            try {
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                int usage = KeyUsage.digitalSignature | (keyType == KeyType.RSA_2048 ? KeyUsage.keyEncipherment : 0);
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer.certificate, serial(),
                        Date.from(from), Date.from(to), name(commonName), keys.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                        .addExtension(Extension.subjectKeyIdentifier, false,
                                ext.createSubjectKeyIdentifier(keys.getPublic()))
                        .addExtension(Extension.authorityKeyIdentifier, false,
                                ext.createAuthorityKeyIdentifier(issuer.certificate));
                if (!sans.isEmpty()) {
                    GeneralName[] names = sans.stream().map(TestCertificates::generalName)
                            .toArray(GeneralName[]::new);
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
                return new Issued(issuer, commonName, keys, sign(b, issuer.privateKey()));
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot issue test certificate " + commonName, e);
            }
        }
    }

    /** A leaf certificate with its private key. Immutable. */
    public static final class Issued {
        private final Authority issuer;
        private final String commonName;
        private final KeyPair keys;
        private final X509Certificate certificate;

        private Issued(Authority issuer, String commonName, KeyPair keys, X509Certificate certificate) {
            this.issuer = issuer;
            this.commonName = commonName;
            this.keys = keys;
            this.certificate = certificate;
        }

        public Authority issuer() {
            return issuer;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        public PrivateKey privateKey() {
            return keys.getPrivate();
        }

        /** The fingerprint as {@code permittedPeers} takes it in x509/fingerprint: {@code "SHA256:AB:CD:..."}. */
        public String sha256Fingerprint() {
            return PeerVerifier.sha256Fingerprint(certificate);
        }

        /**
         * Writes {@code <cn>.crt} (certificate), {@code <cn>.key} (unencrypted PKCS#8) and {@code ca.pem} (the
         * issuer) into {@code dir}, creating it if needed; characters other than letters, digits, '.', '-' and '_'
         * in the CN become '_'.
         */
        public PemFiles writePem(Path dir) {
            return writePem(dir, commonName.replaceAll("[^A-Za-z0-9._-]", "_"));
        }

        /** As {@link #writePem(Path)} with {@code <baseName>.crt} and {@code <baseName>.key}. */
        public PemFiles writePem(Path dir, String baseName) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path cert = writeCertificate(dir.resolve(baseName + ".crt"));
            Path key = writeKey(dir.resolve(baseName + ".key"), KeyFormat.PKCS8, null);
            Path ca = issuer.writePem(dir.resolve("ca.pem"));
            return new PemFiles(cert, key, ca);
        }

        /** Writes the certificate (without the CA) as PEM. */
        public Path writeCertificate(Path file) {
            writePemObjects(file, certificate);
            return file;
        }

        /**
         * Writes the private key.
         *
         * @param password required for the encrypted formats, ignored otherwise
         */
        public Path writeKey(Path file, KeyFormat format, char[] password) {
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                    JcaPEMWriter pem = new JcaPEMWriter(w)) {
                switch (format) {
                    case PKCS8:
                        pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
                        break;
                    case PKCS8_ENCRYPTED:
                        OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                                .setProvider(BC).setRandom(RANDOM).setPRF(PKCS8Generator.PRF_HMACSHA256)
                                .setPassword(requirePassword(password)).build();
                        pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), encryptor));
                        break;
                    case TRADITIONAL:
                        pem.writeObject(traditional(keys.getPrivate()));
                        break;
                    case TRADITIONAL_ENCRYPTED:
                        pem.writeObject(traditional(keys.getPrivate()), new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(BC)
                                .setSecureRandom(RANDOM).build(requirePassword(password)));
                        break;
                    default:
                        throw new AssertionError(format);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write key " + file, e);
            } catch (OperatorCreationException e) {
                throw new IllegalStateException("cannot encrypt key " + file, e);
            }
            return file;
        }

        /** Writes a PKCS12 store (for {@code keyStore}) with the key, this certificate and the CA, alias = CN. */
        public Path writePkcs12(Path file, char[] password) {
            return writeKeyStore(file, "PKCS12", password);
        }

        /** Writes a {@code PKCS12} or {@code JKS} key store; the key entry uses the store password. */
        public Path writeKeyStore(Path file, String type, char[] password) {
            try {
                KeyStore store = KeyStore.getInstance(type.toUpperCase(Locale.ROOT));
                store.load(null, null);
                store.setKeyEntry(commonName, keys.getPrivate(), password,
                        new Certificate[] {certificate, issuer.certificate});
                return store(store, file, password);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot write key store " + file, e);
            }
        }

        @Override
        public String toString() {
            return "Issued{" + certificate.getSubjectX500Principal().getName() + ", issuer " + issuer.commonName + "}";
        }
    }

    /**
     * The JDK encodes an EC key's curve only outside the SEC1 structure, so a SEC1 file written from it would lack
     * the curve; BouncyCastle's own key object carries it inside, as OpenSSL writes it.
     */
    private static PrivateKey traditional(PrivateKey key) {
        if (!"EC".equals(key.getAlgorithm())) {
            return key;
        }
        try {
            return KeyFactory.getInstance("EC", BC).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot convert EC key to SEC1", e);
        }
    }

    private static char[] requirePassword(char[] password) {
        if (password == null) {
            throw new IllegalArgumentException("password: required for an encrypted key format");
        }
        return password;
    }

    private static Path store(KeyStore store, Path file, char[] password) throws IOException,
            GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        return file;
    }

    private static void writePemObjects(Path file, Object... objects) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static GeneralName generalName(String value) {
        String v = value.trim();
        boolean ip = NetUtil.isValidIpV4Address(v) || NetUtil.isValidIpV6Address(v);
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, v);
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static BigInteger serial() {
        return new BigInteger(126, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        String algorithm = "EC".equals(signer.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + algorithm, e);
        }
    }

    private static KeyPair generate(KeyType type) {
        try {
            if (type == KeyType.RSA_2048) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048, RANDOM);
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + type + " key", e);
        }
    }
}
