package dev.sluice.relp.server.rsyslog;

import java.nio.file.Path;

/**
 * rsyslog 8.2302 config snippets proven by the tests in this package; concatenate them into the body of
 * {@link Rsyslogd#create(Path, String)}. Each {@code module(load=…)} may appear only once per config, so
 * the module loads are separate methods from the inputs and actions.
 */
public final class RsyslogConfigs {

    /** Template that writes the parsed fields, {@code |}-separated, one message per line. */
    public static final String FIELDS_TEMPLATE = "sluiceFields";
    /** Template that writes the message exactly as received ({@code %rawmsg%}), one per line. */
    public static final String RAW_TEMPLATE = "sluiceRaw";
    /** Template that writes only the MSG part, one per line. */
    public static final String MSG_TEMPLATE = "sluiceMsg";

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

    /** (f) UDP syslog input on 127.0.0.1. */
    public static String imudp(int port, String ruleset) {
        return "module(load=\"imudp\")\n"
                + "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" + port + "\"" + ruleset(ruleset) + ")\n";
    }

    /** Writes every message of {@code ruleset} to {@code file} with {@code template}. */
    public static String fileRuleset(String ruleset, Path file, String template) {
        return "ruleset(name=\"" + ruleset + "\") {\n"
                + "    action(type=\"omfile\" file=\"" + file + "\" template=\"" + template + "\")\n"
                + "}\n";
    }

    static String ruleset(String ruleset) {
        return ruleset == null ? "" : " ruleset=\"" + ruleset + "\"";
    }
}
