package dev.sluice.transport.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** The ranges of {@link DeliveredAhead} hold exactly the ids a plain set would, whatever the order of the calls. */
class DeliveredAheadTest {

    @RepeatedTest(20)
    void holdsExactlyTheIdsAPlainSetWould(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        DeliveredAhead ranges = new DeliveredAhead();
        TreeSet<Long> ids = new TreeSet<>();
        long acknowledged = 0;
        for (int step = 0; step < 5_000; step++) {
            int op = random.nextInt(21);
            if (op < 16) {
                long id = 1 + random.nextInt(400);
                assertThat(ranges.add(id)).isTrue();
                if (id > acknowledged) {
                    ids.add(id);
                }
            } else if (op < 18) {
                acknowledged = Math.max(acknowledged, random.nextInt(300));
                ranges.acknowledgedUpTo(acknowledged);
                ids.headSet(acknowledged, true).clear();
            } else if (op < 19) {
                long first = random.nextInt(200);
                long last = first + random.nextInt(300);
                ranges.retain(first, last);
                ids.headSet(first, false).clear();
                ids.tailSet(last, false).clear();
            } else if (op == 20) {
                long first = random.nextInt(402);
                long last = first + random.nextInt(60);
                ranges.forget(first, last); // a dropped segment's ids
                ids.subSet(first, true, last, true).clear();
            } else {
                long[] pairs = ranges.snapshotIfDirty();
                if (pairs != null) {
                    DeliveredAhead reloaded = new DeliveredAhead();
                    reloaded.load(pairs);
                    for (long id = 0; id <= 401; id++) {
                        assertThat(reloaded.contains(id)).as("reloaded, id %d", id).isEqualTo(ids.contains(id));
                    }
                }
            }
            long first = random.nextInt(402);
            long last = first + random.nextInt(100);
            assertThat(ranges.countIn(first, last)).as("step %d: countIn(%d, %d)", step, first, last)
                    .isEqualTo(ids.subSet(first, true, last, true).size());
            long probe = random.nextInt(402);
            assertThat(ranges.contains(probe)).as("step %d: contains(%d)", step, probe).isEqualTo(ids.contains(probe));
            assertThat(ranges.isEmpty()).isEqualTo(ids.isEmpty());
        }
    }
}
