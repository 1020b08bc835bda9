package dev.sluice.relp.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.relp.server.TestCertificates;
import dev.sluice.relp.server.TestCertificates.Authority;
import dev.sluice.relp.server.TestCertificates.PemFiles;
import dev.sluice.transport.tls.TlsMaterialWatcher;
import dev.sluice.transport.tls.TlsSettings;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialWatcherTest {

    @TempDir
    Path dir;

    @Test
    void seesARotatedCertificateAndKeyUntilReset() {
        Authority ca = TestCertificates.newAuthority("Sluice Test CA");
        PemFiles files = ca.issue("app").sans("app.example.com").build().writePem(dir, "app");
        TlsSettings settings = TlsSettings.builder().certFile(files.certFile()).keyFile(files.keyFile())
                .caFile(files.caFile()).build();
        TlsMaterialWatcher watcher = TlsMaterialWatcher.of(settings);
        assertThat(watcher.changed()).isFalse();

        ca.issue("app").sans("app.example.com").build().writePem(dir, "app"); // same paths, new content

        assertThat(watcher.changed()).isTrue();
        assertThat(watcher.reset()).isTrue();
        assertThat(watcher.changed()).isFalse();
    }
}
