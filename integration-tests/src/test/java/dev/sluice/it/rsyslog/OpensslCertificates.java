package dev.sluice.it.rsyslog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI made with the {@code openssl} CLI: a CA, a server certificate for {@code localhost}
 * (SAN {@code DNS:localhost, IP:127.0.0.1}) and a client certificate for {@value #CLIENT_NAME}, as PEM
 * files for rsyslog and a PKCS12 file for Java. RSA 2048, valid ten years.
 */
public final class OpensslCertificates {

    public static final String SERVER_NAME = "localhost";
    public static final String CLIENT_NAME = "client.sluice.test";
    public static final String P12_PASSWORD = "changeit";

    private final Path dir;

    private OpensslCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates the CA and both certificates in {@code dir}. */
    public static OpensslCertificates create(Path dir) {
        OpensslCertificates c = new OpensslCertificates(dir);
        c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "3650", "-subj", "/CN=Sluice Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        c.leaf("server", SERVER_NAME, "DNS:localhost,IP:127.0.0.1");
        c.leaf("client", CLIENT_NAME, "DNS:" + CLIENT_NAME);
        c.openssl("pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-name", "client",
                "-passout", "pass:" + P12_PASSWORD, "-out", "client.p12");
        return c;
    }

    private void leaf(String name, String cn, String san) {
        try {
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + san + "\n"
                    + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                    + "extendedKeyUsage=serverAuth,clientAuth\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "3650", "-extfile", name + ".ext");
    }

    private void openssl(String... args) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** TLS material of the server side, for rsyslog inputs, expecting the client's name. */
    public RsyslogConfigs.Tls serverTls() {
        return new RsyslogConfigs.Tls(ca(), serverCert(), serverKey(), CLIENT_NAME);
    }

    /** TLS material of the client side, for rsyslog outputs, expecting the server's name. */
    public RsyslogConfigs.Tls clientTls() {
        return new RsyslogConfigs.Tls(ca(), clientCert(), clientKey(), SERVER_NAME);
    }

    /** A Java client context that trusts only the test CA and presents the client certificate. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(ca())) {
                Certificate caCert = CertificateFactory.getInstance("X.509").generateCertificate(in);
                trust.setCertificateEntry("ca", caCert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("client.p12"))) {
                keys.load(in, P12_PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, P12_PASSWORD.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
