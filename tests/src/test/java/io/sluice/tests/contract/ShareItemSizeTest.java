package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.share.DeadLetter;
import io.sluice.share.DeadLetterProducer;
import io.sluice.share.Range;
import io.sluice.share.RecordState;
import io.sluice.share.ShareItem;
import io.sluice.share.SharePartition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The share-partition item's bound: the worst window the transitions can build fits well under 400 KB. */
class ShareItemSizeTest {

    /**
     * A full window where no two neighbours share a range: odd records acquired, each under its own
     * 22-character token and 13-digit expiry, even ones archiving with a dead-letter intent each, every
     * record with a key hash of the longest decimal form, and 19-digit offsets.
     */
    static SharePartition worstCase(String group, String topic) {
        int n = SharePartition.DEFAULT_MAX_IN_FLIGHT;
        long start = Long.MAX_VALUE / 2;
        List<Range> ranges = new ArrayList<>();
        List<Integer> hashes = new ArrayList<>();
        List<DeadLetter> intents = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                ranges.add(new Range(1, RecordState.ARCHIVING.code(), 100, null, 0));
                intents.add(new DeadLetter(start + i, 100, DeadLetter.EXHAUSTED, Long.MAX_VALUE / 4 + i));
            } else {
                ranges.add(new Range(1, RecordState.ACQUIRED.code(), 100, String.format("%022d", i),
                        9_999_999_999_999L - i));
            }
            hashes.add(Integer.MIN_VALUE + i);
        }
        return new SharePartition(group, topic, Integer.MAX_VALUE, "01JAAAAAAAAAAAAAAAAAAAAAAA", 1, start, ranges,
                hashes, intents, new DeadLetterProducer(Long.MAX_VALUE, Long.MAX_VALUE, "d".repeat(249), 1 << 20,
                Long.MAX_VALUE), Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    @Test
    void theWorstWindowTakesUnder150KB() {
        SharePartition worst = worstCase("g".repeat(249), "t".repeat(249));
        int bytes = ShareItem.bytes("01JAAAAAAAAAAAAAAAAAAAAAAA", worst);
        System.out.printf("share-partition item, worst case: %,d bytes (limit %,d)%n", bytes, ShareItem.MAX_BYTES);
        assertThat(bytes).isLessThan(150 * 1024);
    }
}
