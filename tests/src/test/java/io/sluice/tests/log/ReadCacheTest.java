package io.sluice.tests.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;

import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.Backoff;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.metrics.Metrics;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.ForwardingMetadataStore;
import io.sluice.tests.support.LogChecker;
import io.sluice.tests.support.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The fetcher's cache of index entries lives half of the garbage collector's grace period, taken from
 * the same maintenance settings; an entry is never served once that has passed, a segment's or a WAL
 * object's. A sequential reader in a warm function reads the index once per page of entries, not per fetch.
 * An entry whose object is gone is dropped and the index read again.
 */
class ReadCacheTest {

    private static final long GRACE = 60_000;

    /** Counts the index lookups a fetch makes. */
    private static final class CountingMetadata extends ForwardingMetadataStore {
        final AtomicInteger lookups = new AtomicInteger();

        CountingMetadata() {
            super(new InMemoryMetadataStore());
        }

        @Override
        public Optional<IndexEntry> floorEntry(String topic, int partition, String topicId, long offset) {
            lookups.incrementAndGet();
            return delegate.floorEntry(topic, partition, topicId, offset);
        }

        @Override
        public List<IndexEntry> entriesFrom(String topic, int partition, String topicId, long fromBase, int limit) {
            lookups.incrementAndGet();
            return delegate.entriesFrom(topic, partition, topicId, fromBase, limit);
        }
    }

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final CountingMetadata metadata = new CountingMetadata();
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);

    private LogServices log(Maintenance.Settings settings) {
        return LogServices.create(objects, metadata, new InMemoryGroupStore(), clock, Backoff.NONE, Metrics.NOOP,
                ProduceService.newPool(2), settings);
    }

    private static void produce(LogServices log, int calls) {
        for (int c = 0; c < calls; c++) {
            log.producer().produce("t", List.of(new ProduceRecord(null, ("v" + c).getBytes(), List.of(), 0, null)));
        }
    }

    /** Three calls, then two more compacted with them into one segment by a pass two hours on; the head's last stays apart. */
    private void compacted(LogServices log) {
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        produce(log, 5);
        java.time.Clock later = java.time.Clock.offset(clock, Duration.ofHours(2));
        new Maintenance(objects, metadata, new TopicCache(metadata, later, Duration.ZERO), later,
                new Maintenance.Settings(1 << 20, GRACE)).run(null);
        produce(log, 2);
        assertThat(metadata.getHead("t", 0).orElseThrow().last().level()).isZero();
        metadata.lookups.set(0);
    }

    @Test
    void aSegmentEntryIsNeverServedLongerThanHalfTheGracePeriod() {
        LogServices log = log(new Maintenance.Settings(1 << 20, GRACE));
        compacted(log);

        log.fetcher().fetch("t", 0, 0, 1, 1);
        assertThat(metadata.lookups.get()).as("the first fetch reads the index").isEqualTo(1);

        clock.advance(GRACE / 2 - 1);
        log.fetcher().fetch("t", 0, 0, 1, 1);
        assertThat(metadata.lookups.get()).as("within half the grace period the cached entry serves").isEqualTo(1);

        clock.advance(1);
        log.fetcher().fetch("t", 0, 0, 1, 1);
        assertThat(metadata.lookups.get()).as("at half the grace period the entry is read again").isEqualTo(2);
    }

    @Test
    void aShorterGracePeriodShortensTheCache() {
        LogServices log = log(new Maintenance.Settings(1 << 20, 1_000));
        compacted(log);

        log.fetcher().fetch("t", 0, 0, 1, 1);
        clock.advance(500);
        log.fetcher().fetch("t", 0, 0, 1, 1);
        assertThat(metadata.lookups.get()).isEqualTo(2);
    }

    @Test
    void aWalEntryIsNeverServedLongerThanHalfTheGracePeriod() {
        LogServices log = log(new Maintenance.Settings(1 << 20, GRACE));
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        produce(log, 5);

        log.fetcher().fetch("t", 0, 0, 1, 1);
        assertThat(metadata.lookups.get()).as("the first fetch reads the index").isEqualTo(1);

        clock.advance(GRACE / 2 - 1);
        log.fetcher().fetch("t", 0, 0, 1, 1);
        assertThat(metadata.lookups.get()).as("within half the grace period the cached WAL entry serves").isEqualTo(1);

        clock.advance(1);
        log.fetcher().fetch("t", 0, 0, 1, 1);
        assertThat(metadata.lookups.get()).as("at half the grace period it is read again").isEqualTo(2);
    }

    /** One record a fetch over 40 WAL entries: a Query for the first, then one per page of 16 entries after it. */
    @Test
    void aSequentialReaderQueriesTheIndexOncePerPageOfEntriesNotPerFetch() {
        LogServices log = log(new Maintenance.Settings(1 << 20, GRACE));
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        produce(log, 41);

        long offset = 0;
        for (int fetch = 0; fetch < 40; fetch++) {
            List<FetchedRecord> records = log.fetcher().fetch("t", 0, offset, 1 << 20, 1).records();
            assertThat(records).extracting(FetchedRecord::offset).containsExactly(offset);
            offset++;
        }
        assertThat(metadata.lookups.get()).as("a floor lookup for offset 0, then pages from 1, 17 and 33")
                .isEqualTo(4);
    }

    /** Three WAL entries a fetch, each fetch after the first served from the entries cached by the last one's page. */
    @Test
    void fetchesOfSeveralEntriesReuseTheCachedPage() {
        LogServices log = log(new Maintenance.Settings(1 << 20, GRACE));
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        produce(log, 13);

        long offset = 0;
        while (offset < 12) {
            List<FetchedRecord> records = log.fetcher().fetch("t", 0, offset, 1 << 20, 3).records();
            assertThat(records).hasSize(3);
            offset = records.get(2).offset() + 1;
        }
        assertThat(metadata.lookups.get()).as("the first fetch's floor lookup and page; then none").isEqualTo(2);
    }

    /**
     * A warm reader's cached WAL entry outlives its object when compaction replaced it and the object went (here
     * deleted out of band): the fetch reads the index again and serves the records from the segment.
     */
    @Test
    void aCachedWalEntryWhoseObjectIsGoneIsReadFromTheSegmentThatReplacedIt() {
        LogServices log = log(new Maintenance.Settings(1 << 20, GRACE));
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        produce(log, 5);
        List<FetchedRecord> before = new LogChecker(log.fetcher(), metadata).readAll("t", 0, 1 << 20);
        String topicId = metadata.getTopic("t").orElseThrow().topicId();
        List<String> walObjects = metadata.entriesFrom("t", 0, topicId, 0, 16).stream().map(IndexEntry::objectKey)
                .toList();
        java.time.Clock later = java.time.Clock.offset(clock, Duration.ofHours(2));
        new Maintenance(objects, metadata, new TopicCache(metadata, later, Duration.ZERO), later,
                new Maintenance.Settings(1 << 20, GRACE)).run(null);
        assertThat(metadata.floorEntry("t", 0, topicId, 0).orElseThrow().level()).isEqualTo(1);
        produce(log, 2); // the head's last moves off the segment, so the fetch at 0 looks in the cache
        walObjects.forEach(objects::delete);
        metadata.lookups.set(0);

        List<FetchedRecord> after = log.fetcher().fetch("t", 0, 0, 1 << 20).records();

        assertThat(after.subList(0, 5)).isEqualTo(before);
        assertThat(after).hasSize(7);
        assertThat(metadata.lookups.get()).as("the cached entries were dropped and the index read again")
                .isGreaterThanOrEqualTo(1);
    }

    /** A cached segment entry whose object is gone (deleted out of band) is looked up again, then reported missing. */
    @Test
    void aCachedEntryWhoseObjectIsGoneIsLookedUpAgainThenReportedMissing() {
        LogServices log = log(new Maintenance.Settings(1 << 20, GRACE));
        compacted(log);
        List<FetchedRecord> before = new LogChecker(log.fetcher(), metadata).readAll("t", 0, 1 << 20);
        assertThat(before).hasSize(7);
        IndexEntry segment = metadata.floorEntry("t", 0, metadata.getTopic("t").orElseThrow().topicId(), 0)
                .orElseThrow();
        objects.delete(segment.objectKey());
        metadata.lookups.set(0);

        assertThatThrownBy(() -> log.fetcher().fetch("t", 0, 1, 1, 1)).isInstanceOf(SluiceException.class)
                .satisfies(e -> assertThat(((SluiceException) e).code()).isEqualTo(ErrorCode.DATA_MISSING));
        assertThat(metadata.lookups.get()).as("the cached entry was dropped and the index read again").isEqualTo(1);
    }

    /** WAL entries are bounded apart from segment entries (64 a partition), so a tail reader never evicts a segment. */
    @Test
    void walEntriesAreBoundedApartFromSegmentEntries() {
        io.sluice.log.ReadCache cache = io.sluice.log.ReadCache.forGracePeriod(clock, GRACE);
        IndexEntry segment = new IndexEntry("t", 0, "id", 0, 999, "seg/a", 5, 1000, 0, 1);
        cache.putEntries(List.of(segment));
        for (long base = 1000; base < 1100; base++) {
            cache.putEntries(List.of(new IndexEntry("t", 0, "id", base, base, "wal/" + base, 5, 100, 0, 0)));
        }

        assertThat(cache.entryHolding("t", 0, "id", 500)).contains(segment);
        assertThat(cache.entryAt("t", 0, "id", 1035)).as("the lowest WAL entries went first").isEmpty();
        assertThat(cache.entryAt("t", 0, "id", 1036)).isPresent();
        assertThat(cache.entriesFrom("t", 0, "id", 1036, 100)).hasSize(64);
    }
}
