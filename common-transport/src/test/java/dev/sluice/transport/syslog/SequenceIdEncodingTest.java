package dev.sluice.transport.syslog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@code [meta sequenceId="n"]} written while encoding (the engine's path) gives exactly the octets of adding that
 * element to the message and encoding it (what the engine did before, and what a reader expects).
 */
class SequenceIdEncodingTest {

    private static final Instant TIME = Instant.parse("2026-11-27T09:00:00.123456Z");

    private static byte[] inline(SyslogEncoder encoder, SyslogMessage m, long seq) {
        SyslogBuffer out = new SyslogBuffer(8);
        encoder.encodeTo(m, seq, out);
        return out.toByteArray();
    }

    private static byte[] rebuilt(SyslogEncoder encoder, SyslogMessage m, long seq) {
        return encoder.encode(m.toBuilder().addSdElement(SdElement.of("meta", "sequenceId", Long.toString(seq)))
                .build()).payload();
    }

    @Test
    void sameOctetsAsAddingTheElement() {
        SyslogEncoder encoder = SyslogEncoder.builder().build();
        SyslogMessage bare = SyslogMessage.builder().timestamp(TIME).hostname("h").appName("a").message("text")
                .build();
        SyslogMessage withSd = bare.toBuilder().addSdElement(SdElement.of("log@32473", "logger", "x.Y",
                "thread", "main \"q\" ]", "level", "INFO")).build();
        SyslogMessage noText = bare.toBuilder().message(null).build();
        for (SyslogMessage m : new SyslogMessage[] {bare, withSd, noText}) {
            for (long seq : new long[] {0, 1, 9, 10, 99_999, Long.MAX_VALUE}) {
                assertThat(new String(inline(encoder, m, seq), UTF_8)).as("%s seq %d", m, seq)
                        .isEqualTo(new String(rebuilt(encoder, m, seq), UTF_8));
            }
        }
        assertThat(new String(inline(encoder, bare, 42), UTF_8))
                .isEqualTo("<13>1 2026-11-27T09:00:00.123456Z h a - - [meta sequenceId=\"42\"] \uFEFFtext");
        assertThat(new String(inline(encoder, bare, SyslogFormatter.NO_SEQUENCE_ID), UTF_8))
                .isEqualTo("<13>1 2026-11-27T09:00:00.123456Z h a - - - \uFEFFtext");
    }

    @Test
    void truncationAndLfEscapingCountTheSequenceId() {
        Random random = new Random(20261127);
        for (int i = 0; i < 2_000; i++) {
            SyslogEncoder encoder = randomEncoder(random, 200);
            SyslogMessage m = SyslogMessage.builder().timestamp(TIME).hostname("h").appName("a")
                    .message(randomText(random, 300)).build();
            long seq = random.nextInt(1_000_000);
            assertThat(inline(encoder, m, seq)).as("message %d", i).isEqualTo(rebuilt(encoder, m, seq));
        }
    }

    /**
     * The engine formats a spooled event before it draws the sequence id (outside the spool's lock) with a guess,
     * then writes the drawn id over the guess: the octets must be those of encoding with the drawn id, whatever
     * the SD values (escaped, with line breaks escaped by LF framing before the id) and the cut.
     */
    @Test
    void aGuessedSequenceIdRewrittenGivesTheOctetsOfTheActualOne() {
        Random random = new Random(424242);
        for (int i = 0; i < 3_000; i++) {
            SyslogEncoder encoder = randomEncoder(random, 300);
            SyslogMessage m = SyslogMessage.builder().timestamp(TIME).hostname("h").appName("a")
                    .addSdElement(SdElement.of("log@32473", "thread", randomText(random, 20), "level", "INFO"))
                    .message(randomText(random, 300)).build();
            long actual = random.nextInt(3) == 0 ? random.nextInt(100) : random.nextLong() & Long.MAX_VALUE;
            long guessed = sameDigits(actual, random);
            SyslogBuffer out = new SyslogBuffer(8);
            out.write('>'); // not at the start of the buffer
            boolean truncated = encoder.encodeTo(m, guessed, out);
            assertThat(SyslogEncoder.rewriteSequenceId(out, guessed, actual)).isTrue();
            SyslogBuffer expected = new SyslogBuffer(8);
            expected.write('>');
            assertThat(encoder.encodeTo(m, actual, expected)).isEqualTo(truncated);
            assertThat(out.toByteArray()).as("message %d, %d for %d", i, actual, guessed)
                    .isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void aGuessWithOtherDigitCountsAsksForAnotherEncoding() {
        SyslogEncoder encoder = SyslogEncoder.builder().build();
        SyslogMessage m = SyslogMessage.builder().timestamp(TIME).hostname("h").appName("a").message("text").build();
        SyslogBuffer out = new SyslogBuffer();
        encoder.encodeTo(m, 99, out);
        byte[] before = out.toByteArray();
        assertThat(SyslogEncoder.rewriteSequenceId(out, 99, 100)).isFalse();
        assertThat(out.toByteArray()).isEqualTo(before);
        // no id in the payload: nothing to rewrite, the payload is right as it is
        out.reset();
        encoder.encodeTo(m, SyslogFormatter.NO_SEQUENCE_ID, out);
        assertThat(SyslogEncoder.rewriteSequenceId(out, 5, 123)).isTrue();
        SyslogBuffer rfc3164 = new SyslogBuffer();
        SyslogEncoder.builder().format(SyslogFormat.RFC3164).build().encodeTo(m, 5, rfc3164);
        assertThat(SyslogEncoder.rewriteSequenceId(rfc3164, 5, 123)).isTrue();
    }

    /** An encoder with maxMessageSize 40 to 40 + spread - 1, with LF framing or none. */
    private static SyslogEncoder randomEncoder(Random random, int spread) {
        return SyslogEncoder.builder().maxMessageSize(40 + random.nextInt(spread))
                .framing(random.nextBoolean() ? Framing.LF : null).build();
    }

    /** A number with as many digits as {@code n}. */
    private static long sameDigits(long n, Random random) {
        int digits = Long.toString(n).length();
        if (digits == 1) {
            return random.nextInt(10);
        }
        long low = (long) Math.pow(10, digits - 1);
        long span = digits == 19 ? Long.MAX_VALUE - low : low * 9;
        return low + Math.floorMod(random.nextLong(), span);
    }

    private static String randomText(Random random, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(maxLength); n > 0; n--) {
            text.append(switch (random.nextInt(8)) {
                case 0 -> '\n';
                case 1 -> '\u00e9';
                case 2 -> '\u20ac';
                case 3 -> '"';
                case 4 -> ']';
                default -> (char) ('a' + random.nextInt(26));
            });
        }
        return text.toString();
    }

    @Test
    void rfc3164HasNoStructuredDataSoNoSequenceId() {
        SyslogEncoder encoder = SyslogEncoder.builder().format(SyslogFormat.RFC3164).build();
        SyslogMessage m = SyslogMessage.builder().timestamp(TIME).hostname("h").appName("a").message("text")
                .build();
        assertThat(inline(encoder, m, 7)).isEqualTo(encoder.encode(m).payload());
    }

    @Test
    void everyPriorityIsWrittenAsBefore() {
        for (Facility f : Facility.values()) {
            for (Severity s : Severity.values()) {
                SyslogMessage m = SyslogMessage.builder().timestamp(TIME).facility(f).severity(s).build();
                String out = new String(SyslogEncoder.builder().build().encode(m).payload(), UTF_8);
                assertThat(out).startsWith("<" + (f.code() * 8 + s.code()) + ">1 ");
            }
        }
    }

    /** The formatter keeps the last second's date and time; a fresh formatter (empty cache) must agree. */
    @Test
    void theCachedSecondNeverLeaksIntoAnotherSecondOrOffset() {
        Random random = new Random(11);
        Rfc5424Formatter shared = new Rfc5424Formatter();
        long second = 1_795_000_000L;
        for (int i = 0; i < 20_000; i++) {
            second += random.nextInt(3) - 1; // same, next or previous second
            if (random.nextInt(100) == 0) {
                second = random.nextLong() % 250_000_000_000L; // anywhere in 0000-9999 and beyond
            }
            java.time.ZoneOffset offset = random.nextInt(4) == 0
                    ? java.time.ZoneOffset.ofTotalSeconds((random.nextInt(36) - 18) * 3600 + random.nextInt(2) * 1800)
                    : java.time.ZoneOffset.UTC;
            SyslogMessage m = SyslogMessage.builder()
                    .timestamp(Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)), offset).build();
            assertThat(new String(shared.format(m), UTF_8)).as("message %d", i)
                    .isEqualTo(new String(new Rfc5424Formatter().format(m), UTF_8));
        }
    }
}
