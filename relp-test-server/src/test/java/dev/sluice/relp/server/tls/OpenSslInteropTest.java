package dev.sluice.relp.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.relp.server.TestCertificates;
import dev.sluice.relp.server.TestCertificates.Authority;
import dev.sluice.relp.server.TestCertificates.Issued;
import dev.sluice.relp.server.TestCertificates.KeyFormat;
import dev.sluice.relp.server.TestCertificates.KeyType;
import dev.sluice.relp.server.TestCertificates.PemFiles;
import dev.sluice.transport.tls.TlsContexts;
import dev.sluice.transport.tls.TlsSettings;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks with the {@code openssl} command that what {@link TestCertificates} writes is standard: rsyslog's
 * drivers use OpenSSL or GnuTLS, which are at least as strict. Skipped, with the reason shown, without openssl.
 */
class OpenSslInteropTest {

    private static final char[] PASSWORD = "interop-pw".toCharArray();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @BeforeAll
    static void requireOpenSsl() {
        boolean present;
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            present = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            present = false;
        }
        Assumptions.assumeTrue(present, "openssl not found on PATH: skipping the OpenSSL interop checks");
    }

    @Test
    void opensslVerifiesLeavesForServerAndClientPurposes() throws Exception {
        Authority ca = TestCertificates.newAuthority("Sluice Test CA");
        for (KeyType type : KeyType.values()) {
            PemFiles files = ca.issue("localhost").sans("localhost", "127.0.0.1").keyType(type).build()
                    .writePem(dir.resolve(type.name()));
            for (String purpose : List.of("sslserver", "sslclient")) {
                Result r = openssl("verify", "-purpose", purpose, "-CAfile", files.caFile().toString(),
                        files.certFile().toString());
                assertThat(r.exitCode).as(r.output).isZero();
                assertThat(r.output).contains(files.certFile() + ": OK");
            }
        }
    }

    @Test
    void opensslRefusesAnExpiredLeaf() throws Exception {
        PemFiles files = TestCertificates.newAuthority("Sluice Test CA").issue("old").expired().build()
                .writePem(dir);
        Result r = openssl("verify", "-CAfile", files.caFile().toString(), files.certFile().toString());
        assertThat(r.exitCode).isNotZero();
        assertThat(r.output).contains("certificate has expired");
    }

    @Test
    void opensslReadsEveryKeyFormatWeWrite() throws Exception {
        Authority ca = TestCertificates.newAuthority("Sluice Test CA");
        for (KeyType type : KeyType.values()) {
            Issued leaf = ca.issue("k").keyType(type).build();
            for (KeyFormat format : KeyFormat.values()) {
                Path key = leaf.writeKey(dir.resolve(type + "-" + format + ".pem"), format, PASSWORD);
                Result r = openssl("pkey", "-in", key.toString(), "-passin", "pass:" + new String(PASSWORD),
                        "-noout");
                assertThat(r.exitCode).as(type + " " + format + ": " + r.output).isZero();
            }
        }
    }

    @Test
    void opensslReadsThePkcs12Store() throws Exception {
        Path p12 = TestCertificates.newAuthority("Sluice Test CA").issue("k").build()
                .writePkcs12(dir.resolve("k.p12"), PASSWORD);
        Result r = openssl("pkcs12", "-in", p12.toString(), "-passin", "pass:" + new String(PASSWORD), "-nokeys");
        assertThat(r.exitCode).as(r.output).isZero();
        assertThat(r.output).contains("BEGIN CERTIFICATE");
    }

    @Test
    void opensslClientCompletesMutualAuthenticationWithOurServer() throws Exception {
        Authority ca = TestCertificates.newAuthority("Sluice Test CA");
        PemFiles server = ca.issue("localhost").sans("localhost", "127.0.0.1").build().writePem(dir.resolve("s"));
        PemFiles client = ca.issue("app.example.com").sans("app.example.com").build().writePem(dir.resolve("c"));
        SslContext context = TlsContexts.forServer(TlsSettings.builder().certFile(server.certFile())
                .keyFile(server.keyFile()).caFile(server.caFile()).permittedPeers("app.example.com").build(), w -> { });
        List<String> received = new CopyOnWriteArrayList<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(context.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf buf = (ByteBuf) msg;
                                    received.add(buf.toString(StandardCharsets.US_ASCII));
                                    buf.release();
                                }
                            });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-verify_hostname", "localhost", "-verify_return_error",
                    "-CAfile", server.caFile().toString(), "-cert", client.certFile().toString(),
                    "-key", client.keyFile().toString(), "-ign_eof", "-quiet")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write("hello from openssl\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
                await().atMost(TIMEOUT).until(() -> String.join("", received).contains("hello from openssl"));
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            listener.close().syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static Result openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        return new Result(p.exitValue(), output);
    }

    private static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
