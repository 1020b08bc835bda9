package dev.sluice.transport.relp;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The offers exchanged by {@code open} and its response: LF-separated lines {@code NAME[=VALUE[,VALUE...]]}.
 *
 * <p>Empty lines are skipped when parsing (see {@link #parse(String)}); {@link #format()} writes LF only between
 * offers, as librelp does.
 *
 * <p>Immutable, in the order given. A name maps to its whole value text (the comma-separated list as sent); an
 * absent value ({@code "name"}) and an empty one ({@code "name="}) both read as {@code ""} and are written as
 * {@code "name="}, as librelp writes them.
 *
 * <p>Limits follow librelp: names 1 to {@value #MAX_NAME_LENGTH} octets, each comma-separated value at most
 * {@value #MAX_VALUE_LENGTH} octets, at most {@value #MAX_VALUES} values per offer. A name appears once.
 * {@code relp_version}, when present, is a decimal number.
 *
 * <p>Session setup as librelp does it: the client sends {@link #clientOffers()}
 * ({@code relp_version=0}, {@code relp_software=...}, {@code commands=syslog}); the server answers with
 * {@link #answerOpen(Set)}, an {@code rsp} whose data is {@code "200 OK\n"} followed by the offers it accepts; the
 * client checks that answer with {@link #fromOpenResponse(RelpResponse)}.
 */
public final class RelpOffers {

    /** Offer naming the protocol version; required in {@code open} and in its answer. */
    public static final String RELP_VERSION = "relp_version";
    /** Offer naming the software at the other end: {@code name[,version[,url]]}. */
    public static final String RELP_SOFTWARE = "relp_software";
    /** Offer listing the optional commands supported, for example {@code syslog}. */
    public static final String COMMANDS = "commands";

    /** The relp_version we send: 0, as librelp (and so rsyslog) sends and expects. */
    public static final int VERSION = 0;
    /** The relp_version values we accept from a peer: 0 (librelp) and 1 (the specification). */
    public static final Set<Integer> ACCEPTED_VERSIONS = Set.of(0, 1);
    /** The software name we send in {@code relp_software}. */
    public static final String SOFTWARE_NAME = "sluice";

    /** Longest offer name, in octets (librelp's limit). */
    public static final int MAX_NAME_LENGTH = 32;
    /** Longest single value, in octets (librelp's limit). */
    public static final int MAX_VALUE_LENGTH = 255;
    /** Most values in one offer (librelp's limit). */
    public static final int MAX_VALUES = 64;

    private static final RelpOffers EMPTY = new RelpOffers(Map.of());

    private final Map<String, String> offers;

    private RelpOffers(Map<String, String> offers) {
        this.offers = offers;
    }

    /** Offers without any entry. */
    public static RelpOffers empty() {
        return EMPTY;
    }

    /**
     * Offers with the given names and values, in the map's iteration order.
     *
     * @throws IllegalArgumentException if a name or value breaks the limits above
     */
    public static RelpOffers of(Map<String, String> offers) {
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        offers.forEach((name, value) -> {
            String problem = check(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            copy.put(name, value);
        });
        return new RelpOffers(Collections.unmodifiableMap(copy));
    }

    /**
     * Parses the data of an {@code open} command, or the data after {@code "200 OK\n"} in its answer.
     *
     * <p>Empty lines are skipped wherever they are: before the first offer, between offers and at the end; a text
     * that is empty or only LFs is no offers. The specification (librelp's {@code doc/relp.md}, "ABNF for offer
     * strings") writes each offer as {@code LF FEATURENAME ["=" VALUE *("," VALUE)]}, so data that starts with LF
     * is the specified form, and Teragrep rlp_01 sends exactly that:
     * {@code "\nrelp_version=0\nrelp_software=RLP-01\ncommands=syslog\n"}. librelp writes LF only between
     * offers, and its reader ({@code relpOffersConstructFromFrame} in {@code src/offers.c}) refuses no offer list
     * for its LFs: a name ends only at {@code '='}, at 32 octets or at the end of the data, so an LF before a name
     * becomes part of that name, which {@code selectOffers} ({@code src/copen.c}) then ignores as unknown. A librelp
     * server therefore accepts rlp_01's {@code open} without seeing its {@code relp_version} (it does not require
     * one). Here the empty line is dropped and the offer after it is read under its own name, so
     * {@link #answerOpen(Set)} sees the version and the commands.
     *
     * <p>Stricter than librelp, which accepts these (cutting long names and values where its buffers end, keeping
     * every repeat): an empty name before {@code '='}, a name over {@value #MAX_NAME_LENGTH} octets, a value over
     * {@value #MAX_VALUE_LENGTH} octets and a repeated name are errors. As in librelp, more than
     * {@value #MAX_VALUES} values, and a {@code relp_version} that is not a number, are errors.
     *
     * @throws RelpProtocolException on an empty or too long name, a too long value, too many values, a repeated
     *         name, or a {@code relp_version} that is not a number
     */
    public static RelpOffers parse(String text) {
        if (text.isEmpty()) {
            return EMPTY;
        }
        LinkedHashMap<String, String> parsed = new LinkedHashMap<>();
        int start = 0;
        while (start <= text.length()) {
            int lf = text.indexOf('\n', start);
            int end = lf < 0 ? text.length() : lf;
            if (end == start) {
                // an empty line: a leading LF (the specification's form), or several LFs in a row
                start = end + 1;
                continue;
            }
            int eq = text.indexOf('=', start);
            String name;
            String value;
            if (eq < 0 || eq > end) {
                name = text.substring(start, end);
                value = "";
            } else {
                name = text.substring(start, eq);
                value = text.substring(eq + 1, end);
            }
            String problem = check(name, value);
            if (problem != null) {
                throw new RelpProtocolException(problem);
            }
            if (parsed.putIfAbsent(name, value) != null) {
                throw new RelpProtocolException("offer: '" + name + "' repeated (expected: once)");
            }
            start = end + 1;
        }
        return new RelpOffers(Collections.unmodifiableMap(parsed));
    }

    /** Why {@code name=value} is not a valid offer, or {@code null}. */
    private static String check(String name, String value) {
        int nameLength = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameLength == 0) {
            return "offer name: empty (expected: 1-" + MAX_NAME_LENGTH + " octets)";
        }
        if (nameLength > MAX_NAME_LENGTH) {
            return "offer name: " + nameLength + " octets (expected: <= " + MAX_NAME_LENGTH + ")";
        }
        if (name.indexOf('\n') >= 0 || name.indexOf('=') >= 0) {
            return "offer name: '" + name.replace("\n", "\\n") + "' (expected: no LF or '=')";
        }
        if (value.indexOf('\n') >= 0) {
            return "offer " + name + ": value contains LF (expected: none)";
        }
        int values = 0;
        int start = 0;
        while (start <= value.length()) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? value.length() : comma;
            int valueLength = value.substring(start, end).getBytes(StandardCharsets.UTF_8).length;
            if (valueLength > MAX_VALUE_LENGTH) {
                return "offer " + name + ": value of " + valueLength + " octets (expected: <= "
                        + MAX_VALUE_LENGTH + ")";
            }
            if (valueLength > 0 && ++values > MAX_VALUES) {
                return "offer " + name + ": more than " + MAX_VALUES + " values (expected: <= " + MAX_VALUES + ")";
            }
            start = end + 1;
        }
        if (name.equals(RELP_VERSION) && !isNumber(value)) {
            return "offer relp_version: '" + value + "' (expected: 1-9 digits)";
        }
        return null;
    }

    private static boolean isNumber(String value) {
        if (value.isEmpty() || value.length() > 9) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The wire form: {@code name=value} lines joined by LF, without a final LF. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        offers.forEach((name, value) -> {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(name).append('=').append(value);
        });
        return sb.toString();
    }

    /** All offers, in order; unmodifiable. */
    public Map<String, String> asMap() {
        return offers;
    }

    /** The value of an offer, {@code ""} if it has none, empty if it was not offered. */
    public Optional<String> get(String name) {
        return Optional.ofNullable(offers.get(name));
    }

    /** The offered protocol version, if any. */
    public OptionalInt relpVersion() {
        String value = offers.get(RELP_VERSION);
        return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value));
    }

    /** The peer's software description ({@code name[,version[,url]]}), if offered. */
    public Optional<String> relpSoftware() {
        return get(RELP_SOFTWARE);
    }

    /** The commands offered, in order, without empty entries; empty if none. */
    public Set<String> commands() {
        String value = offers.get(COMMANDS);
        if (value == null || value.isEmpty()) {
            return Set.of();
        }
        LinkedHashSet<String> commands = new LinkedHashSet<>();
        for (String command : value.split(",")) {
            if (!command.isEmpty()) {
                commands.add(command);
            }
        }
        return Collections.unmodifiableSet(commands);
    }

    /** Whether a peer's relp_version is one we speak. */
    public static boolean isAcceptedVersion(int version) {
        return ACCEPTED_VERSIONS.contains(version);
    }

    /**
     * The offers a client sends with {@code open}: {@code relp_version=0}, {@code relp_software=sluice[,version]}
     * and {@code commands=syslog}, in that order (librelp's order).
     */
    public static RelpOffers clientOffers() {
        LinkedHashMap<String, String> map = new LinkedHashMap<>();
        map.put(RELP_VERSION, Integer.toString(VERSION));
        map.put(RELP_SOFTWARE, software());
        map.put(COMMANDS, RelpCommands.SYSLOG);
        return new RelpOffers(Collections.unmodifiableMap(map));
    }

    /**
     * The server's answer to an {@code open} carrying these (client) offers, as librelp gives it.
     *
     * <p>Success is {@code "200 OK\n"} followed by {@code relp_version} (the lower of the client's and ours),
     * {@code relp_software}, and {@code commands}: those of the client's commands that the server supports, in the
     * client's order. An error is a {@code 500} response when the client offered no {@code relp_version}, or none
     * of {@code serverCommands} (if that set is not empty).
     *
     * @param serverCommands the optional commands the server supports, for example {@code Set.of("syslog")}
     */
    public RelpResponse answerOpen(Set<String> serverCommands) {
        OptionalInt clientVersion = relpVersion();
        if (clientVersion.isEmpty()) {
            return RelpResponse.error("required offer relp_version missing");
        }
        StringBuilder commands = new StringBuilder();
        for (String command : commands()) {
            if (serverCommands.contains(command)) {
                if (commands.length() > 0) {
                    commands.append(',');
                }
                commands.append(command);
            }
        }
        if (commands.length() == 0 && !serverCommands.isEmpty()) {
            // librelp's text for the same case
            return RelpResponse.error("required command not supported by client");
        }
        LinkedHashMap<String, String> map = new LinkedHashMap<>();
        map.put(RELP_VERSION, Integer.toString(Math.min(clientVersion.getAsInt(), VERSION)));
        map.put(RELP_SOFTWARE, software());
        map.put(COMMANDS, commands.toString());
        return RelpResponse.ok(new RelpOffers(Collections.unmodifiableMap(map)).format());
    }

    /**
     * Checks the server's answer to our {@code open} and returns the offers it accepted.
     *
     * @throws RelpProtocolException if the answer is not 200, has no or an unaccepted {@code relp_version},
     *         or malformed offers
     */
    public static RelpOffers fromOpenResponse(RelpResponse response) {
        if (!response.isOk()) {
            throw new RelpProtocolException("open: refused with " + response.code() + " " + response.text()
                    + " (expected: 200)");
        }
        RelpOffers offers = parse(response.data().orElse(""));
        OptionalInt version = offers.relpVersion();
        if (version.isEmpty()) {
            throw new RelpProtocolException("open: no relp_version in the answer (expected: 0 or 1)");
        }
        if (!isAcceptedVersion(version.getAsInt())) {
            throw new RelpProtocolException("open: relp_version " + version.getAsInt() + " (expected: 0 or 1)");
        }
        return offers;
    }

    private static String software() {
        String version = RelpOffers.class.getPackage().getImplementationVersion();
        return version == null ? SOFTWARE_NAME : SOFTWARE_NAME + "," + version;
    }

    @Override
    public boolean equals(Object o) {
        // order matters on the wire, so it matters here
        return this == o || (o instanceof RelpOffers other && offers.equals(other.offers)
                && format().equals(other.format()));
    }

    @Override
    public int hashCode() {
        return offers.hashCode();
    }

    @Override
    public String toString() {
        return "RelpOffers[" + format().replace("\n", ", ") + "]";
    }
}
