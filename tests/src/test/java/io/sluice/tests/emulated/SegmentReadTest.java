package io.sluice.tests.emulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.format.ObjectFormat;
import io.sluice.format.SegmentIndex;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.store.ObjectStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.LogChecker;
import io.sluice.tests.support.RequestCounter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A fetch inside a compacted segment reads the segment's offset index and then only the batches it needs,
 * counted on the real S3 client: requests and the bytes their responses carried. Segments written before
 * segments had an index still read.
 */
@ExtendWith(EmbeddedBackends.class)
class SegmentReadTest {

    private static final int RECORD_BYTES = 1024;
    private static final int RECORDS_PER_CALL = 64;
    private static final int CALLS = 16;
    private static final long RECORDS = (long) RECORDS_PER_CALL * CALLS;

    private record Setup(RequestCounter counter, Backends.Stack stack, LogServices log) {
    }

    /** 16 calls of 64 records of 1 KiB on one partition, compacted into one segment of 1 MiB. */
    private static Setup compacted(Backends backends) {
        RequestCounter counter = new RequestCounter();
        Backends.Stack stack = backends.fresh(counter);
        LogServices log = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        Random random = new Random(1);
        for (int c = 0; c < CALLS; c++) {
            List<ProduceRecord> records = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_CALL; i++) {
                byte[] value = new byte[RECORD_BYTES];
                random.nextBytes(value);
                records.add(new ProduceRecord(null, value, List.of(), 0, null));
            }
            log.producer().produce("t", records);
        }
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
        new Maintenance(stack.objects(), stack.metadata(), new TopicCache(stack.metadata(), later, Duration.ZERO), later,
                new Maintenance.Settings(64L << 20, 15 * 60_000L)).run("t");
        return new Setup(counter, stack, log);
    }

    private static IndexEntry segment(MetadataStore metadata) {
        IndexEntry entry = metadata.getHead("t", 0).orElseThrow().last();
        assertThat(entry.level()).isEqualTo(1);
        assertThat(entry.recordCount()).isEqualTo(RECORDS);
        return entry;
    }

    /** Encoded bytes of one of these records in its own batch. */
    private static int batchBytes() {
        return ObjectFormat.BATCH_OVERHEAD + 28 + RECORD_BYTES;
    }

    @Test
    void aSingleRecordFetchReadsTheIndexOnceAndThenOnlyItsBatch(Backends backends) {
        Setup setup = compacted(backends);
        IndexEntry segment = segment(setup.stack().metadata());
        assertThat(segment.indexLength()).as("one point per 1 KiB record")
                .isEqualTo(SegmentIndex.encodedLength((int) RECORDS));

        setup.counter().reset();
        List<FetchedRecord> first = setup.log().fetcher().fetch("t", 0, 517, 1 << 20, 1).records();
        assertThat(first).singleElement().extracting(FetchedRecord::offset).isEqualTo(517L);
        assertThat(setup.counter().count("S3:GetObject")).as("the index, then the batch").isEqualTo(2);
        assertThat(setup.counter().responseBytes("S3:GetObject")).isEqualTo(segment.indexLength() + batchBytes());

        setup.counter().reset();
        List<FetchedRecord> second = setup.log().fetcher().fetch("t", 0, 3, 1 << 20, 1).records();
        assertThat(second).singleElement().extracting(FetchedRecord::offset).isEqualTo(3L);
        assertThat(setup.counter().count("S3:GetObject")).as("the index is cached: the batch only").isEqualTo(1);
        assertThat(setup.counter().responseBytes("S3:GetObject")).isEqualTo(batchBytes());
        assertThat(setup.counter().responseBytes("S3:GetObject")).as("not the %d-byte segment", segment.byteLength())
                .isLessThan(2L * RECORD_BYTES);
    }

    @Test
    void aSequentialReplayReadsLittleMoreThanItReturns(Backends backends) {
        Setup setup = compacted(backends);
        List<FetchedRecord> before = new ArrayList<>();
        setup.counter().reset();
        long offset = 0;
        long returned = 0;
        int fetches = 0;
        while (offset < RECORDS) {
            List<FetchedRecord> records = setup.log().fetcher().fetch("t", 0, offset, 64 * 1024).records();
            fetches++;
            before.addAll(records);
            for (FetchedRecord record : records) {
                returned += record.record().sizeInBytes();
            }
            offset = records.get(records.size() - 1).offset() + 1;
        }
        long read = setup.counter().responseBytes("S3:GetObject");
        System.out.printf("replay of a 1 MiB segment at 64 KiB a fetch: %d fetches, %d S3 GETs, %d bytes read for %d "
                + "returned (%.3f)%n", fetches, setup.counter().count("S3:GetObject"), read, returned,
                read / (double) returned);
        assertThat(fetches).isEqualTo(16);
        assertThat(setup.counter().count("S3:GetObject")).as("the index once, then one range a fetch")
                .isEqualTo(fetches + 1);
        assertThat(read).as("read amplification at most 1.25").isLessThanOrEqualTo(returned * 5 / 4);
        assertThat(before).extracting(FetchedRecord::offset).containsExactlyElementsOf(
                java.util.stream.LongStream.range(0, RECORDS).boxed().toList());
    }

    /**
     * A segment as compaction wrote it before segments had an offset index: the batches copied as they
     * were, an entry without indexLength. It reads as before, the whole range at once.
     */
    @Test
    void aSegmentWithoutAnIndexStillReads(Backends backends) {
        RequestCounter counter = new RequestCounter();
        Backends.Stack stack = backends.fresh(counter);
        LogServices log = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        for (int c = 0; c < 4; c++) {
            List<ProduceRecord> records = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                records.add(new ProduceRecord(null, ("c" + c + "r" + i).getBytes(), List.of(), 0, null));
            }
            log.producer().produce("t", records);
        }
        MetadataStore metadata = stack.metadata();
        ObjectStore objects = stack.objects();
        List<FetchedRecord> before = new LogChecker(log.fetcher(), metadata).readAll("t", 0, 1 << 20);
        String id = metadata.getTopic("t").orElseThrow().topicId();
        List<IndexEntry> run = metadata.entriesFrom("t", 0, id, 0, 10);
        assertThat(run).hasSize(3);
        ObjectFormat.Builder old = new ObjectFormat.Builder();
        for (IndexEntry entry : run) {
            old.addEncodedBatches(objects.getRange(entry.objectKey(), entry.byteStart(), entry.byteLength()));
        }
        byte[] bytes = old.build();
        String key = "seg/t/0/00000000000000000000-00000000000000000029-" + id + "-0.seg";
        objects.putIfAbsent(key, bytes);
        IndexEntry merged = new IndexEntry("t", 0, id, 0, 29, key, ObjectFormat.OBJECT_HEADER_LENGTH,
                bytes.length - ObjectFormat.OBJECT_HEADER_LENGTH, run.get(2).maxTimestamp(), 1);
        assertThat(metadata.replaceIndexEntry(run.get(0), merged)).isTrue();
        assertThat(metadata.deleteIndexEntry(run.get(1))).isTrue();
        assertThat(metadata.deleteIndexEntry(run.get(2))).isTrue();
        assertThat(metadata.entriesFrom("t", 0, id, 0, 10)).singleElement()
                .satisfies(e -> assertThat(e.hasOffsetIndex()).isFalse());

        LogServices fresh = LogServices.create(objects, metadata, stack.groups(), Clock.systemUTC());
        assertThat(new LogChecker(fresh.fetcher(), metadata).readAll("t", 0, 1 << 20)).isEqualTo(before);
        counter.reset();
        assertThat(fresh.fetcher().fetch("t", 0, 15, 1 << 20, 1).records()).singleElement()
                .extracting(FetchedRecord::offset).isEqualTo(15L);
        assertThat(counter.responseBytes("S3:GetObject")).as("the whole old segment, as before")
                .isEqualTo(merged.byteLength());
    }
}
