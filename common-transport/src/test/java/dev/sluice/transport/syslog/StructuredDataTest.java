package dev.sluice.transport.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StructuredDataTest {

    @ParameterizedTest
    @ValueSource(strings = {"bad id", "a=b", "a]b", "a\"b", "caf\u00e9", "tab\there", "del\u007f", "",
            "abcdefghijklmnopqrstuvwxyz0123456"})
    void rejectsAnInvalidSdId(String id) {
        assertThatThrownBy(() -> SdElement.of(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SD-ID: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user id", "k=v", "x]", "q\"", "\u00fcber", ""})
    void rejectsAnInvalidParamName(String name) {
        assertThatThrownBy(() -> SdElement.of("meta", name, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("PARAM-NAME: ");
    }

    @Test
    void rejectionSaysWhichCharacterAndWhere() {
        assertThatThrownBy(() -> SdElement.of("ex ample"))
                .hasMessage("SD-ID: 'ex ample' has U+0020 at index 2 (expected: printable US-ASCII 33-126 except "
                        + "'=', ']', '\"')");
        assertThatThrownBy(() -> SdElement.of("a".repeat(33)))
                .hasMessage("SD-ID: '" + "a".repeat(33) + "' is 33 characters long (expected: <= 32)");
    }

    @Test
    void acceptsTheLongestAndOddestValidNames() {
        String longest = "a".repeat(32);
        assertThat(SdElement.of(longest).id()).isEqualTo(longest);
        assertThat(SdElement.of("exampleSDID@32473", "!#$%&'()*+,-./:;<>?@[\\^_`{|}~", "v").params())
                .extracting(SdParam::name).containsExactly("!#$%&'()*+,-./:;<>?@[\\^_`{|}~");
    }

    @Test
    void sanitizeNameReplacesForbiddenCharactersAndCutsTo32() {
        assertThat(SdElement.sanitizeName("user id=1")).isEqualTo("user_id_1");
        assertThat(SdElement.sanitizeName("a]b\"c")).isEqualTo("a_b_c");
        assertThat(SdElement.sanitizeName("caf\u00e9")).isEqualTo("caf_");
        assertThat(SdElement.sanitizeName("x\uD83D\uDE00y")).isEqualTo("x_y");
        assertThat(SdElement.sanitizeName("k".repeat(40))).isEqualTo("k".repeat(32));
        assertThat(SdElement.sanitizeName(null)).isEqualTo("_");
        assertThat(SdElement.sanitizeName("")).isEqualTo("_");
        assertThat(SdElement.sanitizeName("already.valid@123")).isEqualTo("already.valid@123");
        assertThat(SdElement.isValidName(SdElement.sanitizeName(" \t=]\"\u00e9".repeat(20)))).isTrue();
    }

    @Test
    void rejectsADuplicateSdId() {
        SdElement a = SdElement.of("origin", "ip", "192.0.2.1");
        SdElement b = SdElement.of("origin", "ip", "192.0.2.2");
        assertThatThrownBy(() -> StructuredData.of(a, b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SD-ID: 'origin' appears twice");
        assertThatThrownBy(() -> StructuredData.of(a).with(b)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyslogMessage.builder().addSdElement(a).addSdElement(b))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void allowsARepeatedParamNameAsTheRfcDoes() {
        SdElement e = SdElement.of("origin", "ip", "192.0.2.1", "ip", "192.0.2.2");
        assertThat(e.params()).hasSize(2);
        assertThat(e.param("ip")).contains("192.0.2.1");
    }

    @Test
    void keepsElementsInTheirOrder() {
        StructuredData sd = StructuredData.of(SdElement.of("b@1"), SdElement.of("a@1")).with(SdElement.of("c@1"));
        assertThat(sd.elements()).extracting(SdElement::id).containsExactly("b@1", "a@1", "c@1");
        assertThat(sd.element("a@1")).isPresent();
        assertThat(StructuredData.of(List.of())).isSameAs(StructuredData.EMPTY);
    }

    @Test
    void builderAddsElementsInOrderAndNullStructuredDataMeansNone() {
        SyslogMessage m = SyslogMessage.builder().timestamp(Instant.EPOCH)
                .addSdElement(SdElement.of("x@1")).addSdElement(SdElement.of("y@1")).build();
        assertThat(m.structuredData().elements()).extracting(SdElement::id).containsExactly("x@1", "y@1");
        assertThat(SyslogMessage.builder().timestamp(Instant.EPOCH).structuredData(null).build().structuredData())
                .isSameAs(StructuredData.EMPTY);
    }

    @Test
    void rejectsAnOddNumberOfNameValueStrings() {
        assertThatThrownBy(() -> SdElement.of("meta", "a", "1", "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name, value pairs");
    }

    @Test
    void messageWithoutTimestampIsRefused() {
        assertThatThrownBy(() -> SyslogMessage.builder().build()).isInstanceOf(NullPointerException.class)
                .hasMessage("timestamp");
    }
}
