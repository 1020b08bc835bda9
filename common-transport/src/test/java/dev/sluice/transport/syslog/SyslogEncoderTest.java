package dev.sluice.transport.syslog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SyslogEncoderTest {

    /** 1-, 2-, 3- and 4-octet characters, mixed. */
    private static final String MIXED = "a\u00e9\u20ac\uD83D\uDE00b\uD83D\uDE00\u20ac\u00e9cd\u00df\u4e2d\uD83C\uDF89z";

    private static SyslogMessage.Builder base() {
        return SyslogMessage.builder().timestamp(Instant.parse("2026-01-05T09:08:07.5Z"), ZoneOffset.ofHours(1))
                .facility(Facility.LOCAL0).severity(Severity.ERROR)
                .hostname("host").appName("app").procId("1").msgId("m");
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of(SyslogFormat.RFC5424, true),
                Arguments.of(SyslogFormat.RFC5424, false),
                Arguments.of(SyslogFormat.RFC3164, false));
    }

    private static SyslogEncoder encoder(SyslogFormat format, boolean bom, Framing framing, int max) {
        return SyslogEncoder.builder().format(format).bom(bom).framing(framing).maxMessageSize(max).build();
    }

    private static void assertValidUtf8(byte[] bytes) {
        try {
            UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new AssertionError("not valid UTF-8: " + Arrays.toString(bytes), e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Octets of {@code s} as the encoder counts them: an LF/CR/NUL costs 4 when {@code escaped}. */
    private static int cost(String s, boolean escaped) {
        int n = s.getBytes(UTF_8).length;
        if (escaped) {
            n += 3 * (int) s.chars().filter(c -> c == '\n' || c == '\r' || c == 0).count();
        }
        return n;
    }

    private static String escape(String s) {
        return s.replace("\n", "#012").replace("\r", "#015").replace("\u0000", "#000");
    }

    /**
     * For every limit from 1 to past the full length: the exact expected bytes, computed independently from the
     * characters of the text; always valid UTF-8; at most N octets whenever the header fits.
     */
    private static void checkEveryCut(SyslogFormat format, boolean bom, Framing framing, String text) {
        boolean escaped = framing == Framing.LF;
        SyslogMessage message = base().message(text).build();
        SyslogFormatter formatter = encoder(format, bom, null, 1).formatter();
        SyslogBuffer buffer = new SyslogBuffer();
        int headerEnd = formatter.formatTo(message, buffer);
        byte[] header = Arrays.copyOf(buffer.array(), headerEnd);
        byte[] prefix = format == SyslogFormat.RFC5424 && bom
                ? new byte[] {' ', (byte) 0xEF, (byte) 0xBB, (byte) 0xBF} : new byte[] {' '};
        byte[] full = concat(concat(header, prefix), escape(text).getBytes(UTF_8));
        int[] codePoints = text.codePoints().toArray();

        for (int max = 1; max <= full.length + 3; max++) {
            SyslogEncoder.Encoded encoded = encoder(format, bom, framing, max).encode(message);
            byte[] payload = encoded.payload();
            String context = format + " bom=" + bom + " framing=" + framing + " max=" + max;

            // Largest number of whole characters that fit after header and prefix.
            int fitting = 0;
            int used = header.length + prefix.length;
            while (fitting < codePoints.length) {
                int c = cost(new String(codePoints, fitting, 1), escaped);
                if (used + c > max) {
                    break;
                }
                used += c;
                fitting++;
            }
            byte[] expected = fitting == 0 ? header
                    : concat(concat(header, prefix), escape(new String(codePoints, 0, fitting)).getBytes(UTF_8));

            assertThat(payload).as(context).isEqualTo(expected);
            assertThat(encoded.truncated()).as(context).isEqualTo(max < full.length);
            assertValidUtf8(payload);
            if (max >= header.length) {
                assertThat(payload.length).as(context).isLessThanOrEqualTo(max);
            }
            if (escaped) {
                assertThat(payload).as(context).doesNotContain((byte) '\n', (byte) '\r', (byte) 0);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void cutsAtEveryLimitOnAUtf8BoundaryWithoutFraming(SyslogFormat format, boolean bom) {
        checkEveryCut(format, bom, null, MIXED);
    }

    @ParameterizedTest
    @MethodSource("formats")
    void cutsAtEveryLimitOnAUtf8BoundaryWithOctetCounting(SyslogFormat format, boolean bom) {
        checkEveryCut(format, bom, Framing.OCTET_COUNTING, MIXED);
    }

    @ParameterizedTest
    @MethodSource("formats")
    void cutsAtEveryLimitCountingEscapesWithLfFraming(SyslogFormat format, boolean bom) {
        checkEveryCut(format, bom, Framing.LF, "a\n\u00e9\r\n\u20ac\u0000\uD83D\uDE00\nz\n\n" + MIXED);
    }

    @Test
    void keepsAHeaderLongerThanTheLimitWholeAndDropsTheMessage() {
        SyslogEncoder encoder = encoder(SyslogFormat.RFC5424, true, null, 10);
        SyslogEncoder.Encoded encoded = encoder.encode(base().message("hello").build());
        assertThat(new String(encoded.payload(), UTF_8)).isEqualTo("<131>1 2026-01-05T10:08:07.500+01:00 host app 1 m -");
        assertThat(encoded.truncated()).isTrue();
    }

    @Test
    void keepsStructuredDataWholeAsPartOfTheHeader() {
        SyslogMessage m = base().addSdElement(SdElement.of("meta", "sequenceId", "12345")).message("hello").build();
        String header = "<131>1 2026-01-05T10:08:07.500+01:00 host app 1 m [meta sequenceId=\"12345\"]";
        SyslogEncoder.Encoded encoded = encoder(SyslogFormat.RFC5424, false, null, header.length() + 3).encode(m);
        assertThat(new String(encoded.payload(), UTF_8)).isEqualTo(header + " he");
        encoded = encoder(SyslogFormat.RFC5424, false, null, header.length() - 5).encode(m);
        assertThat(new String(encoded.payload(), UTF_8)).isEqualTo(header);
    }

    @Test
    void dropsTheBomWithTheMessageWhenNoCharacterFits() {
        SyslogMessage m = base().message("\uD83D\uDE00").build();
        String header = "<131>1 2026-01-05T10:08:07.500+01:00 host app 1 m -";
        for (int max = header.length(); max < header.length() + 8; max++) {
            byte[] payload = encoder(SyslogFormat.RFC5424, true, null, max).encode(m).payload();
            assertThat(new String(payload, UTF_8)).isEqualTo(header);
        }
        assertThat(encoder(SyslogFormat.RFC5424, true, null, header.length() + 8).encode(m).payload())
                .hasSize(header.length() + 8);
    }

    @Test
    void escapesLineBreaksInStructuredDataForLfFraming() {
        SyslogMessage m = base().addSdElement(SdElement.of("x@1", "v", "a\nb")).message("c\rd").build();
        byte[] payload = encoder(SyslogFormat.RFC5424, false, Framing.LF, 8192).encode(m).payload();
        assertThat(new String(payload, UTF_8)).endsWith(" m [x@1 v=\"a#012b\"] c#015d");
        assertThat(Framing.LF.frame(payload)).isEqualTo(concat(payload, new byte[] {'\n'}));
    }

    @Test
    void leavesLineBreaksAloneWithoutLfFraming() {
        SyslogMessage m = base().message("a\nb").build();
        for (Framing framing : new Framing[] {null, Framing.OCTET_COUNTING}) {
            byte[] payload = encoder(SyslogFormat.RFC5424, false, framing, 8192).encode(m).payload();
            assertThat(new String(payload, UTF_8)).endsWith(" - a\nb");
        }
    }

    @Test
    void reportsNoTruncationForAMessageThatFitsExactly() {
        SyslogMessage m = base().message("hello").build();
        byte[] full = new Rfc5424Formatter().format(m);
        SyslogEncoder.Encoded encoded = encoder(SyslogFormat.RFC5424, true, null, full.length).encode(m);
        assertThat(encoded.payload()).isEqualTo(full);
        assertThat(encoded.truncated()).isFalse();
        assertThat(encoder(SyslogFormat.RFC5424, true, null, full.length - 1).encode(m).truncated()).isTrue();
    }

    @Test
    void encodeToAppendsAfterWhatIsInTheBufferAndReportsTruncation() {
        SyslogEncoder encoder = encoder(SyslogFormat.RFC3164, false, Framing.LF, 40);
        SyslogBuffer buffer = new SyslogBuffer();
        buffer.write(new byte[] {'\n', '\n'});
        boolean truncated = encoder.encodeTo(base().message("x".repeat(100)).build(), buffer);
        assertThat(truncated).isTrue();
        assertThat(buffer.size()).isEqualTo(2 + 40);
        // What was in the buffer before is neither escaped nor counted.
        assertThat(buffer.array()[0]).isEqualTo((byte) '\n');
        assertThat(new String(buffer.toByteArray(2), UTF_8)).startsWith("<131>Jan  5 10:08:07 host app[1]: xxx");
    }

    @Test
    void hasDocumentedDefaults() {
        assertThat(SyslogEncoder.DEFAULT_MAX_MESSAGE_SIZE).isEqualTo(8192);
        assertThat(SyslogEncoder.DEFAULT_MAX_DATAGRAM_MESSAGE_SIZE).isEqualTo(2048);
        SyslogEncoder encoder = SyslogEncoder.builder().build();
        assertThat(encoder.maxMessageSize()).isEqualTo(8192);
        assertThat(encoder.framing()).isNull();
        assertThat(encoder.formatter()).isInstanceOf(Rfc5424Formatter.class);
        assertThat(((Rfc5424Formatter) encoder.formatter()).bom()).isTrue();
        SyslogEncoder legacy = SyslogEncoder.builder().format(SyslogFormat.RFC3164).rfc3339Timestamp(true).build();
        assertThat(((Rfc3164Formatter) legacy.formatter()).rfc3339Timestamp()).isTrue();
    }

    @Test
    void rejectsALimitBelowOneOctet() {
        assertThatThrownBy(() -> SyslogEncoder.builder().maxMessageSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxMessageSize: 0 (expected: >= 1)");
    }

    @Test
    void encodeToAllocatesNothingPerEventOnceTheBufferHasGrown() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        SyslogMessage m = base().addSdElement(SdElement.of("meta", "sequenceId", "1"))
                .message("hello \u00e9\u20ac\uD83D\uDE00 line\nbreak " + "x".repeat(300)).build();
        SyslogEncoder encoder = encoder(SyslogFormat.RFC5424, true, Framing.LF, 200);
        SyslogBuffer buffer = new SyslogBuffer();
        for (int i = 0; i < 20_000; i++) {
            buffer.reset();
            encoder.encodeTo(m, buffer);
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++) {
            buffer.reset();
            encoder.encodeTo(m, buffer);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        // 10,000 events: anything per event would be at least 160 KB; allow for the measurement itself.
        assertThat(allocated).isLessThan(10_000);
    }

    /**
     * A text longer than {@code maxMessageSize} chars is cut to {@code maxMessageSize + 1} chars before it is
     * encoded: the payload is exactly the one its full encoding gives (compared with the text of
     * {@code maxMessageSize + 1} chars, which is encoded whole), for every format, with and without LF escaping, and
     * with 1- to 4-octet characters and a surrogate pair across the point of the early cut.
     */
    @ParameterizedTest
    @MethodSource("formats")
    void aLongTextIsCutBeforeItIsEncodedToTheSamePayload(SyslogFormat format, boolean bom) {
        for (Framing framing : new Framing[] {null, Framing.LF}) {
            for (int max : new int[] {40, 41, 64, 97, 200}) {
                SyslogEncoder e = encoder(format, bom, framing, max);
                for (String unit : new String[] {"x", "\u00e9", "\u20ac", "\uD83D\uDE00", MIXED, "a\nb\r", "\u0000"}) {
                    StringBuilder b = new StringBuilder();
                    for (int shift = 0; b.length() < 3 * max + 10; shift++) {
                        b.append(unit);
                    }
                    for (int skew = 0; skew < 3; skew++) {
                        String text = "z".repeat(skew) + b;
                        String atEarlyCut = text.substring(0, max + 1);
                        SyslogMessage whole = base().message(text).build();
                        SyslogMessage reference = base().message(atEarlyCut).build();
                        SyslogBuffer got = new SyslogBuffer();
                        SyslogBuffer expected = new SyslogBuffer();
                        boolean cut = e.encodeTo(whole, 7, got);
                        boolean referenceCut = e.encodeTo(reference, 7, expected);
                        assertThat(got.toByteArray()).as("%s bom=%s %s max=%d unit=%s skew=%d", format, bom, framing,
                                max, unit, skew).isEqualTo(expected.toByteArray());
                        assertThat(cut).isTrue();
                        assertThat(referenceCut).isTrue();
                    }
                }
            }
        }
    }

    /** A 20-million-char message kept to 8 KiB is not encoded whole: the buffer stays small. */
    @Test
    void aHugeTextDoesNotGrowTheBufferBeyondWhatIsSent() {
        SyslogEncoder e = encoder(SyslogFormat.RFC5424, true, null, SyslogEncoder.DEFAULT_MAX_MESSAGE_SIZE);
        SyslogBuffer out = new SyslogBuffer();
        assertThat(e.encodeTo(base().message("\u20ac".repeat(20_000_000)).build(), 7, out)).isTrue();
        assertThat(out.size()).isLessThanOrEqualTo(SyslogEncoder.DEFAULT_MAX_MESSAGE_SIZE);
        assertThat(out.array().length).isLessThan(64 * 1024);
    }

    /** {@link SyslogBuffer#shrink()} gives back an array one long event grew, and keeps an ordinary one. */
    @Test
    void aBufferShrinksBackAfterALongEventOnly() {
        SyslogBuffer out = new SyslogBuffer();
        out.write(new byte[1000]);
        byte[] ordinary = out.array();
        out.shrink();
        assertThat(out.size()).isZero();
        assertThat(out.array()).isSameAs(ordinary);
        out.write(new byte[SyslogBuffer.MAX_KEPT_CAPACITY + 1]);
        out.shrink();
        assertThat(out.size()).isZero();
        assertThat(out.array().length).isEqualTo(SyslogBuffer.DEFAULT_INITIAL_CAPACITY);
        out.write(new byte[] {1, 2, 3});
        assertThat(out.toByteArray()).containsExactly(1, 2, 3);
    }
}
