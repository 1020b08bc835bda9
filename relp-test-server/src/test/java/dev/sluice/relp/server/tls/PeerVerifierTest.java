package dev.sluice.relp.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.relp.server.TestCertificates;
import dev.sluice.relp.server.TestCertificates.Authority;
import dev.sluice.relp.server.TestCertificates.Issued;
import dev.sluice.transport.tls.AuthMode;
import dev.sluice.transport.tls.PeerVerificationException;
import dev.sluice.transport.tls.PeerVerificationException.Reason;
import dev.sluice.transport.tls.PeerVerifier;
import dev.sluice.transport.tls.TlsConfigException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PeerVerifierTest {

    private static Authority ca;
    private static Authority otherCa;
    private static Issued logs;
    private static Issued cnOnly;

    @BeforeAll
    static void issue() {
        ca = TestCertificates.newAuthority("Sluice Test CA");
        otherCa = TestCertificates.newAuthority("Unrelated CA");
        logs = ca.issue("ignored-cn.example.com").sans("logs.example.com", "10.0.0.7").build();
        cnOnly = ca.issue("legacy.example.com").build();
    }

    @Test
    void namesMatchExactlyIgnoringCaseAndATrailingDot() {
        assertThat(PeerVerifier.nameMatches("logs.example.com", "logs.example.com")).isTrue();
        assertThat(PeerVerifier.nameMatches("LOGS.Example.COM", "logs.example.com")).isTrue();
        assertThat(PeerVerifier.nameMatches("logs.example.com.", "logs.example.com")).isTrue();
        assertThat(PeerVerifier.nameMatches("logs.example.com", "logs.example.org")).isFalse();
    }

    @Test
    void wildcardMatchesExactlyOneLeftmostLabel() {
        assertThat(PeerVerifier.nameMatches("*.example.com", "logs.example.com")).isTrue();
        assertThat(PeerVerifier.nameMatches("*.EXAMPLE.com", "Logs.example.com")).isTrue();
    }

    @Test
    void wildcardDoesNotMatchTheApexOrTwoLabels() {
        assertThat(PeerVerifier.nameMatches("*.example.com", "example.com")).isFalse();
        assertThat(PeerVerifier.nameMatches("*.example.com", "a.b.example.com")).isFalse();
        assertThat(PeerVerifier.nameMatches("*.example.com", ".example.com")).isFalse();
        assertThat(PeerVerifier.nameMatches("*.example.com", "logs.example.com.evil.org")).isFalse();
    }

    @Test
    void wildcardInTheCertificateAlsoCoversOneLabel() {
        assertThat(PeerVerifier.nameMatches("logs.example.com", "*.example.com")).isTrue();
        assertThat(PeerVerifier.nameMatches("a.b.example.com", "*.example.com")).isFalse();
    }

    @Test
    void wildcardNeedsTwoLabelsAfterTheStarOnEitherSide() {
        assertThat(PeerVerifier.nameMatches("*.com", "logs.com")).isFalse();
        assertThat(PeerVerifier.nameMatches("*.com.", "logs.com")).isFalse();
        assertThat(PeerVerifier.nameMatches("logs.com", "*.com")).isFalse();
        assertThat(PeerVerifier.nameMatches("logs.com", "*.COM.")).isFalse();
        assertThat(PeerVerifier.nameMatches("logs.co.uk", "*.co.uk")).isTrue(); // as OpenSSL: no public suffix list
    }

    @Test
    void nameModeRefusesACertificateForAWildcardOverOneLabel() {
        Issued tld = ca.issue("*.com").sans("*.com").build();
        assertRefused(verifier(AuthMode.X509_NAME), tld, "logs.com", Reason.NAME_NOT_PERMITTED);
        assertRefused(verifier(AuthMode.X509_NAME, "logs.com"), tld, null, Reason.NAME_NOT_PERMITTED);
    }

    @Test
    void refusesAPermittedPeerWildcardOverOneLabel() {
        assertThatThrownBy(() -> verifier(AuthMode.X509_NAME, "*.com"))
                .isInstanceOf(TlsConfigException.class)
                .hasMessage("permittedPeers: '*.com': a wildcard needs at least two labels after '*.', as in"
                        + " *.example.com");
        assertThatThrownBy(() -> verifier(AuthMode.X509_NAME, "*.com."))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("permittedPeers: '*.com.': a wildcard needs at least two labels");
    }

    @Test
    void refusesAPermittedPeerThatIsNotAsciiForItCouldMatchNothing() {
        assertThatThrownBy(() -> verifier(AuthMode.X509_NAME, "\u212Aafka.example.com"))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageStartingWith("permittedPeers: '\u212Aafka.example.com': a name of printable ASCII is"
                        + " expected");
        assertThatThrownBy(() -> verifier(AuthMode.X509_NAME, "bücher.example"))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("xn--");
    }

    @Test
    void namesFoldOnlyAsciiCase() {
        // U+212A KELVIN SIGN lower-cases to 'k' in Locale.ROOT: a look-alike name must not pass for the real one
        assertThat(PeerVerifier.nameMatches("kafka.example.com", "\u212Aafka.example.com")).isFalse();
        assertThat(PeerVerifier.nameMatches("\u212Aafka.example.com", "kafka.example.com")).isFalse();
        assertThat(PeerVerifier.nameMatches("*.example.com", "\u212Aafka.example.com")).isFalse();
        assertThat(PeerVerifier.nameMatches("KAFKA.example.com", "kafka.EXAMPLE.com")).isTrue();
    }

    @Test
    void nameModeRefusesACnWithANonAsciiLookAlike() {
        Issued kelvin = ca.issue("\u212Aafka.example.com").build(); // CN only: the CN is the presented name
        assertThat(PeerVerifier.commonNames(kelvin.certificate())).containsExactly("\u212Aafka.example.com");
        assertRefused(verifier(AuthMode.X509_NAME, "kafka.example.com"), kelvin, null, Reason.NAME_NOT_PERMITTED);
        assertRefused(verifier(AuthMode.X509_NAME, "*.example.com"), kelvin, null, Reason.NAME_NOT_PERMITTED);
        assertRefused(verifier(AuthMode.X509_NAME), kelvin, "kafka.example.com", Reason.NAME_NOT_PERMITTED);
    }

    @Test
    void nameModeAcceptsAPermittedSanDnsName() {
        assertAccepted(verifier(AuthMode.X509_NAME, "logs.example.com"), logs, null);
        assertAccepted(verifier(AuthMode.X509_NAME, "*.example.com"), logs, null);
    }

    @Test
    void nameModeIgnoresTheCnWhenSanDnsNamesExist() {
        assertRefused(verifier(AuthMode.X509_NAME, "ignored-cn.example.com"), logs, null, Reason.NAME_NOT_PERMITTED)
                .hasMessage("peer name not permitted: subject CN=ignored-cn.example.com, SAN [logs.example.com,"
                        + " 10.0.0.7], expected one of [ignored-cn.example.com]");
    }

    @Test
    void nameModeFallsBackToTheCnOnlyWithoutSanDnsNames() {
        assertAccepted(verifier(AuthMode.X509_NAME, "legacy.example.com"), cnOnly, null);
    }

    @Test
    void nameModeExpectsTheTargetHostWithoutPermittedPeers() {
        PeerVerifier v = verifier(AuthMode.X509_NAME);
        assertAccepted(v, logs, "logs.example.com");
        assertAccepted(v, logs, "10.0.0.7");
        assertRefused(v, logs, "other.example.com", Reason.NAME_NOT_PERMITTED);
        assertRefused(v, logs, "10.0.0.8", Reason.NAME_NOT_PERMITTED);
    }

    @Test
    void permittedPeersOverrideTheTargetHost() {
        assertRefused(verifier(AuthMode.X509_NAME, "other.example.com"), logs, "logs.example.com",
                Reason.NAME_NOT_PERMITTED);
    }

    @Test
    void chainModesRefuseAnUntrustedCa() {
        Issued foreign = otherCa.issue("logs.example.com").sans("logs.example.com").build();
        assertRefused(verifier(AuthMode.X509_NAME, "logs.example.com"), foreign, null, Reason.UNTRUSTED)
                .hasMessageContaining("peer certificate not trusted: subject CN=logs.example.com, issuer"
                        + " CN=Unrelated CA");
        assertRefused(verifier(AuthMode.X509_CERTVALID), foreign, null, Reason.UNTRUSTED);
    }

    @Test
    void chainModesRefuseAnExpiredCertificate() {
        Issued expired = ca.issue("logs.example.com").sans("logs.example.com").expired().build();
        assertRefused(verifier(AuthMode.X509_NAME, "logs.example.com"), expired, null, Reason.EXPIRED)
                .hasMessageStartingWith("peer certificate expired: subject CN=logs.example.com, notAfter");
        assertRefused(verifier(AuthMode.X509_CERTVALID), expired, null, Reason.EXPIRED);
    }

    @Test
    void chainModesRefuseANotYetValidCertificate() {
        Instant later = Instant.now().plus(Duration.ofDays(1));
        Issued future = ca.issue("logs.example.com").validity(later, later.plus(Duration.ofDays(1))).build();
        assertRefused(verifier(AuthMode.X509_CERTVALID), future, null, Reason.NOT_YET_VALID);
    }

    @Test
    void validityIsCheckedAgainstTheGivenClock() {
        Clock inTwoMonths = Clock.fixed(Instant.now().plus(Duration.ofDays(60)), ZoneOffset.UTC);
        PeerVerifier v = PeerVerifier.of(AuthMode.X509_CERTVALID, List.of(ca.certificate()), List.of(), inTwoMonths);
        assertRefused(v, logs, null, Reason.EXPIRED);
    }

    @Test
    void certvalidAcceptsAnyNameFromTheCa() {
        assertAccepted(verifier(AuthMode.X509_CERTVALID), cnOnly, "unrelated.example.org");
    }

    @Test
    void fingerprintModeAcceptsAPermittedFingerprintInAnyNotation() {
        String rsyslog = logs.sha256Fingerprint();
        assertThat(rsyslog).matches("SHA256(:[0-9A-F]{2}){32}");
        assertAccepted(verifier(AuthMode.X509_FINGERPRINT, rsyslog), logs, null);
        String bare = rsyslog.substring("SHA256:".length()).replace(":", "").toLowerCase(Locale.ROOT);
        assertAccepted(verifier(AuthMode.X509_FINGERPRINT, bare), logs, null);
        assertAccepted(verifier(AuthMode.X509_FINGERPRINT,
                PeerVerifier.fingerprint(logs.certificate(), "SHA-1")), logs, null);
    }

    @Test
    void fingerprintModeSkipsTheChainCheck() {
        Issued foreign = otherCa.issue("self.example.com").build();
        assertAccepted(verifier(AuthMode.X509_FINGERPRINT, foreign.sha256Fingerprint()), foreign, null);
    }

    @Test
    void fingerprintModeRefusesOtherCertificatesNamingTheirFingerprint() {
        assertRefused(verifier(AuthMode.X509_FINGERPRINT, cnOnly.sha256Fingerprint()), logs, null,
                Reason.FINGERPRINT_NOT_PERMITTED)
                .hasMessageStartingWith("peer fingerprint not permitted: " + logs.sha256Fingerprint());
    }

    @Test
    void anonAcceptsAnything() {
        assertAccepted(PeerVerifier.of(AuthMode.ANON, List.of(), List.of(), Clock.systemUTC()), logs, null);
    }

    @Test
    void refusesAMissingCertificate() {
        assertThatThrownBy(() -> verifier(AuthMode.X509_CERTVALID).verify(List.of(), null))
                .isInstanceOfSatisfying(PeerVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_CERTIFICATE));
    }

    private static PeerVerifier verifier(AuthMode mode, String... permitted) {
        return PeerVerifier.of(mode, List.of(ca.certificate()), List.of(permitted), Clock.systemUTC());
    }

    private static void assertAccepted(PeerVerifier verifier, Issued peer, String host) {
        assertThatCode(() -> verifier.verify(List.of(peer.certificate()), host)).doesNotThrowAnyException();
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
            PeerVerifier verifier, Issued peer, String host, Reason reason) {
        ThrowingCallable call = () -> verifier.verify(List.of(peer.certificate()), host);
        assertThatThrownBy(call).isInstanceOfSatisfying(PeerVerificationException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
        return assertThatThrownBy(call);
    }
}
