package dev.sluice.relp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.transport.relp.RelpFrame;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

/** The command line's option parsing, without starting a server (see {@link CommandLineIT} for the jar). */
class MainTest {

    @Test
    void maxFrameAcceptsUpToTheLargestDatalenRelpAllows() {
        String max = String.valueOf(RelpFrame.MAX_DATA_LENGTH);
        assertThat(Main.Options.parse(new String[] {"--max-frame", max}).maxFrame)
                .isEqualTo(RelpFrame.MAX_DATA_LENGTH);
    }

    @Test
    void maxFrameAboveTheLargestDatalenIsAnErrorNamingTheOption() {
        assertThatThrownBy(() -> Main.Options.parse(new String[] {"--max-frame", "1000000000"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--max-frame: 1000000000 (expected: 1-999999999)");
    }

    @Test
    void maxFrameAboveTheLargestDatalenExitsWithStatus2BeforeListening() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--port", "0", "--max-frame", "2147483647"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new CountDownLatch(0));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("error: --max-frame: 2147483647 (expected: 1-999999999)")
                .doesNotContain("listening");
    }

    @Test
    void anOutFileThatCannotBeWrittenIsAnErrorLineNotAStackTrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String into = dir.resolve("no-such-directory").resolve("received.log").toString();
        int status = Main.run(new String[] {"--port", "0", "--out", into},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new CountDownLatch(0));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: --out " + into + ": cannot be written")
                .doesNotContain("listening");
    }
}
