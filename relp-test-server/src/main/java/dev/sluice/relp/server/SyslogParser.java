package dev.sluice.relp.server;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Takes a received syslog message apart. Pure, stateless and thread-safe; never throws on bad input.
 *
 * <p>Recognised layouts:
 * <ul>
 *   <li><b>RFC 5424</b>, which is also rsyslog's {@code RSYSLOG_SyslogProtocol23Format}
 *       ({@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG\n}): NILVALUEs, any number of SD
 *       elements, escaped PARAM-VALUEs and a BOM before MSG.</li>
 *   <li><b>RFC 3164</b> classic: {@code <13>Nov 27 18:04:33 host tag[123]: msg}.</li>
 *   <li><b>RFC 3164 with an RFC 3339 timestamp</b>, rsyslog's {@code RSYSLOG_ForwardFormat} (the default
 *       template of {@code omrelp} and {@code omfwd}):
 *       {@code <PRI>%TIMESTAMP:::date-rfc3339% %HOSTNAME% %syslogtag:1:32%%msg:::sp-if-no-1st-sp%%msg%}.
 *       When rsyslog forwards a message that came in as RFC 5424, the tag has no colon
 *       ({@code app[pid] msg}); that is accepted too.</li>
 * </ul>
 * Anything else, including a PRI outside 0-191, a header cut short, a missing field or a header field
 * that is not printable US-ASCII, is {@link SyslogFormat#UNPARSED} with the whole input as message.
 * Input that is not valid UTF-8 is decoded with replacement characters. See {@link ParsedSyslog} for
 * what each field holds.
 */
public final class SyslogParser {

    private static final int MAX_PRI = 191;
    private static final int MAX_HOSTNAME = 255;
    private static final int MAX_APP_NAME = 48;
    private static final int MAX_PROCID = 128;
    private static final int MAX_MSGID = 32;
    private static final int MAX_SD_NAME = 32;
    private static final char BOM = '\uFEFF';
    private static final String NILVALUE = "-";
    /** {@code Mmm dd hh:mm:ss}, the day space-padded ({@code "Nov  7"}); RFC 3164 section 4.1.2. */
    private static final Pattern CLASSIC_TIMESTAMP =
            Pattern.compile("(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d");
    private static final int CLASSIC_TIMESTAMP_LENGTH = 15;

    private SyslogParser() {
    }

    /** Parses {@code raw} as UTF-8; {@code null} is treated as empty input. */
    public static ParsedSyslog parse(byte[] raw) {
        return parse(raw == null ? "" : new String(raw, StandardCharsets.UTF_8));
    }

    /** Parses an already decoded message. */
    public static ParsedSyslog parse(String text) {
        if (text == null) {
            return ParsedSyslog.unparsed("");
        }
        try {
            ParsedSyslog parsed = new Cursor(text).parse();
            return parsed != null ? parsed : ParsedSyslog.unparsed(text);
        } catch (RuntimeException e) {
            // A parser bug must not turn into a lost message: keep the input as it came.
            return ParsedSyslog.unparsed(text);
        }
    }

    /** A position in the input; every method returns {@code null} (or -1) for "does not match". */
    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        ParsedSyslog parse() {
            int pri = pri();
            if (pri < 0) {
                return null;
            }
            int facility = pri / 8;
            int severity = pri % 8;
            int version = version();
            if (version > 0) {
                return rfc5424(facility, severity, version);
            }
            return rfc3164(facility, severity);
        }

        /** {@code <PRIVAL>}: 1-3 digits, 0-191. */
        private int pri() {
            if (!s.startsWith("<")) {
                return -1;
            }
            int end = s.indexOf('>');
            if (end < 2 || end > 4) {
                return -1;
            }
            int value = digits(1, end);
            if (value < 0 || value > MAX_PRI) {
                return -1;
            }
            pos = end + 1;
            return value;
        }

        /** RFC 5424 VERSION followed by SP: {@code NONZERO-DIGIT 0*2DIGIT}; -1 (position unchanged) if absent. */
        private int version() {
            int end = pos;
            while (end < s.length() && end - pos < 3 && isDigit(s.charAt(end))) {
                end++;
            }
            if (end == pos || end >= s.length() || s.charAt(end) != ' ' || s.charAt(pos) == '0') {
                return -1;
            }
            int v = digits(pos, end);
            pos = end + 1;
            return v;
        }

        private ParsedSyslog rfc5424(int facility, int severity, int version) {
            String timestamp = field(Integer.MAX_VALUE);
            String hostname = field(MAX_HOSTNAME);
            String appName = field(MAX_APP_NAME);
            String procId = field(MAX_PROCID);
            String msgId = field(MAX_MSGID);
            if (msgId == null) {
                return null;
            }
            List<SdElement> sd = structuredData();
            if (sd == null) {
                return null;
            }
            String message;
            if (pos == s.length()) {
                message = "";
            } else if (s.charAt(pos) == ' ') {
                message = message(pos + 1);
            } else {
                return null;
            }
            return new ParsedSyslog(SyslogFormat.RFC5424, facility, severity, version, nil(timestamp),
                    nil(hostname), nil(appName), nil(procId), nil(msgId), sd, message);
        }

        /** A header field of printable US-ASCII followed by SP; {@code null} if missing, empty or too long. */
        private String field(int maxLength) {
            int end = pos;
            while (end < s.length() && s.charAt(end) != ' ') {
                char c = s.charAt(end);
                if (c < 33 || c > 126) {
                    return null;
                }
                end++;
            }
            if (end == pos || end >= s.length() || end - pos > maxLength) {
                return null;
            }
            String f = s.substring(pos, end);
            pos = end + 1;
            return f;
        }

        /** {@code NILVALUE / 1*SD-ELEMENT}; {@code null} if malformed. */
        private List<SdElement> structuredData() {
            if (s.startsWith(NILVALUE, pos) && (pos + 1 == s.length() || s.charAt(pos + 1) == ' ')) {
                pos++;
                return List.of();
            }
            List<SdElement> elements = new ArrayList<>();
            while (pos < s.length() && s.charAt(pos) == '[') {
                pos++;
                String id = sdName();
                if (id == null) {
                    return null;
                }
                List<SdParam> params = new ArrayList<>();
                while (pos < s.length() && s.charAt(pos) == ' ') {
                    pos++;
                    String name = sdName();
                    if (name == null || !s.startsWith("=\"", pos)) {
                        return null;
                    }
                    pos += 2;
                    String value = paramValue();
                    if (value == null) {
                        return null;
                    }
                    params.add(new SdParam(name, value));
                }
                if (pos >= s.length() || s.charAt(pos) != ']') {
                    return null;
                }
                pos++;
                elements.add(new SdElement(id, params));
            }
            return elements.isEmpty() ? null : elements;
        }

        /** SD-NAME: 1-32 printable US-ASCII except {@code = SP ] "}. */
        private String sdName() {
            int end = pos;
            while (end < s.length()) {
                char c = s.charAt(end);
                if (c < 33 || c > 126 || c == '=' || c == ']' || c == '"') {
                    break;
                }
                end++;
            }
            if (end == pos || end - pos > MAX_SD_NAME) {
                return null;
            }
            String name = s.substring(pos, end);
            pos = end;
            return name;
        }

        /** PARAM-VALUE up to the closing quote, unescaping {@code \" \\ \]}; other backslashes stay. */
        private String paramValue() {
            StringBuilder b = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\' && pos < s.length()) {
                    char next = s.charAt(pos);
                    if (next == '"' || next == '\\' || next == ']') {
                        b.append(next);
                        pos++;
                        continue;
                    }
                }
                b.append(c);
            }
            return null;
        }

        private ParsedSyslog rfc3164(int facility, int severity) {
            String timestamp = timestamp3164();
            if (timestamp == null) {
                return null;
            }
            // HOSTNAME, unless the next word already is the tag ("host" is optional in practice).
            String hostname = null;
            int wordEnd = s.indexOf(' ', pos);
            if (wordEnd > pos) {
                String word = s.substring(pos, wordEnd);
                if (!word.endsWith(":") && word.indexOf('[') < 0 && printable(word)) {
                    hostname = word;
                    pos = wordEnd + 1;
                }
            }
            int tagEnd = pos;
            while (tagEnd < s.length()) {
                char c = s.charAt(tagEnd);
                if (c == '[' || c == ':' || c == ' ') {
                    break;
                }
                if (c < 33 || c > 126) {
                    return null;
                }
                tagEnd++;
            }
            if (tagEnd == pos) {
                return null;
            }
            String tag = s.substring(pos, tagEnd);
            pos = tagEnd;
            String procId = null;
            if (pos < s.length() && s.charAt(pos) == '[') {
                int close = s.indexOf(']', pos);
                if (close < 0 || !printable(s.substring(pos + 1, close))) {
                    return null;
                }
                procId = s.substring(pos + 1, close);
                pos = close + 1;
            }
            if (pos < s.length() && s.charAt(pos) == ':') {
                pos++;
            }
            if (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            } else if (pos < s.length()) {
                return null;
            }
            return new ParsedSyslog(SyslogFormat.RFC3164, facility, severity, 0, timestamp, hostname, tag,
                    procId == null || procId.isEmpty() ? null : procId, null, List.of(), message(pos));
        }

        /** The classic {@code Mmm dd hh:mm:ss} or an RFC 3339 timestamp, followed by SP. */
        private String timestamp3164() {
            int end = pos + CLASSIC_TIMESTAMP_LENGTH;
            if (end < s.length() && s.charAt(end) == ' '
                    && CLASSIC_TIMESTAMP.matcher(s.substring(pos, end)).matches()) {
                String t = s.substring(pos, end);
                pos = end + 1;
                return t;
            }
            end = s.indexOf(' ', pos);
            if (end < 0) {
                return null;
            }
            String t = s.substring(pos, end);
            try {
                OffsetDateTime.parse(t);
            } catch (DateTimeParseException e) {
                return null;
            }
            pos = end + 1;
            return t;
        }

        private String message(int from) {
            int start = from < s.length() && s.charAt(from) == BOM ? from + 1 : from;
            int end = s.length();
            if (end > start && s.charAt(end - 1) == '\n') {
                end--;
            }
            return s.substring(start, end);
        }

        private int digits(int from, int to) {
            int v = 0;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (!isDigit(c)) {
                    return -1;
                }
                v = v * 10 + (c - '0');
            }
            return v;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean printable(String t) {
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (c < 33 || c > 126) {
                    return false;
                }
            }
            return true;
        }

        private static String nil(String field) {
            return NILVALUE.equals(field) ? null : field;
        }
    }
}
