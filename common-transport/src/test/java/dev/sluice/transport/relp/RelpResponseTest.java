package dev.sluice.transport.relp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelpResponseTest {

    @Test
    void parsesOk() {
        RelpResponse response = RelpResponse.parse("200 OK");
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.isOk()).isTrue();
        assertThat(response.text()).isEqualTo("OK");
        assertThat(response.data()).isEmpty();
        assertThat(response).isEqualTo(RelpResponse.ok());
    }

    @Test
    void okFrameIsTheRspOf200OkAndItsDataCannotBeChangedThroughIt() {
        RelpFrame frame = RelpResponse.okFrame(42);
        assertThat(frame).isEqualTo(RelpFrame.of(42, RelpCommands.RSP, "200 OK"));
        assertThat(RelpResponse.isOk(frame)).isTrue();
        frame.data()[0] = 'X'; // a copy: the shared array stays as it is
        assertThat(RelpResponse.okFrame(43).dataAsString()).isEqualTo("200 OK");
    }

    @Test
    void parsesErrorWithText() {
        RelpResponse response = RelpResponse.parse("500 message rejected");
        assertThat(response.code()).isEqualTo(500);
        assertThat(response.isOk()).isFalse();
        assertThat(response.text()).isEqualTo("message rejected");
        assertThat(response).isEqualTo(RelpResponse.error("message rejected"));
    }

    @Test
    void parsesOpenAnswerWithDataLines() {
        RelpResponse response = RelpResponse.parse("200 OK\nrelp_version=0\nrelp_software=librelp,1.2.3\ncommands=syslog");
        assertThat(response.isOk()).isTrue();
        assertThat(response.data()).contains("relp_version=0\nrelp_software=librelp,1.2.3\ncommands=syslog");
        assertThat(response.dataLines()).containsExactly("relp_version=0", "relp_software=librelp,1.2.3",
                "commands=syslog");
    }

    @Test
    void keepsEmptyDataAfterLfApartFromNoData() {
        assertThat(RelpResponse.parse("200 OK\n").data()).isEqualTo(Optional.of(""));
        assertThat(RelpResponse.parse("200 OK\n").dataLines()).isEmpty();
        assertThat(RelpResponse.parse("200 OK").data()).isEqualTo(Optional.empty());
    }

    @Test
    void parsesEmptyText() {
        assertThat(RelpResponse.parse("500 ").text()).isEmpty();
    }

    @Test
    void parsesRspFrame() {
        assertThat(RelpResponse.parse(RelpFrame.of(4, "rsp", "200 OK"))).isEqualTo(RelpResponse.ok());
    }

    @Test
    void formatsWireForm() {
        assertThat(RelpResponse.ok().toFrameString()).isEqualTo("200 OK");
        assertThat(RelpResponse.error("message rejected").toFrameData())
                .isEqualTo("500 message rejected".getBytes(UTF_8));
        assertThat(RelpResponse.ok("relp_version=0").toFrameString()).isEqualTo("200 OK\nrelp_version=0");
        assertThat(RelpResponse.of(7, "odd").toFrameString()).isEqualTo("007 odd");
    }

    @Test
    void buildsRspFrameWithTxnr() {
        assertThat(RelpResponse.ok().toFrame(12)).isEqualTo(RelpFrame.of(12, "rsp", "200 OK"));
    }

    @Test
    void roundTripsThroughWireForm() {
        for (RelpResponse response : List.of(RelpResponse.ok(), RelpResponse.error("message rejected"),
                RelpResponse.ok("a=1\nb="), RelpResponse.of(200, "", ""), RelpResponse.of(0, "zero"))) {
            assertThat(RelpResponse.parse(response.toFrameString())).isEqualTo(response);
        }
    }

    @Test
    void rejectsEmptyResponse() {
        assertThatThrownBy(() -> RelpResponse.parse("")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("rsp: empty (expected: 3-digit code, SP, text)");
    }

    @Test
    void rejectsCloseAnswerWithoutCodeWhenParsed() {
        // librelp answers close with "N rsp 0": callers look at dataLength() before parsing.
        assertThatThrownBy(() -> RelpResponse.parse(RelpFrame.of(3, "rsp"))).isInstanceOf(RelpProtocolException.class)
                .hasMessage("rsp: empty (expected: 3-digit code, SP, text)");
    }

    @Test
    void rejectsTwoDigitCode() {
        assertThatThrownBy(() -> RelpResponse.parse("20 OK")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("rsp code: '20 ' (expected: 3 digits)");
    }

    @Test
    void rejectsFourDigitCode() {
        assertThatThrownBy(() -> RelpResponse.parse("2000 OK")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("rsp: '0' after code 200 (expected: SP)");
    }

    @Test
    void rejectsCodeWithLetter() {
        assertThatThrownBy(() -> RelpResponse.parse("2x0 OK")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("rsp code: '2x0' (expected: 3 digits)");
    }

    @Test
    void rejectsCodeWithoutText() {
        assertThatThrownBy(() -> RelpResponse.parse("200")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("rsp: end of data after code 200 (expected: SP)");
    }

    @Test
    void rejectsCodeFollowedByLf() {
        assertThatThrownBy(() -> RelpResponse.parse("200\nOK")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("rsp: '\\n' after code 200 (expected: SP)");
    }

    @Test
    void rejectsFrameThatIsNoRsp() {
        assertThatThrownBy(() -> RelpResponse.parse(RelpFrame.of(1, "syslog", "200 OK")))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("rsp: command 'syslog' (expected: rsp)");
    }

    @Test
    void refusesToBuildInvalidResponses() {
        assertThatThrownBy(() -> RelpResponse.of(1000, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("code: 1000 (expected: 0-999)");
        assertThatThrownBy(() -> RelpResponse.error("two\nlines")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text: contains LF (expected: none)");
        assertThatThrownBy(() -> RelpResponse.error("x".repeat(81))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("text: 81 octets (expected: <= 80)");
    }

    @Test
    void theOctetCheckForOkAgreesWithParsingOnEveryKindOfAnswer() {
        for (String data : List.of("200 OK", "200 ", "200 OK\ncommands=syslog", "200 anything at all", "500 error",
                "200", "2000 OK", "20 OK", "", "201 OK", "x00 OK", "200\tOK", "200OK")) {
            RelpFrame rsp = RelpFrame.of(7, RelpCommands.RSP, data);
            boolean parsedOk;
            try {
                parsedOk = RelpResponse.parse(rsp).isOk();
            } catch (RelpProtocolException e) {
                parsedOk = false;
            }
            assertThat(RelpResponse.isOk(rsp)).as("'%s'", data).isEqualTo(parsedOk);
        }
        assertThat(RelpResponse.isOk(RelpFrame.of(7, RelpCommands.SYSLOG, "200 OK"))).as("not an rsp").isFalse();
    }
}
