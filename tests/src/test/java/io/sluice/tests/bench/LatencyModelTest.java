package io.sluice.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The latency model's draws: each operation its own seeded stream, so reseeding pairs two measurements. */
class LatencyModelTest {

    private static List<Double> puts(LatencyModel model, int calls, int updatesPerCall) {
        List<Double> puts = new ArrayList<>();
        for (int c = 0; c < calls; c++) {
            model.drawMillis("DynamoDb:GetItem", 0);
            puts.add(model.drawMillis("S3:PutObject", 1 << 20));
            for (int u = 0; u < updatesPerCall; u++) {
                model.drawMillis("DynamoDb:UpdateItem", 0);
            }
        }
        return puts;
    }

    @Test
    void afterAReseedTheKthPutDrawsTheSameWhateverElseWasDrawnBetween() {
        LatencyModel model = LatencyModel.aws(17, true);
        model.reseed(17);
        List<Double> onePartition = puts(model, 32, 1);
        model.reseed(17);
        List<Double> sixteenPartitions = puts(model, 32, 16);

        assertThat(sixteenPartitions).isEqualTo(onePartition);
        assertThat(onePartition.stream().distinct().count()).as("the draws vary from call to call").isGreaterThan(30);
    }

    @Test
    void withoutAReseedTheDrawsGoOn() {
        LatencyModel model = LatencyModel.aws(17, true);
        List<Double> first = puts(model, 8, 1);
        List<Double> second = puts(model, 8, 1);

        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void theDrawsFollowTheFittedMedian() {
        LatencyModel model = LatencyModel.aws(3, true);
        List<Double> updates = new ArrayList<>();
        for (int i = 0; i < 20_001; i++) {
            updates.add(model.drawMillis("DynamoDb:UpdateItem", 0));
        }
        updates.sort(Double::compare);
        assertThat(updates.get(10_000)).isBetween(5.7, 6.3); // p50 6 ms
        assertThat(updates.get(19_800)).isBetween(17.0, 23.0); // p99 20 ms
    }
}
