package dev.sluice.transport.relp;

/** The command names of RELP version 0/1 (librelp {@code doc/relp.md}). */
public final class RelpCommands {

    /** Client opens a session; data carries its offers. */
    public static final String OPEN = "open";
    /** Client closes a session. */
    public static final String CLOSE = "close";
    /** Client sends one syslog message. */
    public static final String SYSLOG = "syslog";
    /** Response to a command, with the same TXNR. */
    public static final String RSP = "rsp";
    /** Server tells the client it is closing the session (TXNR 0, no response expected). */
    public static final String SERVERCLOSE = "serverclose";

    private RelpCommands() {
    }
}
