package dev.sluice.transport.relp;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke the RELP framing rules. The message says what was found and what was expected, for example
 * {@code "datalen: 200000 (expected: <= 131072)"}. The session that raised it is closed.
 */
public class RelpProtocolException extends DecoderException {

    public RelpProtocolException(String message) {
        super(message);
    }

    public RelpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
