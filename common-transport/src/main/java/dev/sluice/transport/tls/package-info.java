/**
 * TLS for the senders and the RELP test server: {@link dev.sluice.transport.tls.TlsSettings} (the options),
 * {@link dev.sluice.transport.tls.PemMaterial} (PEM and key store reading, failing closed),
 * {@link dev.sluice.transport.tls.PeerVerifier} (rsyslog's {@code x509/name}, {@code x509/fingerprint},
 * {@code x509/certvalid} and {@code anon} checks) and {@link dev.sluice.transport.tls.TlsContexts} (Netty
 * {@code SslContext}s that run the check inside the handshake).
 *
 * <p>Semantics follow rsyslog's network stream drivers:
 * <a href="https://www.rsyslog.com/doc/concepts/ns_gtls.html">ns_gtls</a>,
 * <a href="https://www.rsyslog.com/doc/reference/parameters/imtcp-permittedpeer.html">permittedPeer</a>.
 * Nothing here logs: warnings go to a {@code Consumer<String>} given by the caller.
 */
package dev.sluice.transport.tls;
