package dev.sluice.relp.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.TestCertificates;
import dev.sluice.relp.server.TestCertificates.Authority;
import dev.sluice.relp.server.TestCertificates.Issued;
import dev.sluice.relp.server.TestCertificates.PemFiles;
import dev.sluice.transport.tls.PeerVerificationException;
import dev.sluice.transport.tls.PeerVerificationException.Reason;
import dev.sluice.transport.tls.TlsContexts;
import dev.sluice.transport.tls.TlsSettings;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real TLS handshakes over loopback TCP with Netty's NIO transport, for each pairing of the two providers
 * (OpenSSL, the default where its native library loads, and the JDK): the peer checks, their reports and the
 * warnings must not depend on which one runs on either side.
 */
class TlsHandshakeTest {

    /** Which provider each side uses. */
    enum Pairing {
        OPENSSL(SslProvider.OPENSSL, SslProvider.OPENSSL),
        JDK(SslProvider.JDK, SslProvider.JDK),
        JDK_CLIENT_OPENSSL_SERVER(SslProvider.JDK, SslProvider.OPENSSL),
        OPENSSL_CLIENT_JDK_SERVER(SslProvider.OPENSSL, SslProvider.JDK);

        final SslProvider client;
        final SslProvider server;

        Pairing(SslProvider client, SslProvider server) {
            this.client = client;
            this.server = server;
        }

        void assumeAvailable() {
            Assumptions.assumeTrue(OpenSsl.isAvailable() || (client != SslProvider.OPENSSL
                    && server != SslProvider.OPENSSL), () -> "OpenSSL (netty-tcnative) does not load here: "
                    + OpenSsl.unavailabilityCause());
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final char[] STORE_PASSWORD = "st0re-Pw".toCharArray();

    private static EventLoopGroup group;
    private static Authority ca;
    private static Authority otherCa;

    @TempDir
    static Path dir;
    /** Key and trust stores of one test. */
    @TempDir
    Path stores;

    private static Issued serverCert;
    private static Issued clientCert;
    private static PemFiles server;
    private static PemFiles client;
    /**
     * The name of {@link #client}, from an impostor CA that has the trusted CA's name but another key. A client
     * sends only a certificate whose issuer the server announced, so only an issuer of that name reaches the
     * server's own chain check.
     */
    private static PemFiles impostorClient;
    private static PemFiles evilClient;
    private static PemFiles foreignServer;
    /** From the trusted CA, for {@code logs.example.com} only. */
    private static PemFiles otherHostServer;
    /** From the trusted CA, with the DNS name {@code localhost} and no IP address. */
    private static PemFiles dnsOnlyServer;
    /** From the trusted CA, with the IP address {@code 127.0.0.1} and no DNS name (CN {@code loopback}). */
    private static PemFiles ipOnlyServer;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ca = TestCertificates.newAuthority("Sluice Test CA");
        otherCa = TestCertificates.newAuthority("Unrelated CA");
        serverCert = ca.issue("localhost").sans("localhost", "127.0.0.1").build();
        server = serverCert.writePem(dir.resolve("server"));
        clientCert = ca.issue("app.example.com").sans("app.example.com").build();
        client = clientCert.writePem(dir.resolve("client"));
        impostorClient = TestCertificates.newAuthority("Sluice Test CA").issue("app.example.com")
                .sans("app.example.com").build().writePem(dir.resolve("impostor-client"));
        evilClient = ca.issue("evil").sans("evil.example.com").build().writePem(dir.resolve("evil"));
        foreignServer = otherCa.issue("localhost").sans("localhost", "127.0.0.1").build()
                .writePem(dir.resolve("foreign"));
        otherHostServer = ca.issue("logs.example.com").sans("logs.example.com").build()
                .writePem(dir.resolve("other-host"));
        dnsOnlyServer = ca.issue("localhost").sans("localhost").build().writePem(dir.resolve("dns-only"));
        ipOnlyServer = ca.issue("loopback").sans("127.0.0.1").build().writePem(dir.resolve("ip-only"));
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void mutualAuthenticationSucceedsAndDeliversBytes(Pairing pairing) throws Exception {
        pairing.assumeAvailable();
        try (Peer s = startServer(pairing, serverSettings("*.example.com"))) {
            Connection c = connect(pairing, clientSettings(client, ca()).build(), "localhost", s.port());
            assertThat(c.handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
            await().atMost(TIMEOUT).until(() -> s.received.contains("hello"));
            assertThat(s.handshake.join()).isNull();
            assertThat(s.sni).containsExactly(new SNIHostName("localhost"));
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void clientSendsNoSniForAnIpLiteralAndMatchesTheIpSan(Pairing pairing) throws Exception {
        pairing.assumeAvailable();
        try (Peer s = startServer(pairing, serverSettings("app.example.com"))) {
            Connection c = connect(pairing, clientSettings(client, ca()).build(), "127.0.0.1", s.port());
            assertThat(c.handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
            await().atMost(TIMEOUT).until(() -> s.received.contains("hello"));
            assertThat(s.sni).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void serverRefusesAClientWhoseNameIsNotPermitted(Pairing pairing) {
        pairing.assumeAvailable();
        try (Peer s = startServer(pairing, serverSettings("app.example.com"))) {
            connect(pairing, clientSettings(evilClient, ca()).build(), "localhost", s.port());
            Throwable failure = awaitFailure(s.handshake);
            PeerVerificationException refusal = PeerVerificationException.find(failure).orElseThrow();
            assertThat(refusal.reason()).isEqualTo(Reason.NAME_NOT_PERMITTED);
            assertThat(TlsContexts.describeFailure(failure)).isEqualTo("peer name not permitted: subject CN=evil,"
                    + " SAN [evil.example.com], expected one of [app.example.com]");
            assertThat(s.received).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void clientRefusesAServerFromAnUnknownCa(Pairing pairing) {
        pairing.assumeAvailable();
        try (Peer s = startServer(pairing, serverSettings(foreignServer, "app.example.com"))) {
            Connection c = connect(pairing, clientSettings(client, ca()).build(), "localhost", s.port());
            Throwable failure = awaitFailure(c.handshake);
            assertThat(PeerVerificationException.find(failure)).get()
                    .extracting(PeerVerificationException::reason).isEqualTo(Reason.UNTRUSTED);
            assertThat(TlsContexts.describeFailure(failure)).contains("issuer CN=Unrelated CA");
            assertThat(s.received).isEmpty();
        }
    }

    /** {@code permittedPeers} replace the target host as the expected name: naming the target is not enough. */
    @ParameterizedTest
    @EnumSource(Pairing.class)
    void clientRefusesAServerNotInPermittedPeersEvenWhenItNamesTheTarget(Pairing pairing) {
        pairing.assumeAvailable();
        try (Peer s = startServer(pairing, serverSettings("app.example.com"))) {
            TlsSettings settings = clientSettings(client, ca()).permittedPeers("logs.example.com").build();
            Connection c = connect(pairing, settings, "localhost", s.port());
            assertThat(TlsContexts.describeFailure(awaitFailure(c.handshake))).isEqualTo("peer name not permitted:"
                    + " subject CN=localhost, SAN [localhost, 127.0.0.1], expected one of [logs.example.com]");
            assertThat(s.received).isEmpty();
        }
    }

    /**
     * Default settings (x509/name, no {@code permittedPeers}): the target host is the expected name, so a server
     * with a valid certificate from the trusted CA is refused when that certificate names another host. The same
     * server passes once its name is permitted: the chain was not what failed.
     */
    @ParameterizedTest
    @EnumSource(Pairing.class)
    void withoutPermittedPeersClientRefusesATrustedServerThatNamesAnotherHost(Pairing pairing) throws Exception {
        pairing.assumeAvailable();
        assertThat(refusedWithDefaultSettings(pairing, otherHostServer, "localhost")).isEqualTo("peer name not"
                + " permitted: subject CN=logs.example.com, SAN [logs.example.com], expected one of [localhost]");
        try (Peer s = startServer(pairing, serverSettings(otherHostServer, "app.example.com"))) {
            TlsSettings permitting = clientSettings(client, ca()).permittedPeers("logs.example.com").build();
            Connection c = connect(pairing, permitting, "localhost", s.port());
            assertThat(c.handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
            await().atMost(TIMEOUT).until(() -> s.received.contains("hello"));
        }
    }

    /**
     * Default settings, a server certificate with the DNS name {@code localhost} only: accepted for the target
     * {@code localhost}, which is also sent as SNI, and refused for the target {@code 127.0.0.1} (an IP literal
     * matches IP entries only).
     */
    @ParameterizedTest
    @EnumSource(Pairing.class)
    void withoutPermittedPeersClientAcceptsAServerThatNamesTheTargetHostAndSendsItAsSni(Pairing pairing)
            throws Exception {
        pairing.assumeAvailable();
        assertThat(acceptedWithDefaultSettings(pairing, dnsOnlyServer, "localhost"))
                .containsExactly(new SNIHostName("localhost"));
        assertThat(refusedWithDefaultSettings(pairing, dnsOnlyServer, "127.0.0.1")).isEqualTo("peer name not"
                + " permitted: subject CN=localhost, SAN [localhost], expected one of [127.0.0.1]");
    }

    /**
     * Default settings, a server certificate with the IP address {@code 127.0.0.1} only: accepted for the target
     * {@code 127.0.0.1} without SNI (RFC 6066 allows no IP literal there), and refused for the target
     * {@code localhost}, which names no IP entry.
     */
    @ParameterizedTest
    @EnumSource(Pairing.class)
    void withoutPermittedPeersClientAcceptsAServerWithTheTargetIpAddressAndSendsNoSni(Pairing pairing)
            throws Exception {
        pairing.assumeAvailable();
        assertThat(acceptedWithDefaultSettings(pairing, ipOnlyServer, "127.0.0.1")).isEmpty();
        assertThat(refusedWithDefaultSettings(pairing, ipOnlyServer, "localhost")).isEqualTo("peer name not"
                + " permitted: subject CN=loopback, SAN [127.0.0.1], expected one of [localhost]");
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void serverRefusesAClientWithoutCertificate(Pairing pairing) {
        pairing.assumeAvailable();
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (Peer s = startServer(pairing, serverSettings("app.example.com"))) {
            TlsSettings settings = TlsSettings.builder().caFile(ca()).build();
            Connection c = connect(pairing, settings, "localhost", s.port(), warnings);
            awaitFailure(s.handshake);
            await().atMost(TIMEOUT).until(() -> !c.channel.isActive());
            assertThat(s.received).isEmpty();
            assertThat(warnings).singleElement().asString().contains("will refuse this client");
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void fingerprintModeAcceptsAPinnedClient(Pairing pairing) throws Exception {
        pairing.assumeAvailable();
        String pinned = TestCertificates.newAuthority("Self").issue("pinned").build().sha256Fingerprint();
        TestCertificates.Issued self = otherCa.issue("pinned-client").build();
        PemFiles selfFiles = self.writePem(dir.resolve("pinned"));
        TlsSettings serverSide = TlsSettings.builder().certFile(server.certFile()).keyFile(server.keyFile())
                .authMode("x509/fingerprint").permittedPeers(pinned, self.sha256Fingerprint()).build();
        try (Peer s = startServer(pairing, serverSide)) {
            Connection c = connect(pairing, clientSettings(selfFiles, ca()).build(), "localhost", s.port());
            c.handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(TIMEOUT).until(() -> s.received.contains("hello"));
        }
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void anonEmitsWarningsOnBothSidesAndStillEncrypts(Pairing pairing) throws Exception {
        pairing.assumeAvailable();
        List<String> serverWarnings = new CopyOnWriteArrayList<>();
        List<String> clientWarnings = new CopyOnWriteArrayList<>();
        TlsSettings serverSide = TlsSettings.builder().certFile(server.certFile()).keyFile(server.keyFile())
                .authMode("anon").build();
        try (Peer s = startServer(pairing, serverSide, serverWarnings)) {
            TlsSettings clientSide = TlsSettings.builder().authMode("anon").build();
            Connection c = connect(pairing, clientSide, "localhost", s.port(), clientWarnings);
            c.handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(TIMEOUT).until(() -> s.received.contains("hello"));
        }
        assertThat(serverWarnings).singleElement().asString().startsWith("authMode anon: client certificates are"
                + " not requested");
        assertThat(clientWarnings).singleElement().asString().startsWith("authMode anon: the server localhost is"
                + " not authenticated");
    }

    // --- key and trust stores (PKCS12, JKS) instead of PEM files ---

    static Stream<Arguments> pairingsAndStoreTypes() {
        return Stream.of(Pairing.values()).flatMap(p -> Stream.of("PKCS12", "JKS").map(t -> Arguments.of(p, t)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pairingsAndStoreTypes")
    void clientWhoseTrustStoreHoldsTheCaAcceptsAServerSignedByIt(Pairing pairing, String type) throws Exception {
        pairing.assumeAvailable();
        try (Peer s = startServer(pairing, serverSettings("app.example.com"))) {
            Connection c = connect(pairing, clientTrusting(ca, type), "localhost", s.port());
            assertThat(c.handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
            await().atMost(TIMEOUT).until(() -> s.received.contains("hello"));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pairingsAndStoreTypes")
    void clientWhoseTrustStoreHoldsAnotherCaRefusesTheServer(Pairing pairing, String type) {
        pairing.assumeAvailable();
        try (Peer s = startServer(pairing, serverSettings("app.example.com"))) {
            Connection c = connect(pairing, clientTrusting(otherCa, type), "localhost", s.port());
            Throwable failure = awaitFailure(c.handshake);
            assertThat(PeerVerificationException.find(failure)).get()
                    .extracting(PeerVerificationException::reason).isEqualTo(Reason.UNTRUSTED);
            assertThat(TlsContexts.describeFailure(failure)).contains("issuer CN=Sluice Test CA has no valid path to"
                    + " a trusted CA [CN=Unrelated CA]");
            assertThat(s.received).isEmpty();
        }
    }

    /** The server requires a client certificate; the client's comes from a key store, and the server sees it. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pairingsAndStoreTypes")
    void serverRequiringClientCertificatesAcceptsAClientKeyFromAKeyStore(Pairing pairing, String type)
            throws Exception {
        pairing.assumeAvailable();
        Path keyStore = clientCert.writeKeyStore(stores.resolve("client." + type), type, STORE_PASSWORD);
        TlsSettings settings = TlsSettings.builder().keyStore(keyStore).keyStoreType(type)
                .keyStorePassword(STORE_PASSWORD).caFile(ca()).build();
        try (Peer s = startServer(pairing, serverSettings("app.example.com"))) {
            Connection c = connect(pairing, settings, "localhost", s.port());
            assertThat(c.handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
            await().atMost(TIMEOUT).until(() -> s.received.contains("hello"));
            assertThat(s.peerSubjects).containsExactly("CN=app.example.com");
        }
    }

    /**
     * A server with its key and its trusted CA in stores: the client accepts the certificate it presents, and it
     * admits a client of that CA but refuses one with the same name from an impostor CA of the same name.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pairingsAndStoreTypes")
    void serverWithKeyAndTrustStoresAdmitsOnlyClientsOfTheStoredCa(Pairing pairing, String type) throws Exception {
        pairing.assumeAvailable();
        Path keyStore = serverCert.writeKeyStore(stores.resolve("server." + type), type, STORE_PASSWORD);
        Path trustStore = ca.writeTrustStore(stores.resolve("server-trust." + type), type, STORE_PASSWORD);
        TlsSettings serverSide = TlsSettings.builder().keyStore(keyStore).keyStoreType(type)
                .keyStorePassword(STORE_PASSWORD).trustStore(trustStore).trustStoreType(type)
                .trustStorePassword(STORE_PASSWORD).permittedPeers("app.example.com").build();
        try (Peer s = startServer(pairing, serverSide)) {
            Connection c = connect(pairing, clientSettings(client, ca()).build(), "localhost", s.port());
            assertThat(c.handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
            await().atMost(TIMEOUT).until(() -> s.received.contains("hello"));
            assertThat(s.peerSubjects).containsExactly("CN=app.example.com");
        }
        try (Peer s = startServer(pairing, serverSide)) {
            connect(pairing, clientSettings(impostorClient, ca()).build(), "localhost", s.port());
            Throwable failure = awaitFailure(s.handshake);
            assertThat(PeerVerificationException.find(failure)).get()
                    .extracting(PeerVerificationException::reason).isEqualTo(Reason.UNTRUSTED);
            assertThat(TlsContexts.describeFailure(failure)).isEqualTo("peer certificate not trusted: subject"
                    + " CN=app.example.com, issuer CN=Sluice Test CA has no valid path to a trusted CA"
                    + " [CN=Sluice Test CA]");
            assertThat(s.received).isEmpty();
        }
    }

    /** Client settings with the PEM client key and the given CA as the only entry of a trust store. */
    private TlsSettings clientTrusting(Authority trusted, String type) {
        Path trustStore = trusted.writeTrustStore(stores.resolve("trust." + type), type, STORE_PASSWORD);
        return TlsSettings.builder().certFile(client.certFile()).keyFile(client.keyFile()).trustStore(trustStore)
                .trustStoreType(type).trustStorePassword(STORE_PASSWORD).build();
    }

    // --- harness ---

    private static Path ca() {
        return server.caFile();
    }

    private static TlsSettings serverSettings(String... permittedClients) {
        return serverSettings(server, permittedClients);
    }

    private static TlsSettings serverSettings(PemFiles files, String... permittedClients) {
        return TlsSettings.builder().certFile(files.certFile()).keyFile(files.keyFile()).caFile(ca())
                .permittedPeers(permittedClients).build();
    }

    private static TlsSettings.Builder clientSettings(PemFiles files, Path caFile) {
        return TlsSettings.builder().certFile(files.certFile()).keyFile(files.keyFile()).caFile(caFile);
    }

    /**
     * A handshake with default client settings (no {@code permittedPeers}) for {@code targetHost}, with a server
     * that presents {@code files}: it must succeed and carry bytes. Returns the SNI the server saw.
     */
    private static List<SNIServerName> acceptedWithDefaultSettings(Pairing pairing, PemFiles files,
            String targetHost) throws Exception {
        try (Peer s = startServer(pairing, serverSettings(files, "app.example.com"))) {
            Connection c = connect(pairing, clientSettings(client, ca()).build(), targetHost, s.port());
            assertThat(c.handshake.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isNull();
            await().atMost(TIMEOUT).until(() -> s.received.contains("hello"));
            return List.copyOf(s.sni);
        }
    }

    /**
     * As {@link #acceptedWithDefaultSettings}, but the client must refuse the server's name before a byte reaches
     * it. Returns {@link TlsContexts#describeFailure} of the refusal.
     */
    private static String refusedWithDefaultSettings(Pairing pairing, PemFiles files, String targetHost) {
        try (Peer s = startServer(pairing, serverSettings(files, "app.example.com"))) {
            Connection c = connect(pairing, clientSettings(client, ca()).build(), targetHost, s.port());
            Throwable failure = awaitFailure(c.handshake);
            assertThat(PeerVerificationException.find(failure)).get()
                    .extracting(PeerVerificationException::reason).isEqualTo(Reason.NAME_NOT_PERMITTED);
            assertThat(s.received).isEmpty();
            return TlsContexts.describeFailure(failure);
        }
    }

    private static Throwable awaitFailure(CompletableFuture<Throwable> handshake) {
        await().atMost(TIMEOUT).until(() -> handshake.isDone() && handshake.join() != null);
        return handshake.join();
    }

    private static Peer startServer(Pairing pairing, TlsSettings settings) {
        return startServer(pairing, settings, new CopyOnWriteArrayList<>());
    }

    private static Peer startServer(Pairing pairing, TlsSettings settings, List<String> warnings) {
        SslContext context = TlsContexts.forServer(settings, warnings::add, Clock.systemUTC(), pairing.server);
        Peer peer = new Peer();
        peer.channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = context.newHandler(ch.alloc());
                        ch.pipeline().addLast(ssl, new Recorder(peer.handshake, peer.received, ssl, peer.sni,
                                peer.peerSubjects, null));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        return peer;
    }

    private static Connection connect(Pairing pairing, TlsSettings settings, String host, int port) {
        return connect(pairing, settings, host, port, new CopyOnWriteArrayList<>());
    }

    private static Connection connect(Pairing pairing, TlsSettings settings, String host, int port,
            List<String> warnings) {
        SslContext context = TlsContexts.forClient(settings, host, warnings::add, Clock.systemUTC(), pairing.client);
        Connection c = new Connection();
        c.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = TlsContexts.newClientHandler(context, ch.alloc(), host, port);
                        ch.pipeline().addLast(ssl, new Recorder(c.handshake, new CopyOnWriteArrayList<>(), ssl,
                                new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), "hello"));
                    }
                }).connect(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
        return c;
    }

    /** Completes {@code handshake} with {@code null} on success or the failure; records what is read. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Throwable> handshake;
        private final List<String> received;
        private final SslHandler ssl;
        private final List<SNIServerName> sni;
        private final List<String> peerSubjects;
        private final String greeting;

        Recorder(CompletableFuture<Throwable> handshake, List<String> received, SslHandler ssl,
                List<SNIServerName> sni, List<String> peerSubjects, String greeting) {
            this.handshake = handshake;
            this.received = received;
            this.ssl = ssl;
            this.sni = sni;
            this.peerSubjects = peerSubjects;
            this.greeting = greeting;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent) {
                SslHandshakeCompletionEvent e = (SslHandshakeCompletionEvent) evt;
                if (e.isSuccess()) {
                    SSLSession session = ssl.engine().getSession();
                    if (session instanceof ExtendedSSLSession && !ssl.engine().getUseClientMode()) {
                        sni.addAll(((ExtendedSSLSession) session).getRequestedServerNames());
                    }
                    try {
                        peerSubjects.add(session.getPeerPrincipal().getName());
                    } catch (SSLPeerUnverifiedException anon) {
                        // no peer certificate: nothing to record
                    }
                    handshake.complete(null);
                    if (greeting != null) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer(greeting, StandardCharsets.US_ASCII));
                    }
                } else {
                    handshake.complete(e.cause());
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                received.add(buf.toString(StandardCharsets.US_ASCII));
            } finally {
                buf.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.complete(cause);
            ctx.close();
        }
    }

    private static final class Peer implements AutoCloseable {
        final CompletableFuture<Throwable> handshake = new CompletableFuture<>();
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<SNIServerName> sni = new CopyOnWriteArrayList<>();
        /** The subject of each client that completed a handshake. */
        final List<String> peerSubjects = new CopyOnWriteArrayList<>();
        Channel channel;

        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    private static final class Connection {
        final CompletableFuture<Throwable> handshake = new CompletableFuture<>();
        Channel channel;
    }
}
