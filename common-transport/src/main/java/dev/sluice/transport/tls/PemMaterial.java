package dev.sluice.transport.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads certificates, private keys and key stores, failing closed with a {@link TlsConfigException} whose message
 * names the option and the file ({@code "caFile: /x/ca.pem: no such file"}) and never contains key material or
 * passwords.
 *
 * <p>Private keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}), SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}, optionally after {@code EC PARAMETERS}), encrypted PKCS#8
 * ({@code BEGIN ENCRYPTED PRIVATE KEY}) or legacy OpenSSL encryption ({@code Proc-Type: 4,ENCRYPTED}). Keys are
 * produced by the JDK's own key factories; BouncyCastle is used as a parser and, for decryption only, as a provider
 * instance that is never registered in the JVM.
 */
public final class PemMaterial {

    private static final Provider BC = new BouncyCastleProvider();

    private PemMaterial() {
    }

    /**
     * Reads every certificate of a PEM file (a CA bundle, or a certificate followed by its intermediates), in file
     * order. Other PEM blocks are skipped.
     *
     * @param option the option name for messages, for example {@code "caFile"}
     * @throws TlsConfigException if the file is missing, unreadable, empty, or holds no certificate
     */
    public static List<X509Certificate> readCertificates(String option, Path file) {
        byte[] bytes = readFile(option, file);
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = parser(bytes)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder) {
                    certs.add(converter.getCertificate((X509CertificateHolder) o));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new TlsConfigException(option + ": " + file + ": not a valid PEM certificate file ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (certs.isEmpty()) {
            throw new TlsConfigException(option + ": " + file
                    + ": contains no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return Collections.unmodifiableList(certs);
    }

    /**
     * Reads the first private key of a PEM file.
     *
     * @param password the password of an encrypted key; ignored for a plain key; may be {@code null}
     * @throws TlsConfigException if the file cannot be read, holds no key, is encrypted without a password, or the
     *     password is wrong
     */
    public static PrivateKey readPrivateKey(String option, Path file, char[] password) {
        byte[] bytes = readFile(option, file);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = parser(bytes)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PrivateKeyInfo) {
                    return converter.getPrivateKey((PrivateKeyInfo) o);
                }
                if (o instanceof PEMKeyPair) {
                    // Only the private part: a SEC1 key may omit its optional public key.
                    return converter.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    PrivateKeyInfo info;
                    try {
                        info = ((PKCS8EncryptedPrivateKeyInfo) o).decryptPrivateKeyInfo(
                                new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC)
                                        .build(requirePassword(option, file, password)));
                    } catch (TlsConfigException e) {
                        throw e;
                    } catch (Exception e) {
                        throw wrongPassword(option, file, e);
                    }
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair) {
                    PEMKeyPair pair;
                    try {
                        pair = ((PEMEncryptedKeyPair) o).decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                                .setProvider(BC).build(requirePassword(option, file, password)));
                    } catch (TlsConfigException e) {
                        throw e;
                    } catch (Exception e) {
                        throw wrongPassword(option, file, e);
                    }
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                // EC PARAMETERS, certificates and anything else: look further.
            }
        } catch (TlsConfigException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // A legacy-encrypted key decrypted with a wrong password often fails only here, while being parsed.
            throw new TlsConfigException(option + ": " + file + ": cannot read the private key ("
                    + e.getClass().getSimpleName() + "); if it is encrypted, check keyPassword", e);
        }
        throw new TlsConfigException(option + ": " + file + ": contains no private key (expected PEM PKCS#8,"
                + " PKCS#1 RSA or SEC1 EC, plain or encrypted)");
    }

    /**
     * Loads a PKCS12 or JKS store. A {@code null} password loads a trust store without checking its integrity,
     * as the JDK does.
     *
     * @throws TlsConfigException for a missing, unreadable or damaged file, or a wrong password
     */
    public static KeyStore readKeyStore(String option, Path file, String type, char[] password) {
        byte[] bytes = readFile(option, file);
        try {
            KeyStore store = KeyStore.getInstance(type);
            store.load(new ByteArrayInputStream(bytes), password);
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new TlsConfigException(option + ": " + file + ": wrong " + option
                        + "Password, or the file is damaged", e);
            }
            throw new TlsConfigException(option + ": " + file + ": cannot read as " + type + " ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(option + ": " + file + ": cannot read as " + type + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * The trusted certificate entries of a trust store.
     *
     * @throws TlsConfigException if there are none
     */
    public static List<X509Certificate> trustedCertificates(String option, Path file, KeyStore store) {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                Certificate c = store.isCertificateEntry(alias) ? store.getCertificate(alias) : null;
                if (c instanceof X509Certificate) {
                    certs.add((X509Certificate) c);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(option + ": " + file + ": cannot list entries", e);
        }
        if (certs.isEmpty()) {
            throw new TlsConfigException(option + ": " + file + ": contains no trusted certificate entry");
        }
        return Collections.unmodifiableList(certs);
    }

    /**
     * Checks that a private key belongs to a certificate, by signing and verifying a test value.
     *
     * @throws TlsConfigException naming both files if it does not
     */
    static void checkKeyMatches(PrivateKey key, X509Certificate cert, Path keyFile, Path certFile) {
        String algorithm;
        switch (key.getAlgorithm()) {
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "EC":
                algorithm = "SHA256withECDSA";
                break;
            case "Ed25519":
            case "EdDSA":
                algorithm = "Ed25519";
                break;
            default:
                return; // unusual key type: let the handshake judge
        }
        boolean ok;
        try {
            byte[] probe = "sluice key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            ok = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new TlsConfigException("keyFile: " + keyFile + ": the private key does not belong to the"
                    + " certificate in certFile " + certFile + " (" + cert.getSubjectX500Principal().getName() + ")");
        }
    }

    static byte[] readFile(String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new TlsConfigException(option + ": " + file + ": is a directory, not a file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException(option + ": " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new TlsConfigException(option + ": " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new TlsConfigException(option + ": " + file + ": cannot read (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        if (bytes.length == 0) {
            throw new TlsConfigException(option + ": " + file + ": file is empty");
        }
        return bytes;
    }

    private static PEMParser parser(byte[] bytes) {
        Reader reader = new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
        return new PEMParser(reader);
    }

    private static char[] requirePassword(String option, Path file, char[] password) {
        if (password == null) {
            throw new TlsConfigException(option + ": " + file + ": the key is encrypted; keyPassword is required");
        }
        return password;
    }

    private static TlsConfigException wrongPassword(String option, Path file, Exception cause) {
        // The cause is kept for its type and stack only; BouncyCastle's messages hold no key bytes or passwords.
        return new TlsConfigException(option + ": " + file + ": cannot decrypt the key: wrong keyPassword, or the"
                + " file is damaged", cause);
    }
}
