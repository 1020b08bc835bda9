package dev.sluice.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

final class Files2 {

    private Files2() {
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A message of about 200 octets, like a short RFC 5424 line. */
    static byte[] message() {
        StringBuilder b = new StringBuilder("<14>1 2024-03-01T09:00:00.123456Z host billing 4711 - "
                + "[meta sequenceId=\"1\"] payment accepted ");
        while (b.length() < 200) {
            b.append((char) ('a' + b.length() % 26));
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
