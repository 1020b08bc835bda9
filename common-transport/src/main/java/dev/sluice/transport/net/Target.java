package dev.sluice.transport.net;

import io.netty.util.NetUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a {@link SyslogTransport} sends: a scheme, a host and a port, parsed from the {@code target} option, for
 * example {@code relp+tls://logs.example.com:2514} or {@code udp://[2001:db8::1]}.
 *
 * <p>Accepted forms: {@code udp://host[:port]} (default port 514), {@code tcp://host[:port]} (514),
 * {@code tls://host[:port]} (6514), {@code relp://host:port} and {@code relp+tls://host:port} (RELP has no
 * registered port, so it must be given). IPv6 literals go in brackets; IPv4 literals only as a canonical dotted
 * quad ({@code 127.0.0.1}, not {@code 127.1} nor {@code 2130706433}). Nothing may follow the port: no path,
 * query or user part. Immutable.
 *
 * @param scheme the protocol
 * @param host   the host name or IP literal, without brackets
 * @param port   1 to 65535
 */
public record Target(Scheme scheme, String host, int port) {

    /** The protocols a target can name. */
    public enum Scheme {
        /** Plain syslog over UDP (RFC 5426); best effort. */
        UDP("udp", 514),
        /** Plain syslog over TCP (RFC 6587); best effort with reconnect. */
        TCP("tcp", 514),
        /** Syslog over TLS (RFC 5425); best effort with reconnect. */
        TLS("tls", 6514),
        /** RELP over TCP: acknowledged delivery. */
        RELP("relp", 0),
        /** RELP over TLS. */
        RELP_TLS("relp+tls", 0);

        private final String configName;
        private final int defaultPort;

        Scheme(String configName, int defaultPort) {
            this.configName = configName;
            this.defaultPort = defaultPort;
        }

        /** The name in a target, for example {@code relp+tls}. */
        public String configName() {
            return configName;
        }

        /** The port used when the target gives none, or 0 when a port is required. */
        public int defaultPort() {
            return defaultPort;
        }

        /** Whether the connection is TLS. */
        public boolean isTls() {
            return this == TLS || this == RELP_TLS;
        }

        /** Whether messages are acknowledged (RELP). */
        public boolean isRelp() {
            return this == RELP || this == RELP_TLS;
        }

        static Scheme byName(String name) {
            for (Scheme s : values()) {
                if (s.configName.equals(name)) {
                    return s;
                }
            }
            return null;
        }
    }

    private static final String ACCEPTED = "expected: udp://host[:port], tcp://host[:port], tls://host[:port],"
            + " relp://host:port or relp+tls://host:port; IPv6 in brackets";

    public Target {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    /**
     * Parses one target.
     *
     * @throws IllegalArgumentException naming the option {@code target}, the value, what is wrong and what is accepted
     */
    public static Target parse(String value) {
        if (value == null) {
            throw error(null, "missing");
        }
        String text = value.trim();
        int sep = text.indexOf("://");
        if (sep <= 0) {
            throw error(value, "no scheme");
        }
        String schemeName = text.substring(0, sep).toLowerCase(Locale.ROOT);
        Scheme scheme = Scheme.byName(schemeName);
        if (scheme == null) {
            throw error(value, "unknown scheme '" + schemeName + "'");
        }
        String rest = text.substring(sep + 3);
        String host;
        String portText;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw error(value, "IPv6 address without closing ']'");
            }
            host = rest.substring(1, close);
            if (host.isEmpty() || host.indexOf(':') < 0 || !host.matches("[0-9A-Fa-f:.%a-zA-Z]+")) {
                throw error(value, "'" + host + "' in brackets is not an IPv6 address");
            }
            String after = rest.substring(close + 1);
            if (after.isEmpty()) {
                portText = null;
            } else if (after.startsWith(":")) {
                portText = after.substring(1);
            } else {
                throw error(value, "unexpected '" + after + "' after the address");
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) {
                throw error(value, "an IPv6 address must be in brackets");
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            portText = colon < 0 ? null : rest.substring(colon + 1);
            if (host.isEmpty()) {
                throw error(value, "no host");
            }
            if (!host.matches("[A-Za-z0-9._-]+")) {
                throw error(value, "host '" + host + "' (expected: a name or IP address; no path, user or spaces)");
            }
            if (looksNumeric(host) && !isDottedQuad(host)) {
                throw error(value, "host '" + host + "' is neither a host name nor an IPv4 address (expected: four"
                        + " numbers 0-255 without leading zeros, as 127.0.0.1; a name's last label is not all digits)");
            }
        }
        int port;
        if (portText == null) {
            if (scheme.defaultPort == 0) {
                throw error(value, "a port is required for " + scheme.configName);
            }
            port = scheme.defaultPort;
        } else {
            if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw error(value, "port '" + portText + "' (expected: 1-65535, nothing after it)");
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw error(value, "port " + port + " (expected: 1-65535)");
            }
        }
        return new Target(scheme, host, port);
    }

    /**
     * Parses a comma-separated list of targets, in failover order (the first is the primary).
     *
     * @throws IllegalArgumentException as {@link #parse(String)}, or if the list or one of its entries is empty
     */
    public static List<Target> parseList(String value) {
        if (value == null || value.isBlank()) {
            throw error(value, "empty");
        }
        List<Target> targets = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            if (part.isBlank()) {
                throw error(value, "empty entry in the list");
            }
            targets.add(parse(part));
        }
        return List.copyOf(targets);
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Whether the host is an IP address, which is parsed, not looked up. */
    boolean isIpLiteral() {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }

    /** The target in its configuration form, for example {@code relp://logs:2514}. */
    @Override
    public String toString() {
        return scheme.configName + "://" + authority();
    }

    /**
     * Whether {@code host} is made of digits and dots only, or ends in an all-digit label: not a host name (RFC 1123
     * and RFC 3696 rule out an all-numeric top-level label), so an IPv4 address in some form. The JDK resolves the
     * short and numeric forms ({@code 127.1}, {@code 2130706433}, {@code 127.0.0.01}) as addresses, but Netty's
     * {@code NetUtil} and our TLS code would take them for names: SNI would carry them and the certificate would be
     * checked for a DNS name, not an IP address. So only the canonical form gets through.
     */
    private static boolean looksNumeric(String host) {
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return true;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String last = name.substring(name.lastIndexOf('.') + 1);
        return !last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Four decimal numbers 0-255 without leading zeros (which some resolvers read as octal), separated by dots. */
    private static boolean isDottedQuad(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException error(String value, String problem) {
        return new IllegalArgumentException("target: " + (value == null ? "null" : "'" + value + "'") + ": "
                + problem + " (" + ACCEPTED + ")");
    }
}
