package dev.sluice.transport.appender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transport.delivery.DeliveryWindows;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.FailoverPolicy;
import dev.sluice.transport.delivery.OverflowPolicy;
import dev.sluice.transport.health.Diagnostics;
import dev.sluice.transport.spool.FsyncPolicy;
import dev.sluice.transport.syslog.Facility;
import dev.sluice.transport.syslog.Framing;
import dev.sluice.transport.syslog.SyslogEncoder;
import dev.sluice.transport.syslog.SyslogFormat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppenderConfigTest {

    @TempDir
    Path tmp;

    private static AppenderConfig config(String target) {
        AppenderConfig c = new AppenderConfig();
        c.setTarget(target);
        c.setAppName("billing");
        c.setHostname("host1");
        return c;
    }

    private static ResolvedConfig resolve(AppenderConfig c) {
        return c.resolve("central", Diagnostics.NONE);
    }

    @Test
    void defaultsFollowTheDesignTable() {
        ResolvedConfig r = resolve(config("relp://logs:2514"));
        assertThat(r.errors()).isEmpty();
        EngineSettings s = r.engineSettings();
        assertThat(s.name()).isEqualTo("central");
        assertThat(s.targets()).hasToString("[relp://logs:2514]");
        assertThat(s.encoder().maxMessageSize()).isEqualTo(8192);
        assertThat(s.encoder().framing()).isNull();
        assertThat(s.sequenceIds()).isTrue();
        assertThat(s.queueCapacity()).isEqualTo(65536);
        assertThat(s.overflow()).isEqualTo(OverflowPolicy.DROP_NEWEST);
        assertThat(s.spool()).isNull();
        assertThat(s.schedule().isOpen(java.time.Instant.EPOCH)).isTrue();
        assertThat(s.transport().windowSize()).isEqualTo(128);
        assertThat(s.transport().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.transport().ackTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.transport().reconnectDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.failover()).isEqualTo(FailoverPolicy.PREFER_PRIMARY);
        assertThat(s.primaryRetry()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(r.mapper().facility()).isEqualTo(Facility.USER);
        assertThat(r.mapper().mdcId()).isEqualTo("mdc@32473");
        assertThat(r.mapper().procId()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
    }

    @Test
    void udpTargetsDefaultToTwoKilobyteMessages() {
        assertThat(resolve(config("udp://logs")).engineSettings().encoder().maxMessageSize())
                .isEqualTo(SyslogEncoder.DEFAULT_MAX_DATAGRAM_MESSAGE_SIZE);
    }

    @Test
    void aMaxMessageSizeAboveWhatADatagramCarriesIsAnErrorWhenATargetIsUdp() {
        String expected = "' (expected a size of at most 65507 octets, as a target is udp://: the most one UDP"
                + " datagram carries over IPv4)";
        for (String target : new String[] {"udp://logs", "tcp://a:1514,udp://b"}) {
            AppenderConfig c = config(target);
            c.setMaxMessageSize("64 KB");
            assertThat(resolve(c).errors()).as(target).containsExactly("maxMessageSize: '64 KB" + expected);
            c.setMaxMessageSize("65508");
            assertThat(resolve(c).errors()).as(target).containsExactly("maxMessageSize: '65508" + expected);
            c.setMaxMessageSize("65507");
            assertThat(resolve(c).engineSettings().encoder().maxMessageSize()).as(target).isEqualTo(65507);
        }
        AppenderConfig tcp = config("tcp://logs:1514");
        tcp.setMaxMessageSize("1 MB");
        assertThat(resolve(tcp).engineSettings().encoder().maxMessageSize()).isEqualTo(1 << 20);
    }

    /**
     * A RELP frame carries at most 128 KiB: a receiver with librelp's default limit ends the session on a longer one,
     * and the message, sent again on every new session, would stop delivery behind it for good.
     */
    @Test
    void aMaxMessageSizeAboveARelpFrameIsAnErrorWhenATargetIsRelp() {
        for (String target : new String[] {"relp://logs:2514", "tcp://a:1514,relp://b:2514"}) {
            AppenderConfig c = config(target);
            c.setMaxMessageSize("1 MB");
            assertThat(resolve(c).errors()).as(target).singleElement().asString()
                    .startsWith("maxMessageSize: '1 MB' (expected a size of at most 131072 octets (128 KB), as a"
                            + " target is relp:// or relp+tls://");
            c.setMaxMessageSize("128 KB");
            assertThat(resolve(c).engineSettings().encoder().maxMessageSize()).as(target).isEqualTo(131072);
        }
    }

    @Test
    void everyOptionIsMapped() {
        AppenderConfig c = config("tcp://a:1514,tcp://b:1514");
        c.setFormat("rfc3164");
        c.setFraming("lf");
        c.setFacility("local3");
        c.setSequenceIds("false");
        c.setHeartbeat("1m");
        c.setQueueCapacity("100");
        c.setOverflow("block");
        c.setMaxBytesPerSecond("64 KB");
        c.setWindowSize("16");
        c.setConnectTimeout("2s");
        c.setAckTimeout("10s");
        c.setReconnectDelay("200ms");
        c.setFailover("roundRobin");
        c.setPrimaryRetry("1m");
        c.setRebindInterval("1000");
        c.setConnectionTtl("1h");
        c.setMaxMessageSize("4 KB");
        c.setShutdownTimeout("1s");
        c.setMdcId("ctx@12345");
        SpoolOptions spool = new SpoolOptions();
        spool.setDirectory(tmp.toString());
        spool.setMaxSize("10 MB");
        spool.setFsync("always");
        spool.setFsyncInterval("1s");
        c.setSpool(spool);
        DeliveryWindowOptions w = new DeliveryWindowOptions();
        w.setBegin("22:00");
        w.setEnd("04:00");
        w.setDays("MON-FRI");
        w.setZone("Europe/Berlin");
        w.setStagger("30m");
        w.setUrgentLevel("WARN");
        c.addDeliveryWindow(w);

        ResolvedConfig r = resolve(c);

        assertThat(r.errors()).isEmpty();
        EngineSettings s = r.engineSettings();
        assertThat(s.targets()).hasSize(2);
        assertThat(s.encoder().formatter().getClass().getSimpleName()).isEqualTo("Rfc3164Formatter");
        assertThat(s.encoder().framing()).isEqualTo(Framing.LF);
        assertThat(s.encoder().maxMessageSize()).isEqualTo(4096);
        assertThat(s.sequenceIds()).isFalse();
        assertThat(s.heartbeat()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.queueCapacity()).isEqualTo(100);
        assertThat(s.overflow()).isEqualTo(OverflowPolicy.BLOCK);
        assertThat(s.maxBytesPerSecond()).isEqualTo(65536);
        assertThat(s.transport().windowSize()).isEqualTo(16);
        assertThat(s.transport().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.transport().ackTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.transport().reconnectDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.transport().framing()).isEqualTo(Framing.LF);
        assertThat(s.transport().rebindInterval()).isEqualTo(1000);
        assertThat(s.failover()).isEqualTo(FailoverPolicy.ROUND_ROBIN);
        assertThat(s.primaryRetry()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.connectionTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.spool().directory()).isEqualTo(tmp.toAbsolutePath());
        assertThat(s.spool().maxSize()).isEqualTo(10L << 20);
        assertThat(s.spool().fsync()).isEqualTo(FsyncPolicy.ALWAYS);
        assertThat(s.spool().fsyncInterval()).isEqualTo(Duration.ofSeconds(1));
        DeliveryWindows windows = (DeliveryWindows) s.schedule();
        assertThat(windows.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(windows.windows()).hasToString("[22:00-04:00 MON,TUE,WED,THU,FRI]");
        assertThat(windows.stagger().stagger()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.urgency().isUrgent(4)).isTrue();
        assertThat(s.urgency().isUrgent(6)).isFalse();
        assertThat(r.mapper().facility()).isEqualTo(Facility.LOCAL3);
        assertThat(r.mapper().mdcId()).isEqualTo("ctx@12345");
        assertThat(r.mapper().appName()).isEqualTo("billing");
        assertThat(r.mapper().hostname()).isEqualTo("host1");
        assertThat(SyslogFormat.parse("rfc3164")).isEqualTo(SyslogFormat.RFC3164);
    }

    @Test
    void everyBadOptionIsReportedTogetherNamingOptionAndValue() {
        AppenderConfig c = config("relp://logs:2514");
        c.setFormat("RFC9999");
        c.setFraming("crlf");
        c.setFacility("kitchen");
        c.setSequenceIds("yes");
        c.setHeartbeat("5 minutes");
        c.setQueueCapacity("0");
        c.setOverflow("sometimes");
        c.setMaxBytesPerSecond("fast");
        c.setWindowSize("100000");
        c.setConnectTimeout("0");
        c.setAckTimeout("-1s");
        c.setReconnectDelay("soon");
        c.setFailover("random");
        c.setPrimaryRetry("later");
        c.setRebindInterval("-1");
        c.setConnectionTtl("1y");
        c.setMaxMessageSize("0");
        c.setShutdownTimeout("forever");
        c.setMdcId("m d c");

        ResolvedConfig r = resolve(c);

        assertThat(r.isValid()).isFalse();
        assertThat(r.engineSettings()).isNull();
        assertThat(r.errors()).containsExactly(
                "format: 'RFC9999' (expected one of: RFC5424, RFC3164)",
                "framing: 'crlf' (expected one of: octet-counting, lf)",
                r.errors().get(2),
                "sequenceIds: 'yes' (expected true or false)",
                "heartbeat: '5 minutes' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)",
                "queueCapacity: '0' (expected a whole number from 1 to 2147483647)",
                "overflow: 'sometimes' (expected one of: dropNewest, dropOldest, block)",
                "maxBytesPerSecond: 'fast' (expected a size such as 512, 64 KB, 1 GB)",
                "windowSize: '100000' (expected a whole number from 1 to 65536)",
                "connectTimeout: '0' (expected a duration above zero, such as 500ms, 30s or 5m)",
                r.errors().get(10),
                "reconnectDelay: 'soon' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)",
                "failover: 'random' (expected one of: preferPrimary, roundRobin)",
                "primaryRetry: 'later' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)",
                "rebindInterval: '-1' (expected a whole number from 0 to 2147483647)",
                "connectionTtl: '1y' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)",
                "maxMessageSize: '0' (expected a size from 1 octet to 2 GB, such as 8 KB)",
                "shutdownTimeout: 'forever' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or PT5M)",
                r.errors().get(18));
        assertThat(r.errors().get(2)).startsWith("facility: 'kitchen' (expected one of: KERN, USER");
        assertThat(r.errors().get(10)).startsWith("ackTimeout: '-1s' (expected a duration that is not negative");
        assertThat(r.errors().get(18)).startsWith("mdcId: 'm d c' (expected an SD-ID");
    }

    @Test
    void durationsTooLongForTheEngineToCountInNanosecondsAreErrors() {
        AppenderConfig c = config("relp://logs:2514");
        c.setHeartbeat("200000d");
        c.setPrimaryRetry("200000d");
        c.setConnectionTtl("200000d");
        c.setShutdownTimeout("200000d");
        String limit = "' (expected a duration of at most PT2562047H47M16.854775807S, about 106751d or 292 years)";
        assertThat(resolve(c).errors()).containsExactly(
                "heartbeat: '200000d" + limit,
                "primaryRetry: '200000d" + limit,
                "connectionTtl: '200000d" + limit,
                "shutdownTimeout: '200000d" + limit);
    }

    /** 0 would bring the engine back to a down primary on the next pass after every switch away from it. */
    @Test
    void aPrimaryRetryOfZeroIsAnError() {
        AppenderConfig c = config("relp://a:2514,relp://b:2514");
        c.setPrimaryRetry("0");
        assertThat(resolve(c).errors()).singleElement().asString()
                .startsWith("primaryRetry: '0'").contains("above zero");
    }

    @Test
    void aMissingOrBadTargetIsNamed() {
        assertThat(resolve(new AppenderConfig()).errors()).containsExactly("target: no value (expected udp://,"
                + " tcp://, tls://, relp:// or relp+tls:// host:port, or a comma-separated list of them)");
        assertThat(resolve(config("http://logs")).errors()).singleElement().asString()
                .startsWith("target: 'http://logs': unknown scheme 'http'");
    }

    @Test
    void badSpoolOptionsArePrefixedWithTheElement() {
        AppenderConfig c = config("relp://logs:2514");
        SpoolOptions spool = new SpoolOptions();
        spool.setMaxSize("1 XB");
        spool.setFsync("sometimes");
        spool.setFsyncInterval("0");
        c.setSpool(spool);
        assertThat(resolve(c).errors()).containsExactly(
                "Spool.directory: no value (expected the path of a directory)",
                "Spool.maxSize: '1 XB' (expected a size such as 512, 64 KB, 1 GB)",
                "Spool.fsync: 'sometimes' (expected one of: always, interval, never)",
                "Spool.fsyncInterval: '0' (expected a duration above zero, such as 500ms, 30s or 5m)");
    }

    @Test
    void aSpoolDirectoryThatIsAFileAndATooSmallSpoolAreErrors() throws Exception {
        Path file = java.nio.file.Files.createFile(tmp.resolve("file"));
        AppenderConfig c = config("relp://logs:2514");
        SpoolOptions spool = new SpoolOptions();
        spool.setDirectory(file.toString());
        c.setSpool(spool);
        assertThat(resolve(c).errors()).containsExactly("Spool.directory: '" + file
                + "' (expected a directory, not a file)");
        spool.setDirectory(tmp.toString());
        spool.setMaxSize("1 KB");
        assertThat(resolve(c).errors()).containsExactly("Spool.maxSize: 1024 (expected: >= 16512 octets)");
    }

    @Test
    void badTlsOptionsAndUnreadableFilesAreNamed() {
        AppenderConfig c = config("relp+tls://logs:2514");
        TlsOptions tls = new TlsOptions();
        tls.setAuthMode("x509/whatever");
        c.setTls(tls);
        assertThat(resolve(c).errors()).contains("Tls.authMode: 'x509/whatever' (expected one of: x509/name,"
                + " x509/fingerprint, x509/certvalid, anon)");

        tls.setAuthMode(null);
        tls.setCaFile(tmp.resolve("missing.pem").toString());
        assertThat(resolve(c).errors()).containsExactly("Tls.caFile: " + tmp.resolve("missing.pem")
                + ": no such file");

        tls.setProtocols("SSLv3");
        assertThat(resolve(c).errors()).singleElement().asString().startsWith("Tls.protocols: 'SSLv3'");
    }

    @Test
    void aTlsFileOptionThatIsNoPathIsAnErrorNamingTheOptionAndTheValue() {
        // a NUL is no path on any platform; on Windows so is "classpath:ca.pem"
        String bad = "ca\u0000.pem";
        AppenderConfig c = config("relp+tls://logs:2514");
        TlsOptions tls = new TlsOptions();
        tls.setCaFile(bad);
        tls.setCertFile(bad);
        tls.setKeyFile(bad);
        tls.setKeyStore(bad);
        tls.setTrustStore(bad);
        c.setTls(tls);
        assertThat(resolve(c).errors()).satisfiesExactly(
                e -> assertThat(e).startsWith("Tls.caFile: '" + bad + "' (expected: a valid path; "),
                e -> assertThat(e).startsWith("Tls.certFile: '" + bad + "' (expected: a valid path; "),
                e -> assertThat(e).startsWith("Tls.keyFile: '" + bad + "' (expected: a valid path; "),
                e -> assertThat(e).startsWith("Tls.keyStore: '" + bad + "' (expected: a valid path; "),
                e -> assertThat(e).startsWith("Tls.trustStore: '" + bad + "' (expected: a valid path; "));
    }

    @Test
    void aTlsTargetWithoutTrustIsAnError() {
        assertThat(resolve(config("tls://logs")).errors()).singleElement().asString()
                .startsWith("Tls.caFile: required (or trustStore) for authMode x509/name");
    }

    @Test
    void tlsWithoutATlsTargetIsAWarning() {
        AppenderConfig c = config("tcp://logs");
        c.setTls(new TlsOptions());
        ResolvedConfig r = resolve(c);
        assertThat(r.isValid()).isTrue();
        assertThat(r.warnings()).containsExactly("Tls: ignored, as no target uses TLS (tls:// or relp+tls://)");
    }

    @Test
    void optionsThatNoTargetUsesAreWarnings() {
        AppenderConfig relp = config("relp://logs:2514");
        relp.setFraming("lf");
        ResolvedConfig r = resolve(relp);
        assertThat(r.isValid()).isTrue();
        assertThat(r.warnings()).containsExactly(
                "framing: 'lf' ignored, as no target is tcp:// or tls:// (RELP and UDP frame each message themselves)");

        AppenderConfig tcp = config("tcp://logs:1514,udp://logs");
        tcp.setWindowSize("16");
        tcp.setAckTimeout("10s");
        tcp.setFraming("lf");
        assertThat(resolve(tcp).warnings()).containsExactly( // ackTimeout bounds the wait for write progress
                "windowSize: '16' ignored, as no target is relp:// or relp+tls://");

        AppenderConfig udp = config("udp://logs:514,udp://other:514");
        udp.setAckTimeout("10s");
        udp.setRebindInterval("1000");
        udp.setConnectionTtl("5m");
        udp.setFailover("roundRobin");
        udp.setPrimaryRetry("1m");
        assertThat(resolve(udp).warnings()).containsExactly(
                "ackTimeout: '10s' ignored, as every target is udp:// (no connection to watch)",
                "rebindInterval: '1000' ignored, as every target is udp:// (no connection to renew)",
                "connectionTtl: '5m' ignored, as every target is udp:// (no connection to renew)",
                "primaryRetry: '1m' ignored, as failover is roundRobin (it goes back to no target in particular)");

        AppenderConfig legacy = config("tcp://logs:1514");
        legacy.setFormat("RFC3164");
        legacy.setSequenceIds("true");
        legacy.setPrimaryRetry("1m");
        assertThat(resolve(legacy).warnings()).containsExactly(
                "primaryRetry: '1m' ignored, as there is one target",
                "sequenceIds: 'true' ignored, as format RFC3164 has no STRUCTURED-DATA to carry [meta sequenceId];"
                        + " choose format RFC5424 for the receiver to see gaps");
        AppenderConfig legacyByDefault = config("tcp://logs:1514");
        legacyByDefault.setFormat("RFC3164");
        assertThat(resolve(legacyByDefault).warnings()).as("sequenceIds left at its default").isEmpty();
    }

    @Test
    void badDeliveryWindowsAreNamedByPosition() {
        AppenderConfig c = config("relp://logs:2514");
        DeliveryWindowOptions first = new DeliveryWindowOptions();
        first.setBegin("25:00");
        first.setDays("MON-XYZ");
        first.setZone("Mars/Olympus");
        first.setStagger("a while");
        first.setUrgentLevel("SEVERE");
        c.addDeliveryWindow(first);
        DeliveryWindowOptions second = new DeliveryWindowOptions();
        second.setBegin("01:00");
        second.setEnd("02:00");
        c.addDeliveryWindow(second);
        assertThat(resolve(c).errors()).containsExactly(
                "DeliveryWindow[1].begin: '25:00' (expected a time of day HH:mm from 00:00 to 23:59, such as 22:00)",
                "DeliveryWindow[1].end: no value (expected a time of day HH:mm, such as 04:00)",
                "DeliveryWindow[1].days: 'MON-XYZ' (expected days such as MON-FRI, SAT,SUN or MON-WED,FRI"
                        + " (MON TUE WED THU FRI SAT SUN))",
                "DeliveryWindow[1].zone: 'Mars/Olympus' (expected a time-zone ID such as Europe/Berlin, UTC or"
                        + " +01:00)",
                "DeliveryWindow[1].stagger: 'a while' (expected a duration such as 500ms, 30s, 5m, 1h, 2d, 0 or"
                        + " PT5M)",
                "DeliveryWindow[1].urgentLevel: 'SEVERE' (expected a level: TRACE, DEBUG, INFO, WARN, ERROR or"
                        + " FATAL, or a syslog severity such as NOTICE, CRITICAL or 0-7)");
    }

    @Test
    void windowsMustAgreeOnZoneStaggerAndUrgentLevel() {
        AppenderConfig c = config("relp://logs:2514");
        for (String zone : new String[] {"UTC", "Europe/Berlin"}) {
            DeliveryWindowOptions w = new DeliveryWindowOptions();
            w.setBegin("22:00");
            w.setEnd("04:00");
            w.setZone(zone);
            w.setUrgentLevel("ERROR");
            c.addDeliveryWindow(w);
        }
        assertThat(resolve(c).errors()).containsExactly("DeliveryWindow[2].zone: 'Europe/Berlin' (expected the"
                + " same zone as 'UTC' in the other DeliveryWindow: it holds for all windows of an appender)");
    }

    @Test
    void theOptionsFingerprintLeavesOutWhatEachAppenderPutsInItsMessages() {
        AppenderConfig billing = config("relp://logs:2514");
        AppenderConfig audit = config("relp://logs:2514");
        audit.setAppName("audit");
        audit.setHostname("host2");
        audit.setFacility("local4");
        audit.setMdcId("ctx@12345");
        // the engines' registry warns of an engine shared with other options when these differ
        assertThat(resolve(audit).engineSettings().options()).isEqualTo(resolve(billing).engineSettings().options());

        audit.setQueueCapacity("100");
        assertThat(resolve(audit).engineSettings().options()).isNotEqualTo(resolve(billing).engineSettings().options());
    }

    @Test
    void withAStaggerHostnameAndAppNameCountInTheOptionsFingerprint() {
        // they pick the engine's offset in the delivery window
        AppenderConfig billing = config("relp://logs:2514");
        AppenderConfig audit = config("relp://logs:2514");
        audit.setAppName("audit");
        for (AppenderConfig c : new AppenderConfig[] {billing, audit}) {
            DeliveryWindowOptions w = new DeliveryWindowOptions();
            w.setBegin("22:00");
            w.setEnd("04:00");
            w.setStagger("30m");
            c.addDeliveryWindow(w);
        }
        assertThat(resolve(audit).engineSettings().options()).isNotEqualTo(resolve(billing).engineSettings().options());
    }

    @Test
    void blankValuesTakeTheDefault() {
        AppenderConfig c = config("relp://logs:2514");
        c.setOverflow(" ");
        c.setQueueCapacity("");
        assertThat(resolve(c).engineSettings().overflow()).isEqualTo(OverflowPolicy.DEFAULT);
    }

    @Test
    void appNameAndHostnameAreDiscoveredWhenNotSet() {
        AppenderConfig c = new AppenderConfig();
        c.setTarget("udp://logs");
        ResolvedConfig r = resolve(c);
        assertThat(r.mapper().appName()).isEqualTo(LocalIdentity.appName()).isNotBlank();
        assertThat(r.mapper().hostname()).isEqualTo(LocalIdentity.hostname()).isNotBlank();
    }

    @Test
    void appNameComesFromTheSpringPropertyThenTheMainClass() {
        assertThat(LocalIdentity.appName(k -> k.equals("spring.application.name") ? "billing" : "x.Y")).isEqualTo(
                "billing");
        assertThat(LocalIdentity.appName(k -> k.equals("sun.java.command") ? "com.acme.Billing --port 1" : null))
                .isEqualTo("Billing");
        assertThat(LocalIdentity.appName(k -> k.equals("sun.java.command") ? "/opt/billing-2.1.jar" : null))
                .isEqualTo("billing-2.1");
        assertThat(LocalIdentity.appName(k -> null)).isEqualTo("java");
    }
}
