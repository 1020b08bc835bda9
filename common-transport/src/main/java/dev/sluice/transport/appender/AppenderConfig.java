package dev.sluice.transport.appender;

import dev.sluice.transport.config.ConfigException;
import dev.sluice.transport.config.DaysOfWeek;
import dev.sluice.transport.config.Durations;
import dev.sluice.transport.config.LocalTimes;
import dev.sluice.transport.config.Sizes;
import dev.sluice.transport.config.Zones;
import dev.sluice.transport.delivery.DeliverySchedule;
import dev.sluice.transport.delivery.DeliveryWindow;
import dev.sluice.transport.delivery.DeliveryWindows;
import dev.sluice.transport.delivery.EngineSettings;
import dev.sluice.transport.delivery.FailoverPolicy;
import dev.sluice.transport.delivery.OverflowPolicy;
import dev.sluice.transport.delivery.Stagger;
import dev.sluice.transport.delivery.UrgencyPolicy;
import dev.sluice.transport.event.EventMapper;
import dev.sluice.transport.event.Levels;
import dev.sluice.transport.health.Diagnostics;
import dev.sluice.transport.net.Target;
import dev.sluice.transport.net.TransportSettings;
import dev.sluice.transport.relp.RelpFrameDecoder;
import dev.sluice.transport.spool.FsyncPolicy;
import dev.sluice.transport.spool.SpoolConfig;
import dev.sluice.transport.syslog.Facility;
import dev.sluice.transport.syslog.Framing;
import dev.sluice.transport.syslog.SdElement;
import dev.sluice.transport.syslog.SyslogEncoder;
import dev.sluice.transport.syslog.SyslogFormat;
import dev.sluice.transport.tls.TlsContexts;
import dev.sluice.transport.tls.TlsSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One appender's options, exactly as written in {@code log4j2.xml} or {@code logback.xml}: the one config model of
 * both front-ends (DESIGN, "One config model, two front-ends"). Every value is a string; the front-ends copy what
 * the framework gives them into it, unchanged, and {@link #resolve} parses all of it with the core's parsers.
 *
 * <p>{@link #resolve} reports <em>every</em> problem, not the first, each as a message naming the option and the
 * value and saying what is accepted, such as {@code overflow: 'sometimes' (expected one of: dropNewest,
 * dropOldest, block)} or {@code Spool.maxSize: '1 XB' (expected a size such as 512, 64 KB, 1 GB)}. Options of the
 * nested elements are named {@code Tls.…}, {@code Spool.…} and {@code DeliveryWindow.…} ({@code DeliveryWindow[2].…}
 * when there are several) in both front-ends. A value that is {@code null} or blank is not set: the option takes
 * its default.
 *
 * <p>Defaults are those of DESIGN's option table, held by the classes that use them: {@link EngineSettings},
 * {@link TransportSettings}, {@link SyslogEncoder}, {@link SpoolConfig}, {@link TlsSettings}, {@link EventMapper},
 * {@link LocalIdentity}; the ones that only exist here are the {@code DEFAULT_…} constants below. Not thread-safe:
 * filled and resolved by one configuring thread.
 */
public final class AppenderConfig {

    /** Default {@code sequenceIds}: on. */
    public static final boolean DEFAULT_SEQUENCE_IDS = true;
    /** Default {@code facility}: {@code USER}. */
    public static final Facility DEFAULT_FACILITY = Facility.USER;
    /** Default {@code maxBytesPerSecond}: 0, no cap (octets per second). */
    public static final long DEFAULT_MAX_BYTES_PER_SECOND = 0;

    private static final String TARGET_EXPECTED = "udp://, tcp://, tls://, relp:// or relp+tls:// host:port, or a"
            + " comma-separated list of them";

    private String target;
    private String format;
    private String framing;
    private String appName;
    private String hostname;
    private String facility;
    private String sequenceIds;
    private String heartbeat;
    private String queueCapacity;
    private String overflow;
    private String maxBytesPerSecond;
    private String windowSize;
    private String connectTimeout;
    private String ackTimeout;
    private String reconnectDelay;
    private String failover;
    private String primaryRetry;
    private String rebindInterval;
    private String connectionTtl;
    private String maxMessageSize;
    private String shutdownTimeout;
    private String mdcId;
    private TlsOptions tls;
    private SpoolOptions spool;
    private final List<DeliveryWindowOptions> deliveryWindows = new ArrayList<>();

    // ---- resolving ----------------------------------------------------------------------------------------------

    /**
     * Parses and checks every option.
     *
     * @param appenderName the appender's name, for the engine's status messages and JMX
     * @param diagnostics  the front-end's status channel, for the engine's reports at run time
     * @return the settings, or every problem found; never throws for a bad value
     */
    public ResolvedConfig resolve(String appenderName, Diagnostics diagnostics) {
        Objects.requireNonNull(appenderName, "appenderName");
        Objects.requireNonNull(diagnostics, "diagnostics");
        Problems p = new Problems();

        List<Target> targets = isSet(target) ? p.parse("", target, null, Target::parseList)
                : p.fail(new ConfigException("target", null, TARGET_EXPECTED));
        SyslogFormat fmt = p.parse("", format, SyslogFormat.DEFAULT, SyslogFormat::parse);
        Framing frm = p.parse("", framing, TransportSettings.DEFAULT_FRAMING, Framing::parse);
        String app = isSet(appName) ? appName.strip() : LocalIdentity.appName();
        String host = isSet(hostname) ? hostname.strip() : LocalIdentity.hostname();
        Facility fac = p.parse("", facility, DEFAULT_FACILITY, Facility::parse);
        Boolean seq = p.parse("", sequenceIds, DEFAULT_SEQUENCE_IDS, v -> bool("sequenceIds", v));
        Duration hb = p.parse("", heartbeat, EngineSettings.DEFAULT_HEARTBEAT, v -> Durations.parse("heartbeat", v));
        Integer queue = p.parse("", queueCapacity, EngineSettings.DEFAULT_QUEUE_CAPACITY,
                v -> integer("queueCapacity", v, 1, Integer.MAX_VALUE));
        OverflowPolicy ovf = p.parse("", overflow, OverflowPolicy.DEFAULT, OverflowPolicy::parse);
        Long bps = p.parse("", maxBytesPerSecond, DEFAULT_MAX_BYTES_PER_SECOND,
                v -> Sizes.parse("maxBytesPerSecond", v));
        Integer window = p.parse("", windowSize, TransportSettings.DEFAULT_WINDOW_SIZE,
                v -> integer("windowSize", v, 1, TransportSettings.MAX_WINDOW_SIZE));
        Duration connect = p.parse("", connectTimeout, TransportSettings.DEFAULT_CONNECT_TIMEOUT,
                v -> positive("connectTimeout", v));
        Duration ack = p.parse("", ackTimeout, TransportSettings.DEFAULT_ACK_TIMEOUT, v -> positive("ackTimeout", v));
        Duration reconnect = p.parse("", reconnectDelay, TransportSettings.DEFAULT_RECONNECT_DELAY,
                v -> positive("reconnectDelay", v));
        FailoverPolicy fail = p.parse("", failover, FailoverPolicy.DEFAULT, FailoverPolicy::parse);
        // 0 would switch back to the primary on the next pass after every switch away from it: a flapping engine
        Duration retry = p.parse("", primaryRetry, EngineSettings.DEFAULT_PRIMARY_RETRY,
                v -> positive("primaryRetry", v));
        Integer rebind = p.parse("", rebindInterval, TransportSettings.DEFAULT_REBIND_INTERVAL,
                v -> integer("rebindInterval", v, 0, Integer.MAX_VALUE));
        Duration ttl = p.parse("", connectionTtl, EngineSettings.DEFAULT_CONNECTION_TTL,
                v -> Durations.parse("connectionTtl", v));
        boolean udp = uses(targets, Target.Scheme.UDP);
        int defaultMax = udp ? SyslogEncoder.DEFAULT_MAX_DATAGRAM_MESSAGE_SIZE : SyslogEncoder.DEFAULT_MAX_MESSAGE_SIZE;
        boolean relp = uses(targets, Target.Scheme.RELP, Target.Scheme.RELP_TLS);
        Integer maxSize = p.parse("", maxMessageSize, defaultMax, v -> messageSize(v, udp, relp));
        Duration shutdown = p.parse("", shutdownTimeout, EngineSettings.DEFAULT_SHUTDOWN_TIMEOUT,
                v -> Durations.parse("shutdownTimeout", v));
        String sdId = p.parse("", mdcId, EventMapper.DEFAULT_MDC_ID, AppenderConfig::mdcId);

        if (targets != null) {
            warnUnused(p, targets, relp, fmt, fail);
        }
        TlsSettings tlsSettings = resolveTls(p, targets);
        SpoolConfig spoolConfig = resolveSpool(p);
        Windows windows = resolveWindows(p, host, app);

        if (!p.errors.isEmpty()) {
            return new ResolvedConfig(null, null, p.errors, p.warnings);
        }
        EngineSettings settings = p.parse("", "built", null, ignored -> {
            TransportSettings.Builder transport = TransportSettings.builder()
                    .connectTimeout(connect).ackTimeout(ack).reconnectDelay(reconnect)
                    .windowSize(window).framing(frm).tls(tlsSettings).rebindInterval(rebind);
            if (reconnect.compareTo(TransportSettings.DEFAULT_INITIAL_RECONNECT_DELAY) < 0) {
                transport.initialReconnectDelay(reconnect);
            }
            boolean streams = uses(targets, Target.Scheme.TCP, Target.Scheme.TLS);
            SyslogEncoder encoder = SyslogEncoder.builder().format(fmt).maxMessageSize(maxSize)
                    .framing(streams ? frm : null).build();
            return EngineSettings.builder(appenderName).targets(targets).transport(transport.build())
                    .encoder(encoder).sequenceIds(seq).queueCapacity(queue).overflow(ovf).spool(spoolConfig)
                    .schedule(windows.schedule).urgency(windows.urgency).maxBytesPerSecond(bps).heartbeat(hb)
                    .shutdownTimeout(shutdown).failover(fail).primaryRetry(retry).connectionTtl(ttl)
                    .diagnostics(diagnostics).options(fingerprint(host, app)).build();
        });
        EventMapper mapper = EventMapper.builder().facility(fac).hostname(host).appName(app).mdcId(sdId).build();
        return new ResolvedConfig(settings, mapper, p.errors, p.warnings);
    }

    /** Whether any of {@code targets} (none if {@code null}: they did not parse) has one of {@code schemes}. */
    private static boolean uses(List<Target> targets, Target.Scheme... schemes) {
        return targets != null && targets.stream().anyMatch(t -> List.of(schemes).contains(t.scheme()));
    }

    /** Options that only some schemes use, given where no target has one: said, not silently ignored. */
    private void warnUnused(Problems p, List<Target> targets, boolean relp, SyslogFormat fmt, FailoverPolicy fail) {
        boolean stream = uses(targets, Target.Scheme.TCP, Target.Scheme.TLS);
        if (isSet(framing) && !stream) {
            p.warnings.add("framing: '" + framing + "' ignored, as no target is tcp:// or tls:// (RELP and UDP frame"
                    + " each message themselves)");
        }
        if (!relp && isSet(windowSize)) {
            p.warnings.add("windowSize: '" + windowSize + "' ignored, as no target is relp:// or relp+tls://");
        }
        if (targets.stream().allMatch(t -> t.scheme() == Target.Scheme.UDP)) {
            if (isSet(ackTimeout)) { // on tcp:// and tls:// it bounds the wait for write progress
                p.warnings.add("ackTimeout: '" + ackTimeout + "' ignored, as every target is udp:// (no connection to"
                        + " watch)");
            }
            for (String[] option : new String[][] {{"rebindInterval", rebindInterval}, {"connectionTtl", connectionTtl}}) {
                if (isSet(option[1])) {
                    p.warnings.add(option[0] + ": '" + option[1] + "' ignored, as every target is udp:// (no"
                            + " connection to renew)");
                }
            }
        }
        if (isSet(primaryRetry) && (targets.size() == 1 || fail == FailoverPolicy.ROUND_ROBIN)) {
            p.warnings.add("primaryRetry: '" + primaryRetry + "' ignored, as " + (targets.size() == 1
                    ? "there is one target" : "failover is roundRobin (it goes back to no target in particular)"));
        }
        if (fmt == SyslogFormat.RFC3164 && isSet(sequenceIds) && "true".equalsIgnoreCase(sequenceIds.strip())) {
            p.warnings.add("sequenceIds: '" + sequenceIds + "' ignored, as format RFC3164 has no STRUCTURED-DATA to"
                    + " carry [meta sequenceId]; choose format RFC5424 for the receiver to see gaps");
        }
    }

    /**
     * A digest of every option the engine runs with, as written, for {@link EngineSettings#options()}: a
     * reconfiguration that changes any of them restarts the engine with them, and an appender that shares another's
     * engine with other ones is warned that they wait. A digest, so that no password is kept in clear text once more.
     *
     * <p>{@code appName}, {@code hostname}, {@code facility} and {@code mdcId} are left out: they are the appender's
     * own, put into each message by its {@link EventMapper} before the engine gets it, so they apply at once to an
     * appender that shares an engine (the engine's own notices take the header of the last message). Only with a
     * {@code stagger} do {@code hostname} and {@code appName} ({@code host} and {@code app}, as resolved) count:
     * they pick the engine's offset in the delivery window.
     */
    private String fingerprint(String host, String app) {
        List<String> all = new ArrayList<>(Arrays.asList(target, format, framing, sequenceIds, heartbeat,
                queueCapacity, overflow, maxBytesPerSecond, windowSize, connectTimeout, ackTimeout, reconnectDelay,
                failover, primaryRetry, rebindInterval, connectionTtl, maxMessageSize, shutdownTimeout));
        if (tls != null) {
            all.addAll(Arrays.asList("Tls", tls.getCaFile(), tls.getCertFile(), tls.getKeyFile(),
                    tls.getKeyPassword(), tls.getKeyStore(), tls.getKeyStorePassword(), tls.getTrustStore(),
                    tls.getTrustStorePassword(), tls.getAuthMode(), tls.getPermittedPeers(), tls.getProtocols()));
        }
        if (spool != null) {
            all.addAll(Arrays.asList("Spool", spool.getDirectory(), spool.getMaxSize(), spool.getFsync(),
                    spool.getFsyncInterval()));
        }
        for (DeliveryWindowOptions w : deliveryWindows) {
            all.addAll(Arrays.asList("DeliveryWindow", w.getBegin(), w.getEnd(), w.getDays(), w.getZone(),
                    w.getStagger(), w.getUrgentLevel()));
        }
        if (deliveryWindows.stream().anyMatch(w -> isSet(w.getStagger()))) {
            all.addAll(Arrays.asList("Stagger", host, app));
        }
        StringBuilder text = new StringBuilder();
        for (String value : all) {
            // length-prefixed, so that no two lists of values give one text
            String v = isSet(value) ? value.strip() : "";
            text.append(v.length()).append(':').append(v).append(';');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private TlsSettings resolveTls(Problems p, List<Target> targets) {
        Target tlsTarget = targets == null ? null
                : targets.stream().filter(t -> t.scheme().isTls()).findFirst().orElse(null);
        if (tlsTarget == null) {
            if (tls != null) {
                p.warnings.add("Tls: ignored, as no target uses TLS (tls:// or relp+tls://)");
            }
            return null;
        }
        TlsOptions o = tls != null ? tls : new TlsOptions();
        TlsSettings.Builder b = TlsSettings.builder();
        p.parse("Tls.", o.getAuthMode(), null, v -> b.authMode(v));
        p.parse("Tls.", o.getProtocols(), null, v -> b.protocols(Arrays.asList(v.split("\\s*,\\s*"))));
        if (isSet(o.getPermittedPeers())) {
            b.permittedPeers(o.getPermittedPeers());
        }
        // Through the problems, as a value that is no path on this platform (a NUL; "classpath:…" on Windows) is
        // a bad option, not an exception out of resolve(). Then build() is not asked: the path it lacks would read
        // as one not given ("caFile: required").
        int paths = p.errors.size();
        p.parse("Tls.", o.getCaFile(), null, v -> b.caFile(v));
        p.parse("Tls.", o.getCertFile(), null, v -> b.certFile(v));
        p.parse("Tls.", o.getKeyFile(), null, v -> b.keyFile(v));
        p.parse("Tls.", o.getKeyStore(), null, v -> b.keyStore(v));
        p.parse("Tls.", o.getTrustStore(), null, v -> b.trustStore(v));
        if (p.errors.size() > paths) {
            return null;
        }
        if (isSet(o.getKeyPassword())) {
            b.keyPassword(o.getKeyPassword());
        }
        if (isSet(o.getKeyStorePassword())) {
            b.keyStorePassword(o.getKeyStorePassword());
        }
        if (isSet(o.getTrustStorePassword())) {
            b.trustStorePassword(o.getTrustStorePassword());
        }
        int before = p.errors.size();
        TlsSettings settings = p.parse("Tls.", "built", null, ignored -> b.build());
        if (settings == null || p.errors.size() > before) {
            return null;
        }
        // Read the files now, so that a missing file or a wrong password is a configuration error, not a failing
        // connection later. Nothing is kept: the transport reads them again (and again when they change).
        p.parse("Tls.", "read", null, ignored -> TlsContexts.forClient(settings, tlsTarget.host(),
                warning -> p.warnings.add("Tls." + warning)));
        return settings;
    }

    private SpoolConfig resolveSpool(Problems p) {
        if (spool == null) {
            return null;
        }
        Path dir = isSet(spool.getDirectory()) ? p.parse("Spool.", spool.getDirectory(), null, v -> directory(v))
                : p.fail(new ConfigException("Spool.directory", null, "the path of a directory"));
        Long max = p.parse("Spool.", spool.getMaxSize(), SpoolConfig.DEFAULT_MAX_SIZE,
                v -> Sizes.parse("maxSize", v));
        FsyncPolicy sync = p.parse("Spool.", spool.getFsync(), SpoolConfig.DEFAULT_FSYNC, v -> fsync(v));
        Duration every = p.parse("Spool.", spool.getFsyncInterval(), SpoolConfig.DEFAULT_FSYNC_INTERVAL,
                v -> positive("fsyncInterval", v));
        if (dir == null || max == null || sync == null || every == null) {
            return null;
        }
        return p.parse("Spool.", "built", null,
                ignored -> SpoolConfig.builder(dir).maxSize(max).fsync(sync).fsyncInterval(every).build());
    }

    private Windows resolveWindows(Problems p, String host, String app) {
        if (deliveryWindows.isEmpty()) {
            return new Windows(DeliverySchedule.always(), UrgencyPolicy.none());
        }
        List<DeliveryWindow> windows = new ArrayList<>();
        Shared<ZoneId> zone = new Shared<>("zone");
        Shared<Duration> stagger = new Shared<>("stagger");
        Shared<Integer> urgent = new Shared<>("urgentLevel");
        for (int i = 0; i < deliveryWindows.size(); i++) {
            DeliveryWindowOptions w = deliveryWindows.get(i);
            String prefix = deliveryWindows.size() == 1 ? "DeliveryWindow." : "DeliveryWindow[" + (i + 1) + "].";
            LocalTime begin = p.parse(prefix, w.getBegin(), null, v -> LocalTimes.parse("begin", v));
            LocalTime end = p.parse(prefix, w.getEnd(), null, v -> LocalTimes.parse("end", v));
            if (!isSet(w.getBegin())) {
                p.fail(new ConfigException(prefix + "begin", null, "a time of day HH:mm, such as 22:00"));
            }
            if (!isSet(w.getEnd())) {
                p.fail(new ConfigException(prefix + "end", null, "a time of day HH:mm, such as 04:00"));
            }
            Set<DayOfWeek> days = p.parse(prefix, w.getDays(), EnumSet.allOf(DayOfWeek.class),
                    v -> DaysOfWeek.parse("days", v));
            zone.offer(p, prefix, w.getZone(), v -> Zones.parse("zone", v));
            stagger.offer(p, prefix, w.getStagger(), v -> Durations.parse("stagger", v));
            urgent.offer(p, prefix, w.getUrgentLevel(), v -> Levels.parseLevel("urgentLevel", v).code());
            if (begin != null && end != null && days != null) {
                windows.add(DeliveryWindow.of(begin, end, days));
            }
        }
        if (windows.size() < deliveryWindows.size()) {
            return new Windows(DeliverySchedule.always(), UrgencyPolicy.none());
        }
        Stagger hostStagger = stagger.value == null ? Stagger.none() : Stagger.of(stagger.value, host, app);
        return new Windows(DeliveryWindows.of(zone.value == null ? ZoneId.systemDefault() : zone.value, windows,
                hostStagger), urgent.value == null ? UrgencyPolicy.none() : UrgencyPolicy.atOrAbove(urgent.value));
    }

    private record Windows(DeliverySchedule schedule, UrgencyPolicy urgency) {
    }

    /** An option of {@code DeliveryWindow} that holds for all windows: set once, or the same each time. */
    private static final class Shared<T> {
        final String option;
        T value;
        String written;

        Shared(String option) {
            this.option = option;
        }

        void offer(Problems p, String prefix, String text, Function<String, T> parser) {
            T parsed = p.parse(prefix, text, null, parser);
            if (parsed == null) {
                return;
            }
            if (value == null) {
                value = parsed;
                written = text.strip();
            } else if (!value.equals(parsed)) {
                p.fail(new ConfigException(prefix + option, text, "the same " + option + " as '" + written
                        + "' in the other DeliveryWindow: it holds for all windows of an appender"));
            }
        }
    }

    /** Collects the problems of one {@link #resolve} call. */
    private static final class Problems {
        final List<String> errors = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        /**
         * {@code fallback} when {@code value} is not set; otherwise the parsed value, or {@code null} after
         * recording the parser's message, with {@code prefix} in front of the option it names.
         */
        <T> T parse(String prefix, String value, T fallback, Function<String, T> parser) {
            if (!isSet(value)) {
                return fallback;
            }
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException | IllegalStateException e) {
                errors.add(prefix + e.getMessage());
                return null;
            }
        }

        <T> T fail(ConfigException e) {
            errors.add(e.getMessage());
            return null;
        }
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static boolean bool(String option, String value) {
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true": return true;
            case "false": return false;
            default: throw new ConfigException(option, value, "true or false");
        }
    }

    private static int integer(String option, String value, int min, int max) {
        try {
            long n = Long.parseLong(value.strip());
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(option, value, "a whole number from " + min + " to " + max);
    }

    private static Duration positive(String option, String value) {
        Duration d = Durations.parse(option, value);
        if (d.isZero()) {
            throw new ConfigException(option, value, "a duration above zero, such as 500ms, 30s or 5m");
        }
        return d;
    }

    /** Largest {@code maxMessageSize} with a RELP target: the DATALEN RELP allows (relp.md: 128 KiB in version 1). */
    static final int MAX_RELP_MESSAGE_SIZE = RelpFrameDecoder.DEFAULT_MAX_DATA_LENGTH;

    /**
     * With a {@code udp://} target ({@code udp}), no more than one datagram carries: a longer one is never sent. With
     * a RELP target ({@code relp}), no more than a RELP frame carries.
     */
    private static int messageSize(String value, boolean udp, boolean relp) {
        long octets = Sizes.parse("maxMessageSize", value);
        if (octets < 1 || octets > Integer.MAX_VALUE) {
            throw new ConfigException("maxMessageSize", value, "a size from 1 octet to 2 GB, such as 8 KB");
        }
        if (udp && octets > SyslogEncoder.MAX_DATAGRAM_MESSAGE_SIZE) {
            throw new ConfigException("maxMessageSize", value, "a size of at most "
                    + SyslogEncoder.MAX_DATAGRAM_MESSAGE_SIZE + " octets, as a target is udp://: the most one UDP"
                    + " datagram carries over IPv4");
        }
        if (relp && octets > MAX_RELP_MESSAGE_SIZE) {
            // a receiver with librelp's default limit ends the session on a longer frame; the client sends the
            // message again on the next one, and again: delivery would stop behind it for good
            throw new ConfigException("maxMessageSize", value, "a size of at most " + MAX_RELP_MESSAGE_SIZE
                    + " octets (128 KB), as a target is relp:// or relp+tls://: the longest frame RELP allows, and"
                    + " the default limit of rsyslog's imrelp");
        }
        return (int) octets;
    }

    private static String mdcId(String value) {
        String id = value.strip();
        if (!SdElement.isValidName(id)) {
            throw new ConfigException("mdcId", value, "an SD-ID of 1-32 printable US-ASCII characters without"
                    + " space, '=', ']' or '\"', such as " + EventMapper.DEFAULT_MDC_ID);
        }
        if (id.equals(EventMapper.LOG_ID) || id.equals(EventMapper.MARKER_ID) || id.equals("meta")) {
            throw new ConfigException("mdcId", value, "an SD-ID other than " + EventMapper.LOG_ID + ", "
                    + EventMapper.MARKER_ID + " and meta, which Sluice writes itself");
        }
        return id;
    }

    private static FsyncPolicy fsync(String value) {
        try {
            return FsyncPolicy.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("fsync", value, "one of: always, interval, never");
        }
    }

    private static Path directory(String value) {
        Path dir;
        try {
            dir = Path.of(value.strip());
        } catch (InvalidPathException e) {
            throw new ConfigException("directory", value, "a valid path (" + e.getReason() + ")");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigException("directory", value, "a directory, not a file");
        }
        return dir;
    }

    // ---- options, as written ------------------------------------------------------------------------------------

    /** {@code udp://h:p}, {@code tcp://h:p}, {@code tls://h:p}, {@code relp://h:p}, {@code relp+tls://h:p}, or a
     * comma-separated list of them in failover order; required. */
    public void setTarget(String target) {
        this.target = target;
    }

    /** {@code RFC5424} (default) or {@code RFC3164}. */
    public void setFormat(String format) {
        this.format = format;
    }

    /** For tcp and tls targets: {@code octet-counting} (default) or {@code lf}. */
    public void setFraming(String framing) {
        this.framing = framing;
    }

    /** APP-NAME; default {@link LocalIdentity#appName()}. */
    public void setAppName(String appName) {
        this.appName = appName;
    }

    /** HOSTNAME; default {@link LocalIdentity#hostname()}. */
    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    /** Syslog facility name or code; default {@code USER}. */
    public void setFacility(String facility) {
        this.facility = facility;
    }

    /** {@code true} (default) or {@code false}: {@code [meta sequenceId="n"]} on every message. */
    public void setSequenceIds(String sequenceIds) {
        this.sequenceIds = sequenceIds;
    }

    /** Interval of heartbeat messages while idle; {@code 0} (default) is off. */
    public void setHeartbeat(String heartbeat) {
        this.heartbeat = heartbeat;
    }

    /** Events held in memory; default 65536. */
    public void setQueueCapacity(String queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    /** {@code dropNewest} (default), {@code dropOldest} or {@code block}. */
    public void setOverflow(String overflow) {
        this.overflow = overflow;
    }

    /** Cap on delivery bandwidth, a size per second such as {@code 64 KB}; default no cap. */
    public void setMaxBytesPerSecond(String maxBytesPerSecond) {
        this.maxBytesPerSecond = maxBytesPerSecond;
    }

    /** RELP: frames in flight; default 128. */
    public void setWindowSize(String windowSize) {
        this.windowSize = windowSize;
    }

    /** Default 5s. */
    public void setConnectTimeout(String connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** RELP; default 30s. */
    public void setAckTimeout(String ackTimeout) {
        this.ackTimeout = ackTimeout;
    }

    /** Longest delay between connection attempts; default 30s. */
    public void setReconnectDelay(String reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    /** {@code preferPrimary} (default) or {@code roundRobin}. */
    public void setFailover(String failover) {
        this.failover = failover;
    }

    /** With {@code preferPrimary}: when to try the first target again; default 5m. */
    public void setPrimaryRetry(String primaryRetry) {
        this.primaryRetry = primaryRetry;
    }

    /** Reconnect after this many messages; {@code 0} (default) is off. */
    public void setRebindInterval(String rebindInterval) {
        this.rebindInterval = rebindInterval;
    }

    /** Reconnect after this long on one connection; {@code 0} (default) is off. */
    public void setConnectionTtl(String connectionTtl) {
        this.connectionTtl = connectionTtl;
    }

    /** Octets of one message; default 8 KB, 2 KB when a target is UDP, and then at most 65,507. */
    public void setMaxMessageSize(String maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** How long stopping may drain; default 5s. */
    public void setShutdownTimeout(String shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** SD-ID of the MDC element; default {@value EventMapper#DEFAULT_MDC_ID}. */
    public void setMdcId(String mdcId) {
        this.mdcId = mdcId;
    }

    /** The TLS options; {@code null} for none. */
    public void setTls(TlsOptions tls) {
        this.tls = tls;
    }

    /** The spool options; {@code null} for memory only. */
    public void setSpool(SpoolOptions spool) {
        this.spool = spool;
    }

    /** Adds one delivery window. */
    public void addDeliveryWindow(DeliveryWindowOptions window) {
        deliveryWindows.add(Objects.requireNonNull(window, "window"));
    }

    public String getTarget() {
        return target;
    }

    public TlsOptions getTls() {
        return tls;
    }

    public SpoolOptions getSpool() {
        return spool;
    }

    public List<DeliveryWindowOptions> getDeliveryWindows() {
        return List.copyOf(deliveryWindows);
    }
}
