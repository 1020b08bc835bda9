package dev.sluice.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceMapTest {

    @Test
    void idsInOrderUseTheirSlotsAndNeverSpill() {
        SequenceMap<String> map = new SequenceMap<>(8);
        for (long id = 1; id <= 1_000; id++) {
            map.put(id, "m" + id);
            if (id > 4) {
                assertThat(map.remove(id - 4)).isEqualTo("m" + (id - 4));
            }
            assertThat(map.spilled()).isZero();
        }
        assertThat(map.remove(997)).isEqualTo("m997");
        assertThat(map.remove(997)).isNull();
    }

    @Test
    void anIdWhoseSlotIsTakenSpillsAndIsFoundThere() {
        SequenceMap<String> map = new SequenceMap<>(8);
        map.put(3, "a");
        map.put(11, "b"); // same slot as 3
        map.put(-5, "c"); // and again, negative
        assertThat(map.spilled()).isEqualTo(2);
        assertThat(map.remove(11)).isEqualTo("b");
        assertThat(map.remove(3)).isEqualTo("a");
        assertThat(map.remove(-5)).isEqualTo("c");
        assertThat(map.remove(3)).isNull();
        assertThat(map.spilled()).isZero();
    }

    @Test
    void putReplacesWhereverTheIdIs() {
        SequenceMap<String> map = new SequenceMap<>(8);
        map.put(3, "a");
        map.put(11, "b");
        map.put(11, "b2"); // replaced in the spill
        map.put(3, "a2"); // replaced in the slot
        assertThat(map.remove(3)).isEqualTo("a2");
        map.put(11, "b3"); // its slot is free now: it moves there, not a second copy
        assertThat(map.spilled()).isZero();
        assertThat(map.remove(11)).isEqualTo("b3");
        assertThat(map.remove(11)).isNull();
    }

    @Test
    void behavesAsAHashMapUnderRandomUse() {
        SequenceMap<Long> map = new SequenceMap<>(16);
        Map<Long, Long> model = new HashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            long key = random.nextInt(4) == 0 ? random.nextInt(200) - 100 : i / 3 + random.nextInt(20);
            switch (random.nextInt(5)) {
                case 0, 1 -> {
                    map.put(key, (long) i);
                    model.put(key, (long) i);
                }
                case 2, 3 -> assertThat(map.remove(key)).isEqualTo(model.remove(key));
                default -> {
                    if (random.nextInt(1_000) == 0) {
                        map.clear();
                        model.clear();
                    }
                }
            }
        }
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            assertThat(map.remove(e.getKey())).isEqualTo(e.getValue());
        }
        assertThat(map.spilled()).isZero();
    }

    @Test
    void refusesATableThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new SequenceMap<>(12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SequenceMap<>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
