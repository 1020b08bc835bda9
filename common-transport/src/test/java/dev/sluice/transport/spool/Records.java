package dev.sluice.transport.spool;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test records whose message and event time follow from the sequence id, so any record can be checked alone. */
final class Records {

    static final Instant BASE = Instant.parse("2024-03-01T09:00:00Z");

    private Records() {
    }

    static Instant time(long seq) {
        return BASE.plusSeconds(seq).plusNanos(seq % 1_000_000_000L);
    }

    /** About 200 octets, different for every id. */
    static byte[] message(long seq) {
        StringBuilder b = new StringBuilder("<14>1 2024-03-01T09:00:00Z host app - - [meta sequenceId=\"")
                .append(seq).append("\"] message ").append(seq).append(' ');
        while (b.length() < 200) {
            b.append((char) ('a' + (seq + b.length()) % 26));
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void append(Spool spool, long from, long to) throws Exception {
        for (long seq = from; seq <= to; seq++) {
            if (spool.append(seq, time(seq), message(seq)) != AppendResult.APPENDED) {
                throw new AssertionError("append " + seq + " refused");
            }
        }
    }

    /** Every pending record, in order, checked against what its id says it should hold. */
    static List<Long> readAll(Spool spool) throws Exception {
        List<Long> ids = new ArrayList<>();
        SpoolRecord last = null;
        while (true) {
            List<SpoolRecord> batch = spool.peekAfter(last, 97);
            if (batch.isEmpty()) {
                return ids;
            }
            for (SpoolRecord r : batch) {
                check(r);
                ids.add(r.sequenceId());
            }
            last = batch.get(batch.size() - 1);
        }
    }

    static void check(SpoolRecord r) {
        long seq = r.sequenceId();
        if (!java.util.Arrays.equals(r.message(), message(seq)) || !r.eventTime().equals(time(seq))) {
            throw new AssertionError("record " + seq + " does not hold what was appended: " + r);
        }
    }

    static List<Long> range(long from, long to) {
        List<Long> ids = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            ids.add(i);
        }
        return ids;
    }
}
