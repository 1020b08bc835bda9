package dev.sluice.transport.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Tells whether the files of a {@link TlsSettings} changed since a snapshot, so that a reconnect can rebuild its
 * {@code SslContext} after a certificate rotation without a restart. It compares a SHA-256 over the contents of all
 * configured files (a missing or unreadable file counts as a distinct state), which is exact where modification
 * times are coarse. Files are small; reading them once per reconnect is cheap.
 *
 * <p>Take the snapshot <em>before</em> building the context: a change in between then only causes one extra
 * rebuild, never a missed one. Not thread-safe; use one per connection owner.
 */
public final class TlsMaterialWatcher {

    private final TlsSettings settings;
    private String fingerprint;

    private TlsMaterialWatcher(TlsSettings settings) {
        this.settings = settings;
        this.fingerprint = fingerprintOfFiles(settings);
    }

    /** Takes a snapshot of the files now. */
    public static TlsMaterialWatcher of(TlsSettings settings) {
        return new TlsMaterialWatcher(settings);
    }

    /** Whether any file differs from the snapshot. The snapshot is not renewed. */
    public boolean changed() {
        return !fingerprint.equals(fingerprintOfFiles(settings));
    }

    /** Renews the snapshot; returns whether it differed. Call it right before rebuilding the context. */
    public boolean reset() {
        String now = fingerprintOfFiles(settings);
        boolean changed = !fingerprint.equals(now);
        fingerprint = now;
        return changed;
    }

    /**
     * A hex SHA-256 over the names and contents of the configured files. It identifies contents only and reveals
     * nothing useful about the keys.
     */
    public static String fingerprintOfFiles(TlsSettings settings) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path file : settings.files()) {
            digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try {
                byte[] content = Files.readAllBytes(file);
                digest.update((byte) 1);
                digest.update(content);
            } catch (IOException e) {
                digest.update((byte) 2);
                digest.update(e.getClass().getName().getBytes(StandardCharsets.UTF_8));
            }
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
