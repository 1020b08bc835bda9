package dev.sluice.it.format;

import dev.sluice.relp.server.ParsedSyslog;
import dev.sluice.relp.server.SyslogParser;
import dev.sluice.transport.syslog.Facility;
import dev.sluice.transport.syslog.SdElement;
import dev.sluice.transport.syslog.Severity;
import dev.sluice.transport.syslog.SyslogEncoder;
import dev.sluice.transport.syslog.SyslogFormat;
import dev.sluice.transport.syslog.SyslogMessage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our formatter's output, read back by the test server's independent parser: what goes out is what a receiver
 * reads, for random messages (seeded) with awkward text in every field.
 */
class FormatterParserRoundTripTest {

    private static final String[] PIECES = {"a", "Z", "0", " ", "\"", "\\", "]", "=", "ü", "€", "😀", "-", "x y",
        "\t", "é"};

    @Test
    void randomRfc5424MessagesReadBackWithTheSameFields() {
        long seed = 0x5EED_2026L;
        Random random = new Random(seed);
        SyslogEncoder encoder = SyslogEncoder.builder().format(SyslogFormat.RFC5424).maxMessageSize(64 * 1024)
                .build();
        for (int i = 0; i < 20_000; i++) {
            String value = text(random, 20);
            String message = text(random, 60);
            SyslogMessage m = SyslogMessage.builder()
                    .timestamp(Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000),
                            random.nextInt(1_000_000) * 1000L), ZoneOffset.ofHoursMinutes(random.nextInt(13), 0))
                    .facility(Facility.ofCode(random.nextInt(24)))
                    .severity(Severity.ofCode(random.nextInt(8)))
                    .hostname("host-" + i)
                    .appName("app" + random.nextInt(10))
                    .procId(Integer.toString(random.nextInt(99999)))
                    .msgId("ID" + random.nextInt(100))
                    .addSdElement(SdElement.of("meta", "sequenceId", Integer.toString(i)))
                    .addSdElement(SdElement.of("mdc@32473", "user", value))
                    .message(message)
                    .build();
            ParsedSyslog p = SyslogParser.parse(encoder.encode(m).payload());
            String context = "seed " + seed + ", message " + i;
            assertThat(p.facility()).as(context).isEqualTo(m.facility().code());
            assertThat(p.severity()).as(context).isEqualTo(m.severity().code());
            assertThat(p.timestampValue().toInstant()).as(context).isEqualTo(m.timestamp());
            assertThat(p.hostname()).as(context).isEqualTo(m.hostname());
            assertThat(p.appName()).as(context).isEqualTo(m.appName());
            assertThat(p.procId()).as(context).isEqualTo(m.procId());
            assertThat(p.msgId()).as(context).isEqualTo(m.msgId());
            assertThat(p.sdParam("meta", "sequenceId")).as(context).contains(Integer.toString(i));
            assertThat(p.sdParam("mdc@32473", "user")).as(context).contains(value);
            assertThat(p.message()).as(context).isEqualTo(message);
        }
    }

    private static String text(Random random, int maxPieces) {
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(maxPieces);
        for (int i = 0; i < n; i++) {
            b.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return b.toString();
    }
}
