package io.sluice.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProducerStatesTest {

    private static final int BOUND = 50;

    private static Map<Long, ProducerState> randomStates(Random random, int producers, long magnitude) {
        Map<Long, ProducerState> states = new TreeMap<>();
        for (int i = 0; i < producers; i++) {
            List<ProducerState.SequencedBatch> batches = new ArrayList<>();
            long sequence = Math.floorMod(random.nextLong(), magnitude);
            long offset = Math.floorMod(random.nextLong(), magnitude);
            int batchCount = random.nextInt(ProducerState.MAX_BATCHES + 1);
            for (int b = 0; b < batchCount; b++) {
                long count = 1 + Math.floorMod(random.nextLong(), Math.min(magnitude, 1 << 20));
                batches.add(new ProducerState.SequencedBatch(sequence, sequence + count - 1, offset,
                        random.nextInt(4) == 0 ? null : random.nextInt()));
                sequence += count;
                offset += count + Math.floorMod(random.nextLong(), magnitude);
            }
            states.put(random.nextLong() & Long.MAX_VALUE, new ProducerState(Math.floorMod(random.nextLong(), magnitude),
                    batches, Math.floorMod(random.nextLong(), magnitude)));
        }
        return states;
    }

    @Test
    void statesRoundTrip() {
        Random random = new Random(7);
        for (long magnitude : new long[] {2, 1_000, 1L << 40, 1L << 58}) {
            for (int producers : new int[] {0, 1, BOUND}) {
                Map<Long, ProducerState> states = randomStates(random, producers, magnitude);
                assertThat(ProducerStates.decode(ProducerStates.encode(states))).isEqualTo(states);
            }
        }
    }

    /** Every varlong at its longest, every batch with a checksum: the bound holds whatever the values. */
    @Test
    void theEncodingIsBoundedInBytesAtTheProducerBound() {
        long huge = 1L << 57;
        Map<Long, ProducerState> states = new TreeMap<>();
        for (int i = 0; i < BOUND; i++) {
            List<ProducerState.SequencedBatch> batches = new ArrayList<>();
            long sequence = huge;
            long offset = huge;
            for (int b = 0; b < ProducerState.MAX_BATCHES; b++) {
                batches.add(new ProducerState.SequencedBatch(sequence, sequence + huge, offset, -1 - b));
                sequence += huge + 1;
                offset += huge + 1 + huge;
            }
            states.put(Long.MAX_VALUE - i, new ProducerState(Long.MAX_VALUE, batches, i == 0 ? Long.MAX_VALUE : 0));
        }
        byte[] encoded = ProducerStates.encode(states);
        assertThat(ProducerStates.decode(encoded)).isEqualTo(states);
        assertThat(ProducerStates.maxEncodedBytes(BOUND)).as("6,319 before checksums, plus 50 x (1 + 5 x 4)")
                .isEqualTo(7_369);
        assertThat(encoded.length).isLessThanOrEqualTo(ProducerStates.maxEncodedBytes(BOUND))
                .as("only the count and one idle time are short")
                .isGreaterThan(ProducerStates.maxEncodedBytes(BOUND) - 2 * ProducerStates.MAX_VARLONG_LENGTH);
    }

    @Test
    void theLeadingByteIsTheFormat() {
        byte[] encoded = ProducerStates.encode(randomStates(new Random(1), 3, 1_000));
        assertThat(encoded[0]).isEqualTo(ProducerStates.FORMAT);
        encoded[0] = 3;
        assertThatThrownBy(() -> ProducerStates.decode(encoded)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unknown format 3");
    }

    @Test
    void truncatedOrTrailingBytesAreRefused() {
        byte[] encoded = ProducerStates.encode(randomStates(new Random(2), 3, 1_000_000));
        assertThatThrownBy(() -> ProducerStates.decode(Arrays.copyOf(encoded, encoded.length - 1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ProducerStates.decode(Arrays.copyOf(encoded, encoded.length + 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("after the last producer state");
    }

    @Test
    void batchesThatAreNotContiguousAreRefused() {
        Map<Long, ProducerState> gap = Map.of(1L, new ProducerState(0, List.of(
                new ProducerState.SequencedBatch(0, 1, 0), new ProducerState.SequencedBatch(3, 3, 10)), 5));
        assertThatThrownBy(() -> ProducerStates.encode(gap)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not contiguous");
    }

    /** Format 1, written before checksums, still reads: its batches have no checksum. */
    @Test
    void formatOneStatesWithoutChecksumsStillRead() {
        byte[] formatOne = {
            1,                          // Format
            (byte) 0x90, 0x4E,          // Clock 10,000
            1,                          // Count
            0, 0, 0, 0, 0, 0, 0, 42,    // ProducerId
            3,                          // Epoch
            5,                          // Idle: lastWrite 9,995
            2,                          // BatchCount
            0,                          // BaseSequence
            4, 7,                       // Batch 1: sequences 0..4 at offset 7
            0, 1,                       // Batch 2: sequence 5 at offset 13 (12 + 1)
        };
        Map<Long, ProducerState> states = ProducerStates.decode(formatOne);
        assertThat(states).isEqualTo(Map.of(42L, new ProducerState(3, List.of(new ProducerState.SequencedBatch(0, 4, 7),
                new ProducerState.SequencedBatch(5, 5, 13)), 9_995)));
        assertThat(ProducerStates.decode(ProducerStates.encode(states))).as("written back in format 2, still without")
                .isEqualTo(states);
    }

    @Test
    void aChecksumMaskBeyondTheBatchesIsRefused() {
        byte[] encoded = ProducerStates.encode(Map.of(1L, new ProducerState(0,
                List.of(new ProducerState.SequencedBatch(0, 0, 0, 7)), 5)));
        int mask = ProducerStates.FORMAT_LENGTH + 1 + 1 + ProducerStates.PRODUCER_ID_LENGTH + 1 + 1 + 1;
        assertThat(encoded[mask]).isEqualTo((byte) 1);
        encoded[mask] = 3;
        assertThatThrownBy(() -> ProducerStates.decode(encoded)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("checksum mask");
    }

    @Test
    void oldJsonStatesStillRead() {
        String json = "{\"42\":{\"epoch\":3,\"batches\":[{\"baseSequence\":0,\"lastSequence\":4,\"baseOffset\":7}],"
                + "\"lastWrite\":1700000000000}}";
        assertThat(ProducerStates.fromJson(json)).isEqualTo(Map.of(42L, new ProducerState(3,
                List.of(new ProducerState.SequencedBatch(0, 4, 7)), 1_700_000_000_000L)));
    }
}
