package dev.sluice.relp.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.relp.server.TestCertificates;
import dev.sluice.relp.server.TestCertificates.Authority;
import dev.sluice.relp.server.TestCertificates.Issued;
import dev.sluice.relp.server.TestCertificates.KeyFormat;
import dev.sluice.relp.server.TestCertificates.KeyType;
import dev.sluice.transport.tls.PemMaterial;
import dev.sluice.transport.tls.TlsConfigException;
import dev.sluice.transport.tls.TlsContexts;
import dev.sluice.transport.tls.TlsSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemMaterialTest {

    private static final char[] PASSWORD = "s3cret-Pw".toCharArray();

    private static Authority ca;
    private static Issued ecLeaf;
    private static Issued rsaLeaf;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue() {
        ca = TestCertificates.newAuthority("Sluice Test CA");
        ecLeaf = ca.issue("ec.example.com").sans("ec.example.com").build();
        rsaLeaf = ca.issue("rsa.example.com").sans("rsa.example.com").keyType(KeyType.RSA_2048).build();
    }

    @Test
    void readsPkcs8Key() {
        Path file = ecLeaf.writeKey(dir.resolve("k.pem"), KeyFormat.PKCS8, null);
        assertThat(content(file)).contains("BEGIN PRIVATE KEY");
        assertThat(PemMaterial.readPrivateKey("keyFile", file, null).getEncoded())
                .isEqualTo(ecLeaf.privateKey().getEncoded());
    }

    @Test
    void readsPkcs1RsaKey() {
        Path file = rsaLeaf.writeKey(dir.resolve("k.pem"), KeyFormat.TRADITIONAL, null);
        assertThat(content(file)).contains("BEGIN RSA PRIVATE KEY");
        PrivateKey key = PemMaterial.readPrivateKey("keyFile", file, null);
        assertThat(key.getAlgorithm()).isEqualTo("RSA");
        assertThat(key.getEncoded()).isEqualTo(rsaLeaf.privateKey().getEncoded());
    }

    @Test
    void readsSec1EcKey() {
        Path file = ecLeaf.writeKey(dir.resolve("k.pem"), KeyFormat.TRADITIONAL, null);
        assertThat(content(file)).contains("BEGIN EC PRIVATE KEY");
        PrivateKey key = PemMaterial.readPrivateKey("keyFile", file, null);
        assertThat(key.getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void readsEncryptedPkcs8KeyWithTheRightPassword() {
        Path file = ecLeaf.writeKey(dir.resolve("k.pem"), KeyFormat.PKCS8_ENCRYPTED, PASSWORD);
        assertThat(content(file)).contains("BEGIN ENCRYPTED PRIVATE KEY");
        assertThat(PemMaterial.readPrivateKey("keyFile", file, PASSWORD).getEncoded())
                .isEqualTo(ecLeaf.privateKey().getEncoded());
    }

    @Test
    void refusesEncryptedPkcs8KeyWithAWrongPasswordWithoutShowingIt() {
        Path file = ecLeaf.writeKey(dir.resolve("k.pem"), KeyFormat.PKCS8_ENCRYPTED, PASSWORD);
        assertThatThrownBy(() -> PemMaterial.readPrivateKey("keyFile", file, "wrong-pw".toCharArray()))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("keyFile: " + file)
                .hasMessageContaining("wrong keyPassword")
                .hasMessageNotContaining("wrong-pw")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void readsLegacyEncryptedRsaKeyWithTheRightPassword() {
        Path file = rsaLeaf.writeKey(dir.resolve("k.pem"), KeyFormat.TRADITIONAL_ENCRYPTED, PASSWORD);
        assertThat(content(file)).contains("Proc-Type: 4,ENCRYPTED").contains("BEGIN RSA PRIVATE KEY");
        assertThat(PemMaterial.readPrivateKey("keyFile", file, PASSWORD).getEncoded())
                .isEqualTo(rsaLeaf.privateKey().getEncoded());
    }

    @Test
    void refusesLegacyEncryptedKeyWithAWrongPassword() {
        Path file = rsaLeaf.writeKey(dir.resolve("k.pem"), KeyFormat.TRADITIONAL_ENCRYPTED, PASSWORD);
        assertThatThrownBy(() -> PemMaterial.readPrivateKey("keyFile", file, "nope".toCharArray()))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("keyFile: " + file)
                .hasMessageContaining("keyPassword")
                .hasMessageNotContaining("nope");
    }

    @Test
    void refusesEncryptedKeyWithoutPassword() {
        Path file = ecLeaf.writeKey(dir.resolve("k.pem"), KeyFormat.PKCS8_ENCRYPTED, PASSWORD);
        assertThatThrownBy(() -> PemMaterial.readPrivateKey("keyFile", file, null))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("keyFile: " + file + ": the key is encrypted; keyPassword is required");
    }

    @Test
    void refusesAKeyFileWithoutKey() {
        Path file = ecLeaf.writeCertificate(dir.resolve("cert-as-key.pem"));
        assertThatThrownBy(() -> PemMaterial.readPrivateKey("keyFile", file, null))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("contains no private key");
    }

    @Test
    void readsEveryCertificateOfACaBundle() throws IOException {
        Authority other = TestCertificates.newAuthority("Other CA");
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, content(ca.writePem(dir.resolve("a.pem"))) + content(other.writePem(dir.resolve(
                "b.pem"))));
        List<X509Certificate> certs = PemMaterial.readCertificates("caFile", bundle);
        assertThat(certs).containsExactly(ca.certificate(), other.certificate());
    }

    @Test
    void failsClosedOnAMissingCaFileNamingIt() {
        Path missing = dir.resolve("nope/ca.pem");
        TlsSettings settings = TlsSettings.builder().caFile(missing).build();
        assertThatThrownBy(() -> TlsContexts.forClient(settings, "localhost", w -> { }))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("caFile: " + missing + ": no such file");
    }

    @Test
    void failsClosedOnAnEmptyCaFileNamingIt() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.pem"));
        TlsSettings settings = TlsSettings.builder().caFile(empty).build();
        assertThatThrownBy(() -> TlsContexts.forClient(settings, "localhost", w -> { }))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("caFile: " + empty + ": file is empty");
    }

    @Test
    void failsClosedOnACaFileWithoutCertificates() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        assertThatThrownBy(() -> PemMaterial.readCertificates("caFile", junk))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("caFile: " + junk + ": contains no certificate");
    }

    @Test
    void failsClosedOnAMissingTrustStore() {
        Path missing = dir.resolve("trust.p12");
        TlsSettings settings = TlsSettings.builder().trustStore(missing).build();
        assertThatThrownBy(() -> TlsContexts.forClient(settings, "localhost", w -> { }))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("trustStore: " + missing + ": no such file");
    }

    @Test
    void buildsAContextFromPkcs12KeyAndTrustStores() {
        Path keyStore = ecLeaf.writePkcs12(dir.resolve("key.p12"), PASSWORD);
        Path trustStore = ca.writeTrustStore(dir.resolve("trust.p12"), "PKCS12", PASSWORD);
        List<String> warnings = new ArrayList<>();
        TlsSettings settings = TlsSettings.builder().keyStore(keyStore).keyStorePassword(PASSWORD)
                .trustStore(trustStore).trustStorePassword(PASSWORD).permittedPeers("client.example.com").build();
        assertThat(TlsContexts.forServer(settings, warnings::add)).isNotNull();
        assertThat(warnings).isEmpty();
    }

    @Test
    void buildsAContextFromJksKeyAndTrustStores() {
        Path keyStore = ecLeaf.writeKeyStore(dir.resolve("key.jks"), "JKS", PASSWORD);
        Path trustStore = ca.writeTrustStore(dir.resolve("trust.jks"), "JKS", PASSWORD);
        TlsSettings settings = TlsSettings.builder().keyStore(keyStore).keyStoreType("jks")
                .keyStorePassword(PASSWORD).trustStore(trustStore).trustStoreType("JKS")
                .trustStorePassword(PASSWORD).build();
        assertThat(TlsContexts.forClient(settings, "localhost", w -> { })).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PKCS12", "JKS"})
    void refusesAKeyStoreWithAWrongPasswordNamingTheOptionWithoutShowingAPassword(String type) {
        Path keyStore = ecLeaf.writeKeyStore(dir.resolve("key." + type), type, PASSWORD);
        TlsSettings settings = TlsSettings.builder().keyStore(keyStore).keyStoreType(type)
                .keyStorePassword("bad-guess").authMode("anon").build();
        assertThatThrownBy(() -> TlsContexts.forClient(settings, "localhost", w -> { }))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("keyStore: " + keyStore + ": wrong keyStorePassword, or the file is damaged")
                .satisfies(PemMaterialTest::showsNoPassword);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PKCS12", "JKS"})
    void refusesATrustStoreWithAWrongPasswordNamingTheOptionWithoutShowingAPassword(String type) {
        Path trustStore = ca.writeTrustStore(dir.resolve("trust." + type), type, PASSWORD);
        TlsSettings settings = TlsSettings.builder().trustStore(trustStore).trustStoreType(type)
                .trustStorePassword("bad-guess").build();
        assertThatThrownBy(() -> TlsContexts.forClient(settings, "localhost", w -> { }))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("trustStore: " + trustStore + ": wrong trustStorePassword, or the file is damaged")
                .satisfies(PemMaterialTest::showsNoPassword);
    }

    /** Neither the wrong password nor the right one appears in the message or the text of any cause. */
    private static void showsNoPassword(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t)).doesNotContain("bad-guess").doesNotContain(new String(PASSWORD));
        }
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificate() {
        Path cert = ecLeaf.writeCertificate(dir.resolve("ec.crt"));
        Path otherKey = rsaLeaf.writeKey(dir.resolve("rsa.key"), KeyFormat.PKCS8, null);
        TlsSettings settings = TlsSettings.builder().certFile(cert).keyFile(otherKey)
                .caFile(ca.writePem(dir.resolve("ca.pem"))).build();
        assertThatThrownBy(() -> TlsContexts.forClient(settings, "localhost", w -> { }))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("does not belong to the certificate in certFile " + cert);
    }

    @Test
    void warnsWhenTheOwnCertificateExpired() {
        TestCertificates.PemFiles files = ca.issue("old.example.com").sans("old.example.com").expired().build()
                .writePem(dir);
        List<String> warnings = new ArrayList<>();
        TlsSettings settings = TlsSettings.builder().certFile(files.certFile()).keyFile(files.keyFile())
                .caFile(files.caFile()).build();
        TlsContexts.forClient(settings, "localhost", warnings::add);
        assertThat(warnings).singleElement().asString().contains("certFile: " + files.certFile())
                .contains("expired");
    }

    private static String content(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
