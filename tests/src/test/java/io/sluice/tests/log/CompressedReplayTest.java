package io.sluice.tests.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.LogServices;
import io.sluice.format.CompressionCodec;
import io.sluice.format.LogRecord;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.Backoff;
import io.sluice.log.FetchResult;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.IndexEntry;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.ForwardingObjectStore;
import io.sluice.tests.support.MutableClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Replaying a compacted segment of a compressed topic with a small maxBytes reads about the segment once,
 * not once per fetch: each index point carries its batch's uncompressed record bytes, so a fetch reads only
 * the batches that cover its maxBytes (issue 17).
 */
class CompressedReplayTest {

    private static final int CALLS = 20;
    private static final int RECORDS_PER_CALL = 250;
    private static final int MAX_BYTES = 32 * 1024;

    /** Counts the bytes every GET returned. */
    private static final class CountingObjectStore extends ForwardingObjectStore {
        final AtomicLong bytesRead = new AtomicLong();
        final AtomicLong gets = new AtomicLong();

        CountingObjectStore(InMemoryObjectStore delegate) {
            super(delegate);
        }

        @Override
        public byte[] get(String key) {
            byte[] bytes = super.get(key);
            gets.incrementAndGet();
            bytesRead.addAndGet(bytes.length);
            return bytes;
        }

        @Override
        public byte[] getRange(String key, long start, int length) {
            byte[] bytes = super.getRange(key, start, length);
            gets.incrementAndGet();
            bytesRead.addAndGet(bytes.length);
            return bytes;
        }
    }

    private record Compacted(CountingObjectStore objects, InMemoryMetadataStore metadata, MutableClock clock,
                             List<LogRecord> sent, IndexEntry segment) {
    }

    /** {@value #CALLS} produce calls of {@value #RECORDS_PER_CALL} JSON log lines, compacted into one segment. */
    private static Compacted compacted(CompressionCodec codec) {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        CountingObjectStore objects = new CountingObjectStore(new InMemoryObjectStore(clock));
        InMemoryMetadataStore metadata = new InMemoryMetadataStore();
        LogServices log = LogServices.create(objects, metadata, new InMemoryGroupStore(), clock, Backoff.NONE);
        log.topics().create(new CreateTopic("t", 1, null, null, null, null, codec.configName()));
        List<LogRecord> sent = new ArrayList<>();
        for (int call = 0; call < CALLS; call++) {
            List<ProduceRecord> records = new ArrayList<>();
            for (LogRecord r : CompressionTest.jsonLogs(RECORDS_PER_CALL, 500 + call)) {
                records.add(new ProduceRecord(r.key(), r.value(), r.headers(), 0, clock.millis()));
                sent.add(new LogRecord(clock.millis(), r.key(), r.value(), r.headers()));
            }
            log.producer().produce("t", records);
            clock.advance(1_000);
        }
        clock.advance(Duration.ofHours(2).toMillis());
        Maintenance maintenance = new Maintenance(objects, metadata, new TopicCache(metadata, clock, Duration.ZERO),
                clock, new Maintenance.Settings(16L << 20, 1_000));
        assertThat(maintenance.run("t").segmentsWritten()).isEqualTo(1);
        IndexEntry segment = metadata.entriesFrom("t", 0, metadata.getTopic("t").orElseThrow().topicId(), 0, 10).get(0);
        assertThat(segment.hasOffsetIndex()).isTrue();
        assertThat(segment.recordCount()).isEqualTo(sent.size());
        return new Compacted(objects, metadata, clock, sent, segment);
    }

    @ParameterizedTest
    @EnumSource(CompressionCodec.class)
    void aSequentialReplayOfACompactedSegmentReadsAboutTheSegmentOnce(CompressionCodec codec) {
        Compacted compacted = compacted(codec);
        CountingObjectStore objects = compacted.objects();
        List<LogRecord> sent = compacted.sent();
        IndexEntry segment = compacted.segment();
        long segmentBytes = segment.byteLength() + segment.indexLength();
        long plainBytes = sent.stream().mapToLong(LogRecord::sizeInBytes).sum();

        LogServices fresh = LogServices.create(objects, compacted.metadata(), new InMemoryGroupStore(),
                compacted.clock(), Backoff.NONE);
        objects.bytesRead.set(0);
        objects.gets.set(0);
        List<LogRecord> read = new ArrayList<>();
        int fetches = replay(fresh, sent.size(), read);
        long bytesRead = objects.bytesRead.get();
        System.out.printf("%s: replay of a %d-byte segment (%d bytes of records) at %d bytes a fetch: %d fetches, "
                        + "%d GETs, %d bytes read (%.2fx the segment)%n", codec, segmentBytes, plainBytes, MAX_BYTES,
                fetches, objects.gets.get(), bytesRead, bytesRead / (double) segmentBytes);
        assertThat(read).isEqualTo(sent);
        assertThat(fetches).as("a fetch returns about its maxBytes").isLessThanOrEqualTo((int) (2 * plainBytes / MAX_BYTES) + 1);
        assertThat(bytesRead).as("%s: bytes read replaying a %d-byte segment in %d fetches", codec, segmentBytes, fetches)
                .isLessThanOrEqualTo(3 * segmentBytes);
    }

    /**
     * A segment compacted before index points carried their record bytes (a first-version, "SLIX", offset
     * index): it still reads, every record once and in order, whatever maxBytes, and single records by offset.
     */
    @ParameterizedTest
    @EnumSource(CompressionCodec.class)
    void aSegmentWithAFirstVersionIndexStillReads(CompressionCodec codec) {
        Compacted compacted = compacted(codec);
        IndexEntry segment = compacted.segment();
        CountingObjectStore objects = compacted.objects();
        // One more record, so that the head's last entry is a new one and the segment's is the index's only.
        List<LogRecord> sent = new ArrayList<>(compacted.sent());
        LogServices log = LogServices.create(objects, compacted.metadata(), new InMemoryGroupStore(),
                compacted.clock(), Backoff.NONE);
        long now = compacted.clock().millis();
        log.producer().produce("t", List.of(new ProduceRecord(null, "after".getBytes(), List.of(), 0, now)));
        sent.add(new LogRecord(now, null, "after".getBytes(), List.of()));
        byte[] object = objects.get(segment.objectKey());
        int indexStart = (int) (segment.byteStart() + segment.byteLength());
        ByteBuffer index = ByteBuffer.wrap(object, indexStart, segment.indexLength()).slice();
        assertThat(index.getInt(0)).as("the index written now").isEqualTo(0x534C4932);
        int points = index.getInt(4);
        ByteBuffer v1 = ByteBuffer.allocate(4 + 4 + points * 8 + 4);
        v1.putInt(0x534C4958).putInt(points);
        for (int i = 0; i < points; i++) {
            v1.putInt(index.getInt(8 + i * 12)).putInt(index.getInt(8 + i * 12 + 4));
        }
        CRC32C crc = new CRC32C();
        crc.update(v1.array(), 0, v1.position());
        v1.putInt((int) crc.getValue());
        byte[] old = Arrays.copyOf(object, indexStart + v1.capacity());
        System.arraycopy(v1.array(), 0, old, indexStart, v1.capacity());
        objects.delete(segment.objectKey());
        objects.putIfAbsent(segment.objectKey(), old);
        IndexEntry oldEntry = new IndexEntry(segment.topic(), segment.partition(), segment.topicId(),
                segment.baseOffset(), segment.lastOffset(), segment.objectKey(), segment.byteStart(),
                segment.byteLength(), segment.maxTimestamp(), segment.level(), v1.capacity());
        assertThat(compacted.metadata().replaceIndexEntry(segment, oldEntry)).isTrue();
        assertThat(compacted.metadata().getHead("t", 0).orElseThrow().last().baseOffset())
                .as("the segment is read through the index's entry").isEqualTo(sent.size() - 1);

        for (int maxBytes : new int[] {MAX_BYTES, 1 << 20}) {
            LogServices fresh = LogServices.create(objects, compacted.metadata(), new InMemoryGroupStore(),
                    compacted.clock(), Backoff.NONE);
            List<LogRecord> read = new ArrayList<>();
            long offset = 0;
            while (offset < sent.size()) {
                FetchResult result = fresh.fetcher().fetch("t", 0, offset, maxBytes);
                assertThat(result.records()).isNotEmpty();
                assertThat(result.records().get(0).offset()).isEqualTo(offset);
                result.records().forEach(r -> read.add(r.record()));
                offset = result.nextOffset();
            }
            assertThat(read).as("maxBytes %d", maxBytes).isEqualTo(sent);
        }
        LogServices fresh = LogServices.create(objects, compacted.metadata(), new InMemoryGroupStore(),
                compacted.clock(), Backoff.NONE);
        for (int offset = 0; offset < sent.size(); offset += 397) {
            assertThat(fresh.fetcher().fetch("t", 0, offset, 1, 1).records()).singleElement()
                    .satisfies(r -> assertThat(r.record()).isEqualTo(sent.get((int) r.offset())));
        }
    }

    private static int replay(LogServices log, int count, List<LogRecord> read) {
        long offset = 0;
        int fetches = 0;
        while (offset < count) {
            FetchResult result = log.fetcher().fetch("t", 0, offset, MAX_BYTES);
            fetches++;
            assertThat(result.records()).isNotEmpty();
            result.records().forEach(r -> read.add(r.record()));
            offset = result.nextOffset();
        }
        return fetches;
    }
}
