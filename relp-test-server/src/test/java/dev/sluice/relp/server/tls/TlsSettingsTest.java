package dev.sluice.relp.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.TlsConfigException;
import dev.sluice.transport.tls.TlsSettings;

import org.junit.jupiter.api.Test;

class TlsSettingsTest {

    @Test
    void authModeParsesRsyslogNamesIgnoringCase() {
        assertThat(AuthMode.parse("X509/Name")).isEqualTo(AuthMode.X509_NAME);
        assertThat(AuthMode.parse(" anon ")).isEqualTo(AuthMode.ANON);
        assertThat(AuthMode.X509_FINGERPRINT.configName()).isEqualTo("x509/fingerprint");
    }

    @Test
    void authModeRefusesUnknownNamesListingTheAcceptedOnes() {
        assertThatThrownBy(() -> AuthMode.parse("x509/any"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("authMode: 'x509/any' (expected one of: x509/name, x509/fingerprint, x509/certvalid,"
                        + " anon)");
    }

    @Test
    void defaultsToNameCheckAndModernProtocols() {
        TlsSettings s = TlsSettings.builder().caFile("/etc/pki/ca.pem").build();
        assertThat(s.authMode()).isEqualTo(AuthMode.X509_NAME);
        assertThat(s.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(s.keyStoreType()).isEqualTo("PKCS12");
    }

    @Test
    void neverShowsPasswordsInToString() {
        TlsSettings s = TlsSettings.builder().caFile("/ca.pem").certFile("/c.pem").keyFile("/k.pem")
                .keyPassword("hunter2").build();
        assertThat(s.toString()).doesNotContain("hunter2").contains("keyPassword=***").contains("/k.pem");
    }

    @Test
    void refusesCertWithoutKey() {
        assertThatThrownBy(() -> TlsSettings.builder().caFile("/ca.pem").certFile("/c.pem").build())
                .isInstanceOf(TlsConfigException.class).hasMessage("keyFile: required with certFile /c.pem");
    }

    @Test
    void refusesKeyStoreTogetherWithPemFiles() {
        assertThatThrownBy(() -> TlsSettings.builder().caFile("/ca.pem").certFile("/c.pem").keyFile("/k.pem")
                .keyStore("/k.p12").build())
                .isInstanceOf(TlsConfigException.class).hasMessageStartingWith("keyStore: cannot be combined");
    }

    @Test
    void refusesCheckingModesWithoutCa() {
        assertThatThrownBy(() -> TlsSettings.builder().build())
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("caFile: required (or trustStore) for authMode x509/name");
    }

    @Test
    void refusesProtocolsOtherThanTls12And13() {
        assertThatThrownBy(() -> TlsSettings.builder().caFile("/ca.pem").protocols("TLSv1.1").build())
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("protocols: 'TLSv1.1' is not allowed (expected: TLSv1.3, TLSv1.2)");
    }

    @Test
    void refusesAWildcardPermittedPeerOverOneLabel() {
        assertThatThrownBy(() -> TlsSettings.builder().caFile("/ca.pem").permittedPeers("logs.example.com, *.com")
                .build())
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("permittedPeers: '*.com': a wildcard needs at least two labels after '*.', as in"
                        + " *.example.com");
    }

    @Test
    void refusesPermittedPeersInCertvalidModeWhereNothingChecksThem() {
        assertThatThrownBy(() -> TlsSettings.builder().caFile("/ca.pem").authMode("x509/certvalid")
                .permittedPeers("logs.example.com").build())
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("permittedPeers: not checked in authMode x509/certvalid; remove them or choose x509/name"
                        + " or x509/fingerprint");
        assertThat(TlsSettings.builder().caFile("/ca.pem").authMode("x509/certvalid").build().authMode())
                .isEqualTo(AuthMode.X509_CERTVALID);
    }

    @Test
    void refusesFingerprintModeWithoutOrWithMalformedFingerprints() {
        assertThatThrownBy(() -> TlsSettings.builder().authMode("x509/fingerprint").build())
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("permittedPeers: required for authMode x509/fingerprint");
        assertThatThrownBy(() -> TlsSettings.builder().authMode("x509/fingerprint").permittedPeers("SHA256:AB:CD")
                .build())
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("permittedPeers: 'SHA256:AB:CD' is not a certificate fingerprint");
    }

    @Test
    void refusesPermittedPeersInAnonMode() {
        assertThatThrownBy(() -> TlsSettings.builder().authMode(AuthMode.ANON).permittedPeers("a.example.com")
                .build())
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("permittedPeers: not checked in authMode anon");
    }

    @Test
    void refusesWildcardsThatAreNotAWholeLeftmostLabel() {
        assertThatThrownBy(() -> TlsSettings.builder().caFile("/ca.pem").permittedPeers("log*.example.com")
                .build())
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("a wildcard must be the whole leftmost label");
    }

    @Test
    void splitsCommaSeparatedPermittedPeers() {
        TlsSettings s = TlsSettings.builder().caFile("/ca.pem").permittedPeers("a.example.com, *.b.example.com")
                .build();
        assertThat(s.permittedPeers()).containsExactly("a.example.com", "*.b.example.com");
    }
}
