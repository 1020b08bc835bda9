package dev.sluice.relp.server;

/** Which header layout {@link SyslogParser} recognised in a received message. */
public enum SyslogFormat {
    /** RFC 5424: {@code <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]}. */
    RFC5424,
    /**
     * RFC 3164 ("BSD syslog"): {@code <PRI>TIMESTAMP HOSTNAME TAG[PID]: MSG}, with either the classic
     * {@code Mmm dd hh:mm:ss} timestamp or an RFC 3339 one (rsyslog's {@code RSYSLOG_ForwardFormat}).
     */
    RFC3164,
    /** Neither: the whole input is kept as the message. */
    UNPARSED
}
