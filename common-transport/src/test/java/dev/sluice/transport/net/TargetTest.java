package dev.sluice.transport.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.transport.net.Target.Scheme;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {

    @Test
    void parsesEverySchemeWithItsDefaultPort() {
        assertThat(Target.parse("udp://logs")).isEqualTo(new Target(Scheme.UDP, "logs", 514));
        assertThat(Target.parse("tcp://logs")).isEqualTo(new Target(Scheme.TCP, "logs", 514));
        assertThat(Target.parse("tls://logs")).isEqualTo(new Target(Scheme.TLS, "logs", 6514));
        assertThat(Target.parse("relp://logs:2514")).isEqualTo(new Target(Scheme.RELP, "logs", 2514));
        assertThat(Target.parse(" RELP+TLS://logs.example.com:2514 "))
                .isEqualTo(new Target(Scheme.RELP_TLS, "logs.example.com", 2514));
    }

    @Test
    void parsesIpv6LiteralsInBrackets() {
        assertThat(Target.parse("udp://[2001:db8::1]")).isEqualTo(new Target(Scheme.UDP, "2001:db8::1", 514));
        Target t = Target.parse("relp://[::1]:2514");
        assertThat(t.host()).isEqualTo("::1");
        assertThat(t.port()).isEqualTo(2514);
        assertThat(t).hasToString("relp://[::1]:2514");
    }

    @Test
    void printsInConfigurationForm() {
        assertThat(Target.parse("tls://127.0.0.1")).hasToString("tls://127.0.0.1:6514");
    }

    @Test
    void requiresAPortForRelp() {
        assertThatThrownBy(() -> Target.parse("relp://logs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("target: 'relp://logs': a port is required for relp")
                .hasMessageContaining("expected: udp://host[:port]");
        assertThatThrownBy(() -> Target.parse("relp+tls://[::1]"))
                .hasMessageContaining("a port is required for relp+tls");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "logs:514", "http://logs", "tcp://", "tcp://:514", "tcp://logs:0", "tcp://logs:65536",
        "tcp://logs:x", "tcp://logs:514/path", "tcp://user@logs", "tcp://::1", "tcp://[::1", "tcp://[logs]:514",
        "tcp://[::1]x", "tcp://lo gs"})
    void rejectsMalformedTargetsNamingTheOptionAndValue(String value) {
        assertThatThrownBy(() -> Target.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("target: '" + value + "': ")
                .hasMessageContaining("relp+tls://host:port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls://127.1:6514", "tls://2130706433:6514", "tls://0x7f.1", "tls://127.0.0.01",
        "tls://127.000.000.001", "tls://127.0.0.256", "tls://1.2.3.4.5", "tls://127.0.0.1.", "tls://...",
        "tls://logs.example.123", "relp://10.0.1:2514"})
    void rejectsNumericHostsThatAreNotACanonicalDottedQuad(String value) {
        // The JDK resolves 127.1 as 127.0.0.1, while TLS would send it as SNI and check it as a DNS name.
        assertThatThrownBy(() -> Target.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("target: '" + value + "': host '")
                .hasMessageContaining("four numbers 0-255 without leading zeros")
                .hasMessageContaining("relp+tls://host:port");
    }

    @Test
    void acceptsDottedQuadsAndNamesWithDigits() {
        assertThat(Target.parse("tls://0.0.0.0").host()).isEqualTo("0.0.0.0");
        assertThat(Target.parse("tls://255.255.255.255").host()).isEqualTo("255.255.255.255");
        assertThat(Target.parse("tls://10.20.0.100").host()).isEqualTo("10.20.0.100");
        assertThat(Target.parse("tls://123.example.com").host()).isEqualTo("123.example.com");
        assertThat(Target.parse("tls://logs-2.example.com.").host()).isEqualTo("logs-2.example.com.");
        assertThat(Target.parse("tls://1e100.net").host()).isEqualTo("1e100.net");
    }

    @Test
    void parsesAFailoverListInOrder() {
        assertThat(Target.parseList("relp://a:2514, relp://b:2514,udp://c")).containsExactly(
                new Target(Scheme.RELP, "a", 2514), new Target(Scheme.RELP, "b", 2514),
                new Target(Scheme.UDP, "c", 514));
    }

    @Test
    void rejectsEmptyListsAndEntries() {
        assertThatThrownBy(() -> Target.parseList(" ")).hasMessageStartingWith("target: ' ': empty");
        assertThatThrownBy(() -> Target.parseList("relp://a:1,,relp://b:2"))
                .hasMessageContaining("empty entry in the list");
        assertThatThrownBy(() -> Target.parseList("relp://a:1,relp://b"))
                .hasMessageStartingWith("target: 'relp://b': a port is required");
    }
}
