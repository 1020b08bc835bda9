package dev.sluice.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

import java.util.Locale;

import org.junit.jupiter.api.Test;

/** The choice between OpenSSL (netty-tcnative) and the JDK's TLS. */
class TlsProviderChoiceTest {

    @Test
    void openSslWhereItLoadsUnlessTheJdkIsAskedFor() {
        SslProvider expected = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        assertThat(TlsContexts.chooseProvider(null)).isEqualTo(expected);
        assertThat(TlsContexts.chooseProvider("openssl")).isEqualTo(expected);
        assertThat(TlsContexts.chooseProvider("jdk")).isEqualTo(SslProvider.JDK);
        assertThat(TlsContexts.chooseProvider(" JDK ")).isEqualTo(SslProvider.JDK);
    }

    @Test
    void theBundledNativeLibraryLoadsOnLinuxX8664() {
        boolean linuxX8664 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").equals("amd64");
        if (linuxX8664) {
            // netty-tcnative-boringssl-static for this platform is a dependency: if it stops loading (a version
            // mismatch with Netty, a missing jar), TLS silently falls back to the slower JDK provider.
            assertThat(OpenSsl.isAvailable()).as("OpenSSL: %s", OpenSsl.unavailabilityCause()).isTrue();
            assertThat(TlsContexts.provider()).isEqualTo(SslProvider.OPENSSL);
        } else {
            assertThat(TlsContexts.provider()).isIn(SslProvider.OPENSSL, SslProvider.JDK);
        }
    }
}
