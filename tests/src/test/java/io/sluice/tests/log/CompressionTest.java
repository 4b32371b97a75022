package io.sluice.tests.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.LogServices;
import io.sluice.error.CorruptObjectException;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.CompressionCodec;
import io.sluice.format.LogRecord;
import io.sluice.format.ObjectFormat;
import io.sluice.format.ObjectFormat.DecodedBatch;
import io.sluice.format.RecordHeader;
import io.sluice.format.SegmentIndex;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.Backoff;
import io.sluice.log.FetchedRecord;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.IndexEntry;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.JsonLogs;
import io.sluice.tests.support.MutableClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Batch compression: every codec round-trips any records; a compressed batch is checked by its CRC over
 * the stored bytes, refuses a declared size over the limit before it allocates, and fails only with the
 * typed corruption error when its data is damaged under a forged CRC; a topic's {@code compression} is validated; compaction keeps a compressed
 * topic readable, and a segment may mix codecs.
 */
class CompressionTest {

    private static final String KEY = "wal/t/compression.wal";
    /** Byte offsets in an encoded batch (ObjectFormat's layout). */
    private static final int CRC_OFFSET = 4;
    private static final int ATTRIBUTES_OFFSET = 8;
    private static final int RECORDS_OFFSET = ObjectFormat.BATCH_OVERHEAD;

    @Provide
    Arbitrary<List<LogRecord>> batches() {
        Arbitrary<byte[]> bytes = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                // compressible: a few distinct bytes repeated
                Arbitraries.of((byte) 'a', (byte) '{', (byte) '"', (byte) 0).array(byte[].class).ofMaxSize(3000));
        Arbitrary<RecordHeader> header = Combinators.combine(Arbitraries.strings().ofMaxLength(20),
                bytes.injectNull(0.2)).as(RecordHeader::new);
        Arbitrary<LogRecord> record = Combinators.combine(
                Arbitraries.longs().between(0, 4_000_000_000_000L), bytes.injectNull(0.3), bytes.injectNull(0.1),
                header.list().ofMaxSize(3)).as(LogRecord::new);
        return record.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 150)
    void everyCodecRoundTripsAnyRecords(@ForAll CompressionCodec codec, @ForAll("batches") List<LogRecord> records) {
        ObjectFormat.Builder builder = new ObjectFormat.Builder();
        builder.addBatch(records, codec);
        builder.addBatch(records.subList(0, 1), codec);
        List<DecodedBatch> decoded = ObjectFormat.decodeObject(KEY, builder.build());
        assertThat(decoded).hasSize(2);
        assertThat(decoded.get(0).records()).isEqualTo(records);
        assertThat(decoded.get(1).records()).isEqualTo(records.subList(0, 1));
        byte[] plain = ObjectFormat.encodeBatch(records);
        byte[] encoded = ObjectFormat.encodeBatch(records, codec);
        // stored compressed only when that is smaller; never larger than the plain batch
        assertThat(encoded.length).isLessThanOrEqualTo(plain.length);
        assertThat(decoded.get(0).codec()).isEqualTo(encoded.length < plain.length ? codec : CompressionCodec.NONE);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aJsonLogBatchIsStoredCompressedAndSmaller(CompressionCodec codec) {
        List<LogRecord> records = jsonLogs(200, 5);
        byte[] plain = ObjectFormat.encodeBatch(records);
        byte[] encoded = ObjectFormat.encodeBatch(records, codec);
        assertThat(ByteBuffer.wrap(encoded).getShort(ATTRIBUTES_OFFSET)).isEqualTo((short) codec.id());
        assertThat(encoded.length).as("%s of %d bytes", codec, plain.length).isLessThan(plain.length / 2);
        DecodedBatch decoded = ObjectFormat.decodeBatches(KEY, 0, encoded).get(0);
        assertThat(decoded.codec()).isEqualTo(codec);
        assertThat(decoded.length()).isEqualTo(encoded.length);
        assertThat(decoded.records()).isEqualTo(records);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void everyFlippedByteOfACompressedBatchFailsAsCorruption(CompressionCodec codec) {
        byte[] batch = ObjectFormat.encodeBatch(jsonLogs(20, 6), codec);
        assertThat(ByteBuffer.wrap(batch).getShort(ATTRIBUTES_OFFSET)).isEqualTo((short) codec.id());
        for (int i = 0; i < batch.length; i++) {
            byte[] damaged = batch.clone();
            damaged[i] ^= 0x10;
            int at = i;
            assertThatThrownBy(() -> ObjectFormat.decodeBatches(KEY, 100, damaged)).as("byte %d", at)
                    .isInstanceOfSatisfying(CorruptObjectException.class, e -> {
                        assertThat(e.objectKey()).isEqualTo(KEY);
                        assertThat(e.position()).isBetween(100L, 100L + at);
                    });
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void damagedCompressedDataUnderAValidCrcFailsAsCorruption(CompressionCodec codec) {
        byte[] batch = ObjectFormat.encodeBatch(jsonLogs(20, 7), codec);
        Random random = new Random(7);
        int dataStart = RECORDS_OFFSET + 4;
        int refused = 0;
        for (int trial = 0; trial < 300; trial++) {
            byte[] damaged = batch.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                damaged[dataStart + random.nextInt(damaged.length - dataStart)] ^= (byte) (1 + random.nextInt(255));
            }
            reseal(damaged);
            // The batch CRC is what stops damage (LZ4 carries no checksum of its own): here it was forged, so
            // the decoder must fail with the typed error or decode something, never throw anything else,
            // allocate past the declared size, or loop.
            try {
                ObjectFormat.decodeBatches(KEY, 0, damaged);
            } catch (CorruptObjectException e) {
                assertThat(e.objectKey()).isEqualTo(KEY);
                refused++;
            }
        }
        assertThat(refused).as("damaged %s data refused", codec).isGreaterThan(100);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodec.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aDeclaredSizeOverTheLimitOrNotMatchingTheDataIsRefused(CompressionCodec codec) {
        byte[] batch = ObjectFormat.encodeBatch(jsonLogs(50, 8), codec);
        int declared = ByteBuffer.wrap(batch).getInt(RECORDS_OFFSET);
        for (int lie : new int[] {ObjectFormat.MAX_UNCOMPRESSED_RECORDS_BYTES + 1, Integer.MAX_VALUE, -1, 0,
                declared - 1, declared + 1, declared * 2, 50 * 28 - 1}) {
            byte[] damaged = batch.clone();
            ByteBuffer.wrap(damaged).putInt(RECORDS_OFFSET, lie);
            reseal(damaged);
            assertThatThrownBy(() -> ObjectFormat.decodeBatches(KEY, 0, damaged)).as("declared %d of %d", lie, declared)
                    .isInstanceOf(CorruptObjectException.class)
                    .hasMessageContaining(KEY);
        }
    }

    @Test
    void aBombOfHighlyCompressibleDataBeyondTheLimitIsStoredUncompressedNeverOverTheLimit() {
        // 17 MiB of zeros in one record: over the limit, so it is not compressed (a reader would refuse it)
        byte[] zeros = new byte[ObjectFormat.MAX_UNCOMPRESSED_RECORDS_BYTES + (1 << 20)];
        List<LogRecord> records = List.of(new LogRecord(1L, null, zeros, List.of()));
        byte[] encoded = ObjectFormat.encodeBatch(records, CompressionCodec.ZSTD);
        assertThat(ByteBuffer.wrap(encoded).getShort(ATTRIBUTES_OFFSET)).isEqualTo((short) 0);
        assertThat(ObjectFormat.decodeBatches(KEY, 0, encoded).get(0).records()).isEqualTo(records);
    }

    @Test
    void anUnknownCompressionIsRefusedAndCreatesNothing() {
        LogServices log = LogServices.create(new InMemoryObjectStore(java.time.Clock.systemUTC()),
                new InMemoryMetadataStore(), new InMemoryGroupStore(), java.time.Clock.systemUTC());
        assertThatThrownBy(() -> log.topics().create(new CreateTopic("t", 1, null, null, null, null, "snappy")))
                .isInstanceOfSatisfying(SluiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.getMessage()).contains("none, gzip, lz4, zstd").contains("snappy");
                });
        assertThat(log.topics().list()).isEmpty();
        assertThat(log.topics().create(new CreateTopic("t", 1, null, null, null, null, "ZSTD")).compression())
                .isEqualTo(CompressionCodec.ZSTD);
        assertThat(log.topics().create(new CreateTopic("u", 1, null, null, null, null, null)).compression())
                .isEqualTo(CompressionCodec.NONE);
    }

    @ParameterizedTest
    @EnumSource(CompressionCodec.class)
    void aCompressedTopicStoresLessAndReadsBackTheSameBeforeAndAfterCompaction(CompressionCodec codec) {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        InMemoryObjectStore objects = new InMemoryObjectStore(clock);
        InMemoryMetadataStore metadata = new InMemoryMetadataStore();
        LogServices log = LogServices.create(objects, metadata, new InMemoryGroupStore(), clock, Backoff.NONE);
        log.topics().create(new CreateTopic("t", 1, null, null, null, null, codec.configName()));
        List<LogRecord> sent = new ArrayList<>();
        long plainBytes = 0;
        for (int call = 0; call < 6; call++) {
            List<LogRecord> batch = jsonLogs(120, 100 + call);
            plainBytes += ObjectFormat.encodeBatch(withTimestamp(batch, clock.millis())).length;
            List<ProduceRecord> records = new ArrayList<>();
            for (LogRecord r : batch) {
                records.add(new ProduceRecord(r.key(), r.value(), r.headers(), 0, clock.millis()));
                sent.add(new LogRecord(clock.millis(), r.key(), r.value(), r.headers()));
            }
            log.producer().produce("t", records);
            clock.advance(1_000);
        }
        long stored = 0;
        for (IndexEntry e : entries(metadata)) {
            stored += e.byteLength();
        }
        if (codec == CompressionCodec.NONE) {
            assertThat(stored).isEqualTo(plainBytes);
        } else {
            assertThat(stored).as("%s stored %d of %d", codec, stored, plainBytes).isLessThan(plainBytes / 2);
        }
        assertThat(readAll(log)).isEqualTo(sent);

        clock.advance(Duration.ofHours(2).toMillis());
        Maintenance maintenance = new Maintenance(objects, metadata, new TopicCache(metadata, clock, Duration.ZERO),
                clock, new Maintenance.Settings(16L << 20, 1_000));
        assertThat(maintenance.run("t").segmentsWritten()).isEqualTo(1);
        IndexEntry segment = metadata.entriesFrom("t", 0, metadata.getTopic("t").orElseThrow().topicId(), 0, 10).get(0);
        assertThat(segment.baseOffset()).isZero();
        assertThat(segment.lastOffset()).isEqualTo(sent.size() - 1);
        assertThat(segment.hasOffsetIndex()).isTrue();
        byte[] batches = objects.getRange(segment.objectKey(), segment.byteStart(), segment.byteLength());
        List<DecodedBatch> decoded = ObjectFormat.decodeBatches(segment.objectKey(), segment.byteStart(), batches);
        assertThat(decoded).allSatisfy(b -> assertThat(b.codec()).isEqualTo(codec));
        assertThat(readAll(log)).isEqualTo(sent);
        // single-record fetches through the offset index, every offset
        LogServices fresh = LogServices.create(objects, metadata, new InMemoryGroupStore(), clock, Backoff.NONE);
        for (int offset = 0; offset < sent.size(); offset += 37) {
            List<FetchedRecord> one = fresh.fetcher().fetch("t", 0, offset, 1, 1).records();
            assertThat(one).hasSize(1);
            assertThat(one.get(0).offset()).isEqualTo(offset);
            assertThat(one.get(0).record()).isEqualTo(sent.get(offset));
        }
    }

    @Test
    void aSegmentMixingCodecsIsCutPerCodecAndReadThroughItsIndex() {
        SegmentIndex.Builder builder = new SegmentIndex.Builder();
        List<LogRecord> all = new ArrayList<>();
        int seed = 0;
        for (CompressionCodec codec : List.of(CompressionCodec.ZSTD, CompressionCodec.NONE, CompressionCodec.GZIP,
                CompressionCodec.LZ4, CompressionCodec.ZSTD)) {
            List<LogRecord> batch = jsonLogs(150, 200 + seed++);
            byte[] encoded = ObjectFormat.encodeBatch(batch, codec);
            builder.add(ObjectFormat.decodeBatches(KEY, 0, encoded).get(0), encoded);
            all.addAll(batch);
        }
        SegmentIndex.Segment segment = builder.build();
        byte[] batchBytes = Arrays.copyOfRange(segment.bytes(), ObjectFormat.OBJECT_HEADER_LENGTH,
                ObjectFormat.OBJECT_HEADER_LENGTH + segment.batchesLength());
        List<DecodedBatch> decoded = ObjectFormat.decodeBatches(KEY, ObjectFormat.OBJECT_HEADER_LENGTH, batchBytes);
        assertThat(decoded.stream().map(DecodedBatch::codec).distinct())
                .containsExactlyInAnyOrder(CompressionCodec.ZSTD, CompressionCodec.NONE, CompressionCodec.GZIP,
                        CompressionCodec.LZ4);
        assertThat(decoded.stream().flatMap(b -> b.records().stream()).toList()).isEqualTo(all);
        SegmentIndex index = SegmentIndex.decode(KEY, 0, Arrays.copyOfRange(segment.bytes(),
                ObjectFormat.OBJECT_HEADER_LENGTH + segment.batchesLength(), segment.bytes().length),
                segment.batchesLength(), segment.recordCount());
        for (int offset = 0; offset < all.size(); offset += 13) {
            SegmentIndex.Range range = index.range(offset, 1, 1);
            byte[] bytes = Arrays.copyOfRange(batchBytes, (int) range.position(), (int) range.position() + range.length());
            List<LogRecord> records = ObjectFormat.decodeBatches(KEY, 0, bytes).stream()
                    .flatMap(b -> b.records().stream()).toList();
            assertThat(records).hasSize((int) range.records());
            assertThat(records.get((int) (offset - range.offsetDelta()))).isEqualTo(all.get(offset));
        }
    }

    /** The partition's entries: the index's, and the head's last, which the index may not hold yet. */
    private static List<IndexEntry> entries(InMemoryMetadataStore metadata) {
        String topicId = metadata.getTopic("t").orElseThrow().topicId();
        java.util.TreeMap<Long, IndexEntry> byBase = new java.util.TreeMap<>();
        metadata.entriesFrom("t", 0, topicId, 0, 1_000).forEach(e -> byBase.put(e.baseOffset(), e));
        IndexEntry last = metadata.getHead("t", 0).orElseThrow().last();
        byBase.put(last.baseOffset(), last);
        return List.copyOf(byBase.values());
    }

    private static List<LogRecord> readAll(LogServices log) {
        List<LogRecord> read = new ArrayList<>();
        long offset = 0;
        while (true) {
            var result = log.fetcher().fetch("t", 0, offset, 64 * 1024);
            if (result.records().isEmpty()) {
                return read;
            }
            result.records().forEach(r -> read.add(r.record()));
            offset = result.nextOffset();
        }
    }

    private static List<LogRecord> withTimestamp(List<LogRecord> records, long timestamp) {
        return records.stream().map(r -> new LogRecord(timestamp, r.key(), r.value(), r.headers())).toList();
    }

    /** The seeded JSON-log dataset, as records. */
    static List<LogRecord> jsonLogs(int count, long seed) {
        List<LogRecord> records = new ArrayList<>();
        for (byte[] line : JsonLogs.lines(count, seed)) {
            records.add(new LogRecord(1_700_000_000_000L + records.size(), null, line, List.of()));
        }
        return records;
    }

    /** Recomputes a batch's CRC after a deliberate change, so the check under test is the one after it. */
    private static void reseal(byte[] batch) {
        CRC32C crc = new CRC32C();
        crc.update(batch, ATTRIBUTES_OFFSET, batch.length - ATTRIBUTES_OFFSET);
        ByteBuffer.wrap(batch).putInt(CRC_OFFSET, (int) crc.getValue());
    }
}
