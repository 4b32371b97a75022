package io.sluice.tests.log;

import io.sluice.tests.support.Stores;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.ProduceService;
import io.sluice.log.RecordOffset;
import io.sluice.meta.DynamoItemSize;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.ProducerIdentity;
import io.sluice.meta.ProducerState;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The idempotent producer contract through the real SDK client on dynalite, and what the head item costs
 * in DynamoDB's units at the producer bound.
 */
@ExtendWith(EmbeddedBackends.class)
class EmulatedIdempotentProducerTest extends IdempotentProducerContract {

    private static final int MAX = ProduceService.MAX_PRODUCERS_PER_PARTITION;

    private final Backends backends;
    private Backends.Stack stack;

    EmulatedIdempotentProducerTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected Stores newStores() {
        stack = backends.fresh();
        return stack.stores();
    }

    private Map<String, AttributeValue> rawHead() {
        return stack.dynamo().getItem(b -> b.tableName(stack.table()).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("P#t#0"), "sk", AttributeValue.fromS("HEAD")))).item();
    }

    private static int report(String what, Map<String, AttributeValue> item) {
        int bytes = DynamoItemSize.of(item);
        System.out.printf("head item, %s: %,d bytes (producers attribute %,d): %d read unit(s) per consistent read,"
                        + " %d write unit(s) per write%n", what, bytes,
                DynamoItemSize.of(Map.of("producers", item.get("producers"))),
                DynamoItemSize.readUnits(bytes), DynamoItemSize.writeUnits(bytes));
        return bytes;
    }

    @Test
    void aHeadAtTheProducerBoundFitsInOneReadUnit() {
        List<ProducerIdentity> producers = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            producers.add(init("producer-" + i));
        }
        for (int batch = 0; batch < ProducerState.MAX_BATCHES; batch++) {
            for (ProducerIdentity producer : producers) {
                produce(log, producer, batch, "v");
            }
        }
        assertThat(head().producers()).hasSize(MAX)
                .allSatisfy((id, state) -> assertThat(state.batches()).hasSize(ProducerState.MAX_BATCHES));
        int bytes = report(MAX + " producers x " + ProducerState.MAX_BATCHES + " batches, as produced", rawHead());
        assertThat(bytes).isLessThanOrEqualTo(DynamoItemSize.READ_UNIT_BYTES);
    }

    /**
     * The same bound with the numbers a long-lived busy partition carries: offsets near 10^12, sequences
     * past 2^31, epochs of 32,767, batches of 500 records, states spread over the last day, and every batch
     * with its checksum.
     */
    @Test
    void aHeadAtTheProducerBoundWithLargeNumbersFitsInOneReadUnit() {
        Random random = new Random(14);
        Map<Long, ProducerState> states = new TreeMap<>();
        long offset = 1_000_000_000_000L;
        for (int i = 0; i < MAX; i++) {
            List<ProducerState.SequencedBatch> batches = new ArrayList<>();
            long sequence = (1L << 31) + random.nextInt(1 << 20);
            for (int b = 0; b < ProducerState.MAX_BATCHES; b++) {
                batches.add(new ProducerState.SequencedBatch(sequence, sequence + 499, offset + (long) b * MAX * 500,
                        random.nextInt()));
                sequence += 500;
            }
            offset += 500;
            states.put(random.nextLong() & Long.MAX_VALUE,
                    new ProducerState(32_767, batches, T0 - i * (ProduceService.PRODUCER_STATE_TTL_MS / MAX)));
        }
        long nextOffset = offset + (long) (ProducerState.MAX_BATCHES - 1) * MAX * 500;
        produce(log, init("first"), 0, "v");
        PartitionHead head = head();
        PartitionHead large = new PartitionHead("t", 0, head.topicId(), nextOffset, 0, head.version() + 1,
                new io.sluice.meta.IndexEntry("t", 0, head.topicId(), nextOffset - 500, nextOffset - 1,
                        head.last().objectKey(), 1_000_000, 4_000_000, T0, 0), states);
        assertThat(stack.metadata().compareAndSetHead(head.version(), large)).isTrue();
        assertThat(head()).isEqualTo(large);

        int bytes = report(MAX + " producers x " + ProducerState.MAX_BATCHES + " batches, large numbers", rawHead());
        assertThat(bytes).isLessThanOrEqualTo(DynamoItemSize.READ_UNIT_BYTES);
    }

    /**
     * Heads written before checksums (format 1) keep deduplicating: a remembered batch without a checksum
     * is trusted as before, and the next commit writes format 2, with the new batch's checksum.
     */
    @Test
    void headsWrittenBeforeChecksumsStillDeduplicateAndTheNextCommitAddsThem() {
        ProducerIdentity producer = init("format-one");
        List<RecordOffset> acknowledged = produce(log, producer, 0, "a");
        java.io.ByteArrayOutputStream formatOne = new java.io.ByteArrayOutputStream();
        formatOne.write(1);
        varlong(formatOne, T0);
        varlong(formatOne, 1);
        for (int shift = 56; shift >= 0; shift -= 8) {
            formatOne.write((int) (producer.producerId() >>> shift));
        }
        varlong(formatOne, producer.producerEpoch());
        varlong(formatOne, 0);
        formatOne.write(1);
        varlong(formatOne, 0);
        varlong(formatOne, 0);
        varlong(formatOne, 0);
        stack.dynamo().updateItem(b -> b.tableName(stack.table())
                .key(Map.of("pk", AttributeValue.fromS("P#t#0"), "sk", AttributeValue.fromS("HEAD")))
                .updateExpression("SET #p = :bin")
                .expressionAttributeNames(Map.of("#p", "producers"))
                .expressionAttributeValues(Map.of(":bin", AttributeValue.fromB(
                        software.amazon.awssdk.core.SdkBytes.fromByteArray(formatOne.toByteArray())))));
        assertThat(head().producers().get(producer.producerId()).batches().get(0).checksum()).isNull();

        assertThat(produce(log, producer, 0, "a")).as("deduplicated without a checksum").isEqualTo(acknowledged);
        assertThat(produce(log, producer, 1, "b")).containsExactly(new RecordOffset(0, 1));
        assertThat(rawHead().get("producers").b().asByteArray()[0]).as("rewritten in format 2").isEqualTo((byte) 2);
        assertThat(head().producers().get(producer.producerId()).batches().get(1).checksum()).isNotNull();
    }

    private static void varlong(java.io.ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    @Test
    void headsWrittenWithJsonProducerStatesStillDeduplicateAndAreRewrittenInBinary() {
        ProducerIdentity producer = init("legacy");
        List<RecordOffset> acknowledged = produce(log, producer, 0, "a");
        String json = "{\"" + producer.producerId() + "\":{\"epoch\":" + producer.producerEpoch()
                + ",\"batches\":[{\"baseSequence\":0,\"lastSequence\":0,\"baseOffset\":0}],\"lastWrite\":" + T0 + "}}";
        stack.dynamo().updateItem(b -> b.tableName(stack.table())
                .key(Map.of("pk", AttributeValue.fromS("P#t#0"), "sk", AttributeValue.fromS("HEAD")))
                .updateExpression("SET #p = :json")
                .expressionAttributeNames(Map.of("#p", "producers"))
                .expressionAttributeValues(Map.of(":json", AttributeValue.fromS(json))));
        assertThat(rawHead().get("producers").s()).isEqualTo(json);

        assertThat(produce(log, producer, 0, "a")).as("deduplicated from the JSON states").isEqualTo(acknowledged);
        assertThat(produce(log, producer, 1, "b")).containsExactly(new RecordOffset(0, 1));
        assertThat(rawHead().get("producers").b()).as("rewritten in the binary format").isNotNull();
        assertThat(head().producers().get(producer.producerId()).lastSequence()).isEqualTo(1);
    }
}
