package dev.sluice.transport.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelpTransportTxnrTest {

    @Test
    void txnrWrapsFromItsNineDigitMaximumToOneAndNeverUsesZero() {
        assertThat(RelpTransport.nextTxnr(0)).isEqualTo(1);
        assertThat(RelpTransport.nextTxnr(41)).isEqualTo(42);
        assertThat(RelpTransport.nextTxnr(999_999_998)).isEqualTo(999_999_999);
        assertThat(RelpTransport.nextTxnr(999_999_999)).isEqualTo(1);
    }
}
