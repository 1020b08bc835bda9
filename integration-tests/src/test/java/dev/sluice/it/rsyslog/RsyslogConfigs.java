package dev.sluice.it.rsyslog;

import java.nio.file.Path;
import java.util.Objects;

/**
 * rsyslog 8.2302 config snippets, each proven end to end by a test in this package; concatenate them into
 * the body given to {@link Rsyslogd#create(Path, String)}. A module may be loaded only once per config,
 * so module loads ({@code …Module}) are separate from inputs and actions.
 *
 * <p>What was found while proving them (rsyslog 8.2302, librelp 1.11):
 * <ul>
 *   <li>omrelp and imrelp name the auth modes {@code name}, {@code fingerprint}, {@code certvalid} (librelp
 *       words), while imtcp/omfwd netstream drivers say {@code x509/name}, {@code x509/fingerprint},
 *       {@code x509/certvalid}, {@code anon}.</li>
 *   <li>imrelp with {@code tls.authMode="name"} requires a client certificate: a client without one fails
 *       the handshake ({@code peer did not return a certificate} with openssl).</li>
 *   <li>Both {@code tls.tlslib="openssl"} and {@code "gnutls"} interoperate rsyslog to rsyslog; openssl
 *       gives the clearer errors (rsyslog's docs recommend it too), so it is the one to use.</li>
 *   <li>omrelp's default template is {@code RSYSLOG_ForwardFormat}:
 *       {@code <PRI>RFC3339-TIMESTAMP HOST TAG MSG}, without a trailing LF. A message that came in as
 *       RFC 5424 loses MSGID and SD and gets the tag {@code app[procid]} without colon. On the wire
 *       (librelp 1.11.0): {@code 1 open 86 relp_version=0\nrelp_software=librelp,1.11.0,…\ncommands=syslog},
 *       then {@code 2 syslog 49 <13>2026-…+00:00 h app[12] m1} + trailer LF; DATA has no LF of its own.</li>
 *   <li>A {@code 500} to a {@code syslog} frame is noticed only at omrelp's next send; it logs
 *       {@code peer sent error response} / {@code librelp error 10020}, suspends the action, drops the
 *       connection and reconnects after {@code resumeInterval}. In a probe (not a committed test) the
 *       first refused message was never resent, and messages already answered {@code 200} were sent again
 *       on the next session: do not count on rsyslog to honour per-frame 500s.</li>
 *   <li>{@code rsyslogd -i} needs an absolute pid file path (it changes to {@code /} first);
 *       {@link Rsyslogd} always passes absolute paths.</li>
 *   <li>Java's TLS 1.3 {@code close()} without a prior {@code shutdownOutput()} makes the gtls driver log
 *       {@code GnuTLS error -12 … fatal alert} (the data still arrives).</li>
 * </ul>
 *
 * <p>Many messages: see {@link RsyslogFeeder}. 20,000 through imptcp → omfile arrive in under 0.2 s; through
 * imptcp → omrelp → imrelp → omfile the tests here finish in about 8 s, waits and parsing included.
 */
public final class RsyslogConfigs {

    /** Template that writes the parsed fields, {@code |}-separated, one message per line. */
    public static final String FIELDS_TEMPLATE = "sluiceFields";
    /** Template that writes the message exactly as received ({@code %rawmsg%}), one per line. */
    public static final String RAW_TEMPLATE = "sluiceRaw";
    /** Template that writes only the MSG part, one per line. */
    public static final String MSG_TEMPLATE = "sluiceMsg";

    /**
     * Makes a receiver keep what it acknowledged through a {@code kill -9}. {@code imrelp} answers {@code 200}
     * once a message is in its ruleset's queue, by default rsyslog's in-memory main queue: killing rsyslogd
     * loses what was acknowledged and not yet written (seen in CI: a receiver killed mid-stream lost some of
     * 20,000). With a Direct main queue the input thread runs the actions itself, and {@code omfile} (its
     * defaults {@code flushOnTXEnd="on"}, {@code asyncWriting="off"}) has written the message before
     * {@code imrelp} answers.
     */
    public static final String DIRECT_MAIN_QUEUE = "main_queue(queue.type=\"Direct\")\n";

    /**
     * PEM files for one side of a TLS connection and the peer name it accepts ({@code x509/name}).
     *
     * @param permittedPeer the name the peer's certificate must carry (SAN DNS, then CN)
     */
    public record Tls(Path caFile, Path certFile, Path keyFile, String permittedPeer) {
        public Tls {
            Objects.requireNonNull(caFile, "caFile");
            Objects.requireNonNull(permittedPeer, "permittedPeer");
        }
    }

    private RsyslogConfigs() {
    }

    /** The three templates above. */
    public static String templates() {
        return "template(name=\"" + FIELDS_TEMPLATE + "\" type=\"string\" string=\"%pri%|%syslogfacility%|"
                + "%syslogseverity%|%timereported:::date-rfc3339%|%hostname%|%app-name%|%procid%|%msgid%|"
                + "%structured-data%|%msg%\\n\")\n"
                + "template(name=\"" + RAW_TEMPLATE + "\" type=\"string\" string=\"%rawmsg%\\n\")\n"
                + "template(name=\"" + MSG_TEMPLATE + "\" type=\"string\" string=\"%msg%\\n\")\n";
    }

    /**
     * (f) UDP syslog input on 127.0.0.1, with a 16 MB receive buffer (rsyslog forces it as root) so that a burst
     * on loopback is not lost while rsyslog is busy: UDP itself is best effort.
     */
    public static String imudp(int port, String ruleset) {
        return "module(load=\"imudp\")\n"
                + "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" + port + "\" rcvbufSize=\"16m\""
                + ruleset(ruleset) + ")\n";
    }

    /**
     * (d) Plain TCP syslog input; each frame is either octet-counted ({@code LEN SP MSG}, RFC 6587) or ended
     * by LF: imptcp decides per frame by whether it starts with a digit. This is also the fastest reliable
     * way to feed rsyslog many messages from Java (see {@link RsyslogFeeder}).
     */
    public static String imptcp(int port, String ruleset) {
        return "module(load=\"imptcp\")\n"
                + "input(type=\"imptcp\" address=\"127.0.0.1\" port=\"" + port + "\""
                + " supportOctetCountedFraming=\"on\"" + ruleset(ruleset) + ")\n";
    }

    /** Loads omrelp; {@code tlsLib} is {@code "openssl"}, {@code "gnutls"} or {@code null} (librelp default, gnutls). */
    public static String omrelpModule(String tlsLib) {
        return "module(load=\"omrelp\"" + (tlsLib == null ? "" : " tls.tlslib=\"" + tlsLib + "\"") + ")\n";
    }

    /**
     * (a)/(b) An omrelp action to 127.0.0.1:{@code port}, plain ({@code tls == null}) or TLS with
     * {@code x509/name} ({@code tls.authMode="name"}). Its in-memory LinkedList queue holds up to
     * {@code queueSize} messages while the server is down; {@code resumeRetryCount=-1} retries forever,
     * every second ({@code resumeInterval=1}), and the unacknowledged RELP window is resent on reconnect.
     */
    public static String omrelpAction(int port, Tls tls, int queueSize) {
        StringBuilder b = new StringBuilder("action(type=\"omrelp\" target=\"127.0.0.1\" port=\"").append(port)
                .append("\" windowSize=\"128\" timeout=\"10\" conn.timeout=\"5\"");
        if (tls != null) {
            b.append(" tls=\"on\" tls.caCert=\"").append(tls.caFile()).append('"');
            if (tls.certFile() != null) {
                b.append(" tls.myCert=\"").append(tls.certFile()).append("\" tls.myPrivKey=\"")
                        .append(tls.keyFile()).append('"');
            }
            b.append(" tls.authMode=\"name\" tls.permittedPeer=[\"").append(tls.permittedPeer()).append("\"]");
        }
        b.append("\n    queue.type=\"LinkedList\" queue.size=\"").append(queueSize)
                .append("\" queue.dequeueBatchSize=\"128\"")
                .append(" action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\")\n");
        return b.toString();
    }

    /** Loads imrelp; {@code tlsLib} as for {@link #omrelpModule(String)}. */
    public static String imrelpModule(String tlsLib) {
        return "module(load=\"imrelp\"" + (tlsLib == null ? "" : " tls.tlslib=\"" + tlsLib + "\"") + ")\n";
    }

    /**
     * (c) A RELP input on {@code port}, plain ({@code tls == null}) or TLS {@code x509/name}; with TLS a
     * client certificate naming {@code tls.permittedPeer()} is required.
     */
    public static String imrelpInput(int port, String ruleset, Tls tls) {
        StringBuilder b = new StringBuilder("input(type=\"imrelp\" port=\"").append(port).append('"')
                .append(ruleset(ruleset));
        if (tls != null) {
            b.append(" tls=\"on\" tls.caCert=\"").append(tls.caFile()).append("\" tls.myCert=\"")
                    .append(tls.certFile()).append("\" tls.myPrivKey=\"").append(tls.keyFile())
                    .append("\" tls.authMode=\"name\" tls.permittedPeer=[\"").append(tls.permittedPeer()).append("\"]");
        }
        return b.append(")\n").toString();
    }

    /**
     * (e) TLS syslog input (RFC 5425, octet counting or LF) with mutual {@code x509/name} authentication.
     * {@code driver} is {@code "ossl"} or {@code "gtls"}. The certificate files are per input
     * ({@code streamDriver.CAFile} …), so a config may hold several TLS inputs.
     */
    public static String imtcpTls(int port, String ruleset, String driver, Tls tls) {
        return "module(load=\"imtcp\")\n"
                + "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + port + "\"" + ruleset(ruleset)
                + " streamDriver.name=\"" + driver + "\" streamDriver.mode=\"1\""
                + " streamDriver.authMode=\"x509/name\" permittedPeer=[\"" + tls.permittedPeer() + "\"]"
                + " streamDriver.CAFile=\"" + tls.caFile() + "\" streamDriver.CertFile=\"" + tls.certFile()
                + "\" streamDriver.KeyFile=\"" + tls.keyFile() + "\")\n";
    }

    /** Writes every message of {@code ruleset} to {@code file} with {@code template}. */
    public static String fileRuleset(String ruleset, Path file, String template) {
        return "ruleset(name=\"" + ruleset + "\") {\n"
                + "    action(type=\"omfile\" file=\"" + file + "\" template=\"" + template + "\")\n"
                + "}\n";
    }

    /** A ruleset holding the given actions. */
    public static String ruleset(String name, String actions) {
        return "ruleset(name=\"" + name + "\") {\n    " + actions + "}\n";
    }

    static String ruleset(String ruleset) {
        return ruleset == null ? "" : " ruleset=\"" + ruleset + "\"";
    }
}
