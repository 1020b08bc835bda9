package dev.sluice.transport.relp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RelpOffersTest {

    private static final String LIBRELP_OPEN =
            "relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog";
    /** Teragrep rlp_01 4.1.0's {@code open} data as captured on the wire: LF before each offer and at the end. */
    private static final String RLP01_OPEN = "\nrelp_version=0\nrelp_software=RLP-01\ncommands=syslog\n";

    @Test
    void parsesLibrelpOpenOffers() {
        RelpOffers offers = RelpOffers.parse(LIBRELP_OPEN);
        assertThat(offers.relpVersion()).hasValue(0);
        assertThat(offers.relpSoftware()).contains("librelp,1.11.0,http://librelp.adiscon.com");
        assertThat(offers.commands()).containsExactly("syslog");
        assertThat(offers.asMap().keySet()).containsExactly("relp_version", "relp_software", "commands");
    }

    @Test
    void formatsBackToTheSameText() {
        assertThat(RelpOffers.parse(LIBRELP_OPEN).format()).isEqualTo(LIBRELP_OPEN);
    }

    @Test
    void readsAbsentAndEmptyValuesAsEmpty() {
        RelpOffers offers = RelpOffers.parse("commands=\nfeature\nrelp_version=1");
        assertThat(offers.get("commands")).contains("");
        assertThat(offers.get("feature")).contains("");
        assertThat(offers.commands()).isEmpty();
        assertThat(offers.format()).isEqualTo("commands=\nfeature=\nrelp_version=1");
    }

    @Test
    void readsSeveralCommandsInOrder() {
        assertThat(RelpOffers.parse("commands=syslog,,eventlog").commands()).containsExactly("syslog", "eventlog");
    }

    @Test
    void keepsEqualsSignsInsideValue() {
        assertThat(RelpOffers.parse("x=a=b").get("x")).contains("a=b");
    }

    @Test
    void ignoresOneTrailingLf() {
        assertThat(RelpOffers.parse("relp_version=0\n")).isEqualTo(RelpOffers.parse("relp_version=0"));
    }

    @Test
    void readsEmptyTextAsNoOffers() {
        assertThat(RelpOffers.parse("")).isEqualTo(RelpOffers.empty());
        assertThat(RelpOffers.empty().relpVersion()).isEqualTo(OptionalInt.empty());
        assertThat(RelpOffers.empty().format()).isEmpty();
    }

    @Test
    void acceptsRlp01OpenWithLeadingLf() {
        RelpOffers offers = RelpOffers.parse(RLP01_OPEN);
        assertThat(offers.asMap()).containsExactly(entry("relp_version", "0"), entry("relp_software", "RLP-01"),
                entry("commands", "syslog"));
        assertThat(offers.format()).isEqualTo("relp_version=0\nrelp_software=RLP-01\ncommands=syslog");
        assertThat(offers.answerOpen(Set.of("syslog")).isOk()).isTrue();
    }

    @Test
    void skipsEmptyLinesAnywhere() {
        assertThat(RelpOffers.parse("relp_version=0\n\ncommands=syslog").asMap())
                .containsExactly(entry("relp_version", "0"), entry("commands", "syslog"));
        assertThat(RelpOffers.parse("\n\nrelp_version=0\n\n\ncommands=syslog\n\n"))
                .isEqualTo(RelpOffers.parse("relp_version=0\ncommands=syslog"));
    }

    @Test
    void readsOnlyLfsAsNoOffers() {
        assertThat(RelpOffers.parse("\n")).isEqualTo(RelpOffers.empty());
        assertThat(RelpOffers.parse("\n\n\n")).isEqualTo(RelpOffers.empty());
    }

    @Test
    void acceptsServerAnswerWithLfBeforeItsOffers() {
        RelpOffers accepted = RelpOffers.fromOpenResponse(
                RelpResponse.parse("200 OK\n\nrelp_version=0\nrelp_software=x\ncommands=syslog\n"));
        assertThat(accepted.relpVersion()).hasValue(0);
        assertThat(accepted.commands()).containsExactly("syslog");
    }

    @Test
    void stillRejectsEmptyNameAfterEmptyLine() {
        assertThatThrownBy(() -> RelpOffers.parse("\nrelp_version=0\n\n=syslog\n"))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("offer name: empty (expected: 1-32 octets)");
    }

    @Test
    void stillRejectsNameRepeatedAcrossEmptyLine() {
        assertThatThrownBy(() -> RelpOffers.parse("\nrelp_version=0\n\nrelp_version=1\n"))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("offer: 'relp_version' repeated (expected: once)");
    }

    @Test
    void rejectsEmptyName() {
        assertThatThrownBy(() -> RelpOffers.parse("=0")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("offer name: empty (expected: 1-32 octets)");
    }

    @Test
    void rejectsNameLongerThanThirtyTwoOctets() {
        assertThatThrownBy(() -> RelpOffers.parse("n".repeat(33) + "=1")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("offer name: 33 octets (expected: <= 32)");
    }

    @Test
    void rejectsValueLongerThan255Octets() {
        assertThatThrownBy(() -> RelpOffers.parse("x=a," + "v".repeat(256)))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("offer x: value of 256 octets (expected: <= 255)");
    }

    @Test
    void rejectsMoreThan64Values() {
        assertThatThrownBy(() -> RelpOffers.parse("commands=" + "c,".repeat(65)))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("offer commands: more than 64 values (expected: <= 64)");
    }

    @Test
    void rejectsRepeatedName() {
        assertThatThrownBy(() -> RelpOffers.parse("relp_version=0\nrelp_version=1"))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("offer: 'relp_version' repeated (expected: once)");
    }

    @Test
    void rejectsNonNumericVersion() {
        assertThatThrownBy(() -> RelpOffers.parse("relp_version=one")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("offer relp_version: 'one' (expected: 1-9 digits)");
    }

    @Test
    void rejectsEmptyVersion() {
        assertThatThrownBy(() -> RelpOffers.parse("relp_version")).isInstanceOf(RelpProtocolException.class)
                .hasMessage("offer relp_version: '' (expected: 1-9 digits)");
    }

    @Test
    void buildsOffersInGivenOrder() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("b", "2");
        map.put("a", "1");
        assertThat(RelpOffers.of(map).format()).isEqualTo("b=2\na=1");
        assertThatThrownBy(() -> RelpOffers.of(Map.of("x", "a\nb"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offer x: value contains LF (expected: none)");
    }

    @Test
    void offersVersionZeroSoftwareAndSyslogAsClient() {
        RelpOffers offers = RelpOffers.clientOffers();
        assertThat(offers.format()).startsWith("relp_version=0\nrelp_software=sluice").endsWith("\ncommands=syslog");
        assertThat(offers.relpVersion()).hasValue(RelpOffers.VERSION);
    }

    @Test
    void answersOpenWithOkAndAcceptedOffers() {
        RelpResponse answer = RelpOffers.parse(LIBRELP_OPEN).answerOpen(Set.of("syslog"));
        assertThat(answer.isOk()).isTrue();
        assertThat(answer.toFrameString()).startsWith("200 OK\nrelp_version=0\nrelp_software=sluice")
                .endsWith("\ncommands=syslog");
    }

    @Test
    void answersOpenWithOurVersionWhenClientOffersHigher() {
        RelpResponse answer = RelpOffers.parse("relp_version=1\ncommands=syslog").answerOpen(Set.of("syslog"));
        assertThat(RelpOffers.parse(answer.data().orElseThrow()).relpVersion()).hasValue(0);
    }

    @Test
    void answersOpenWithErrorWhenVersionMissing() {
        assertThat(RelpOffers.parse("commands=syslog").answerOpen(Set.of("syslog")))
                .isEqualTo(RelpResponse.error("required offer relp_version missing"));
    }

    @Test
    void answersOpenWithErrorWhenNoCommandInCommon() {
        assertThat(RelpOffers.parse("relp_version=0\ncommands=eventlog").answerOpen(Set.of("syslog")))
                .isEqualTo(RelpResponse.error("required command not supported by client"));
    }

    @Test
    void acceptsServerAnswerWithVersionZeroOrOne() {
        assertThat(RelpOffers.fromOpenResponse(RelpResponse.parse("200 OK\n" + LIBRELP_OPEN)).commands())
                .containsExactly("syslog");
        assertThat(RelpOffers.fromOpenResponse(RelpResponse.ok("relp_version=1")).relpVersion()).hasValue(1);
    }

    @Test
    void refusesServerAnswerWithOtherVersion() {
        assertThatThrownBy(() -> RelpOffers.fromOpenResponse(RelpResponse.ok("relp_version=2")))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("open: relp_version 2 (expected: 0 or 1)");
    }

    @Test
    void refusesServerAnswerWithoutVersion() {
        assertThatThrownBy(() -> RelpOffers.fromOpenResponse(RelpResponse.ok("commands=syslog")))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("open: no relp_version in the answer (expected: 0 or 1)");
    }

    @Test
    void refusesErrorAnswer() {
        assertThatThrownBy(() -> RelpOffers.fromOpenResponse(RelpResponse.error("error 10003 on connect")))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("open: refused with 500 error 10003 on connect (expected: 200)");
    }

    @Test
    void completesHandshakeBetweenOurClientAndOurServer() {
        RelpOffers client = RelpOffers.clientOffers();
        RelpOffers accepted = RelpOffers.fromOpenResponse(
                RelpResponse.parse(RelpOffers.parse(client.format()).answerOpen(Set.of("syslog")).toFrame(1)));
        assertThat(accepted.commands()).containsExactly("syslog");
        assertThat(accepted.relpVersion()).hasValue(0);
    }
}
