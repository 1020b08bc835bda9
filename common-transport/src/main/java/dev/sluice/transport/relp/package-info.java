/**
 * RELP, the Reliable Event Logging Protocol, as rsyslog's librelp speaks it.
 *
 * <p>Specification: <a href="https://github.com/rsyslog/librelp/blob/master/doc/relp.md">librelp
 * {@code doc/relp.md}</a>; where the text and librelp differ, librelp (and so rsyslog) wins.
 *
 * <h2>Framing</h2>
 * <pre>
 * RELP-FRAME = TXNR SP COMMAND SP DATALEN [SP DATA] LF
 * TXNR       = 1*9DIGIT        ; 0 for hints (serverclose), else 1..999999999, then back to 1
 * COMMAND    = 1*32ALPHA       ; open, syslog, close, rsp, serverclose
 * DATALEN    = 1*9DIGIT        ; octets of DATA; checked against the session limit (128 KiB) before use
 * DATA       = DATALEN octets  ; binary-safe; present, with its SP, only if DATALEN &gt; 0
 * </pre>
 * A frame without data is {@code "1 close 0\n"}: no SP after the 0. librelp reads any SP there as a bad
 * trailer.
 *
 * <h2>Responses and session</h2>
 * <ul>
 *   <li>{@code rsp} data is {@code CODE SP TEXT [LF DATA]}; 200 is success, 500 an error
 *       ({@code "200 OK"}, {@code "500 message rejected"}); see {@link dev.sluice.transport.relp.RelpResponse}.</li>
 *   <li>{@code open} carries the client's offers ({@code relp_version=0}, {@code relp_software=...},
 *       {@code commands=syslog}); the server answers {@code "200 OK\n"} followed by the offers it accepts; see
 *       {@link dev.sluice.transport.relp.RelpOffers}.</li>
 *   <li>librelp answers {@code close} with an {@code rsp} without data ({@code "N rsp 0\n"}) and then closes.</li>
 *   <li>A server closing a session first sends the hint {@code "0 serverclose 0\n"}, which is not answered.</li>
 *   <li>A framing error closes the connection at once; unacknowledged frames are resent on the next session.</li>
 * </ul>
 *
 * <h2>Pieces</h2>
 * {@link dev.sluice.transport.relp.RelpFrame} (immutable frame), {@link dev.sluice.transport.relp.RelpFrameDecoder}
 * (strict, allocation-safe decoder), {@link dev.sluice.transport.relp.RelpFrameEncoder} (shared encoder, also
 * usable to batch frames into one buffer), {@link dev.sluice.transport.relp.RelpProtocolException}.
 */
package dev.sluice.transport.relp;
