package io.sluice.client;

import io.sluice.client.wire.Wire;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A consumer, like Kafka's. {@link #subscribe} joins a consumer group: a background thread heartbeats,
 * and the server assigns partitions. {@link #assign} reads chosen partitions without membership.
 *
 * <p>Threads. Everything the application sees happens on the thread that calls {@link #poll}, as in
 * Kafka: a new assignment from the heartbeat thread is applied at the start of the next poll, where the
 * partitions given up are committed (with auto-commit) and passed to
 * {@link RebalanceListener#onPartitionsRevoked}, and new ones to
 * {@link RebalanceListener#onPartitionsAssigned}. Until then the heartbeats keep telling the server the
 * old assignment is still being worked on, so no other member gets those partitions. The heartbeat
 * thread never commits. No lock is held across an HTTP call: a slow commit or fetch never delays a
 * heartbeat.
 *
 * <p>Delivery is at least once. Auto-commit, on its interval, on revocation and on close, commits the
 * positions at the start of the current poll call: only records returned by earlier polls, which the
 * application finished when it called poll again. A record returned by poll but not committed when its
 * partition moves to another member (or when the application dies) is delivered again there.
 *
 * <p>Session. If heartbeats fail until the session has run out on the consumer's own clock, if the
 * server fences the member, or if the application does not call poll within {@code maxPollInterval}
 * (the consumer then leaves the group), its partitions may belong to another member already: the
 * consumer stops fetching them at once, and the next poll passes them to
 * {@link RebalanceListener#onPartitionsLost}, without committing, and rejoins.
 *
 * <p>Fetching. Each poll fetches the assigned, unpaused partitions in parallel (at most
 * {@code maxFetchesInFlight} at once, rotating which go first). A partition known to have records is
 * fetched without waiting; one that was caught up is fetched with the server's long poll
 * ({@code maxWaitMs}), which answers as soon as records arrive. A poll returns the records of every
 * fetch that has completed, so from several partitions. Retriable failures (503, 429, no answer) are
 * retried inside poll with backoff, never thrown.
 *
 * <p>Not thread-safe, like Kafka's: call it from one application thread.
 */
public final class SluiceConsumer implements AutoCloseable {

    /**
     * Consumer settings. {@code group} may be null for {@link #assign} without commits.
     * {@code autoOffsetReset} is where a partition without a committed offset starts: {@code earliest},
     * {@code latest}, or {@code none} (poll throws {@link NoOffsetException}).
     */
    public record Config(String group, int sessionTimeoutMs, boolean autoCommit, Duration autoCommitInterval,
                         int fetchMaxBytes, String autoOffsetReset, Duration maxPollInterval, Duration fetchMaxWait,
                         int maxFetchesInFlight, Clock clock) {

        public Config {
            Objects.requireNonNull(autoCommitInterval, "autoCommitInterval");
            Objects.requireNonNull(maxPollInterval, "maxPollInterval");
            Objects.requireNonNull(fetchMaxWait, "fetchMaxWait");
            Objects.requireNonNull(clock, "clock");
            if (!List.of("earliest", "latest", "none").contains(autoOffsetReset)) {
                throw new IllegalArgumentException("autoOffsetReset is earliest, latest or none, not " + autoOffsetReset);
            }
            if (fetchMaxWait.isNegative() || fetchMaxWait.toMillis() > 20_000) {
                throw new IllegalArgumentException("fetchMaxWait is 0 to 20 s (the server's longest long poll)");
            }
            if (maxFetchesInFlight < 1) {
                throw new IllegalArgumentException("maxFetchesInFlight must be at least 1");
            }
        }

        /** The settings of the first release; the rest take their defaults. */
        public Config(String group, int sessionTimeoutMs, boolean autoCommit, Duration autoCommitInterval,
                      int fetchMaxBytes, String autoOffsetReset) {
            this(group, sessionTimeoutMs, autoCommit, autoCommitInterval, fetchMaxBytes, autoOffsetReset,
                    Duration.ofMinutes(5), Duration.ofSeconds(5), 16, Clock.systemUTC());
        }

        /** Session 10 s, auto-commit every 5 s, 1 MiB fetches, earliest, max poll interval 5 min, 5 s long polls. */
        public static Config forGroup(String group) {
            return new Config(group, 10_000, true, Duration.ofSeconds(5), 1 << 20, "earliest");
        }

        /** Without a group: {@link #assign} only, nothing committed. */
        public static Config withoutGroup() {
            return new Config(null, 10_000, false, Duration.ofSeconds(5), 1 << 20, "earliest");
        }

        public Config withAutoCommit(boolean on) {
            return new Config(group, sessionTimeoutMs, on, autoCommitInterval, fetchMaxBytes, autoOffsetReset,
                    maxPollInterval, fetchMaxWait, maxFetchesInFlight, clock);
        }

        public Config withAutoCommitInterval(Duration interval) {
            return new Config(group, sessionTimeoutMs, autoCommit, interval, fetchMaxBytes, autoOffsetReset,
                    maxPollInterval, fetchMaxWait, maxFetchesInFlight, clock);
        }

        public Config withSessionTimeoutMs(int ms) {
            return new Config(group, ms, autoCommit, autoCommitInterval, fetchMaxBytes, autoOffsetReset,
                    maxPollInterval, fetchMaxWait, maxFetchesInFlight, clock);
        }

        public Config withFetchMaxBytes(int bytes) {
            return new Config(group, sessionTimeoutMs, autoCommit, autoCommitInterval, bytes, autoOffsetReset,
                    maxPollInterval, fetchMaxWait, maxFetchesInFlight, clock);
        }

        /** earliest, latest or none. */
        public Config withAutoOffsetReset(String reset) {
            return new Config(group, sessionTimeoutMs, autoCommit, autoCommitInterval, fetchMaxBytes, reset,
                    maxPollInterval, fetchMaxWait, maxFetchesInFlight, clock);
        }

        /** Leave the group when the application goes this long without calling poll. */
        public Config withMaxPollInterval(Duration interval) {
            return new Config(group, sessionTimeoutMs, autoCommit, autoCommitInterval, fetchMaxBytes, autoOffsetReset,
                    interval, fetchMaxWait, maxFetchesInFlight, clock);
        }

        /** How long a fetch of a caught-up partition waits on the server for records (0 to 20 s). */
        public Config withFetchMaxWait(Duration wait) {
            return new Config(group, sessionTimeoutMs, autoCommit, autoCommitInterval, fetchMaxBytes, autoOffsetReset,
                    maxPollInterval, wait, maxFetchesInFlight, clock);
        }

        public Config withMaxFetchesInFlight(int fetches) {
            return new Config(group, sessionTimeoutMs, autoCommit, autoCommitInterval, fetchMaxBytes, autoOffsetReset,
                    maxPollInterval, fetchMaxWait, fetches, clock);
        }

        /** The clock for sessions, the poll interval and auto-commit (tests move it by hand). */
        public Config withClock(Clock clock) {
            return new Config(group, sessionTimeoutMs, autoCommit, autoCommitInterval, fetchMaxBytes, autoOffsetReset,
                    maxPollInterval, fetchMaxWait, maxFetchesInFlight, clock);
        }
    }

    public record TopicPartition(String topic, int partition) {
        @Override
        public String toString() {
            return topic + "/" + partition;
        }
    }

    /** A consumed record. key is null for a keyless record. */
    public record Record(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                         Map<String, byte[]> headers) {
    }

    /**
     * Told about assignment changes, always on the thread that calls {@link #poll}, as Kafka's
     * ConsumerRebalanceListener. In onPartitionsRevoked the partitions are still owned: commit there.
     * Lost partitions may belong to another member already; they cannot be committed. (Kafka's default
     * onPartitionsLost calls onPartitionsRevoked; here it does nothing, so a commit meant for revocation
     * is not attempted on a partition that is gone.)
     */
    public interface RebalanceListener {
        default void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        default void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }

        default void onPartitionsLost(Collection<TopicPartition> partitions) {
        }
    }

    /** A partition has no committed offset and autoOffsetReset is none (or it was out of range). */
    public static final class NoOffsetException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoOffsetException(String message) {
            super(message);
        }
    }

    /** The most partitions the server takes in one commit request (its GroupService.MAX_OFFSETS_PER_COMMIT). */
    static final int MAX_OFFSETS_PER_COMMIT = 500;
    private static final Base64.Decoder B64 = Base64.getDecoder();
    private static final RebalanceListener NO_LISTENER = new RebalanceListener() { };
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final SluiceHttp http;
    private final Config config;
    private final Clock clock;
    private final ExecutorService io;
    private final String name = "sluice-consumer-" + INSTANCES.incrementAndGet();

    /** Guards the fields below; never held across an HTTP call. */
    private final Object lock = new Object();
    private final Set<TopicPartition> assigned = new LinkedHashSet<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    /** Partitions moved by a seek since their last commit: that commit may move the group's offset backwards. */
    private final Set<TopicPartition> sought = new HashSet<>();
    /** Partitions whose last fetch reached the high watermark: the next fetch long-polls. */
    private final Set<TopicPartition> caughtUp = new HashSet<>();
    /** System.nanoTime before which a partition whose fetch failed is not fetched again (backoff). */
    private final Map<TopicPartition, Long> retryAt = new HashMap<>();
    private final Map<TopicPartition, Integer> failures = new HashMap<>();
    private List<String> subscription = List.of();
    private RebalanceListener listener = NO_LISTENER;
    private boolean subscribed;
    private String memberId;
    /**
     * The member id this consumer had when membership was lost, and its epoch then: the next join first
     * leaves it (the server may still hold it), so its partitions need not wait out the session. Member ids
     * are the server's to create; a join never names one.
     */
    private String lostMemberId;
    private long lostMemberEpoch;
    /** The epoch of the assignment this consumer has applied; what heartbeats echo while a revocation is pending. */
    private long appliedEpoch;
    /** The epoch of the last heartbeat response. */
    private long latestEpoch;
    private Set<TopicPartition> pendingAssignment;
    private long pendingEpoch;
    /** Client time when the last successful heartbeat was sent; the session runs from there. */
    private long lastHeartbeatSent;
    /** Set when the membership was lost (fenced, session out, poll interval); the next poll handles it. */
    private boolean lost;
    private boolean leftForPollInterval;
    /** Bumped whenever membership is lost, so late heartbeat answers and fetches of an older one are dropped. */
    private long generation;
    private long lastPoll;
    private long lastAutoCommit;
    private int heartbeatIntervalMs = 1_000;
    /** Wakes the heartbeat thread before its interval: to acknowledge a revocation, or to rejoin. */
    private boolean acknowledgeNow;
    private boolean heartbeatInFlight;
    private Thread heartbeats;
    private boolean closed;

    // Poll-thread state.
    private final Map<TopicPartition, InFlight> inFlight = new LinkedHashMap<>();
    private final LinkedBlockingQueue<InFlight> completed = new LinkedBlockingQueue<>();
    private int cursor;
    /** A failure met after records were already collected: those are returned, it is thrown by the next poll. */
    private RuntimeException deferred;

    private record InFlight(TopicPartition tp, long offset, long generation, boolean longPoll,
                            CompletableFuture<Wire.FetchResponse> result) {
    }

    public SluiceConsumer(SluiceHttp http, Config config) {
        this.http = http;
        this.config = config;
        this.clock = config.clock();
        this.lastPoll = clock.millis();
        this.lastAutoCommit = lastPoll;
        this.io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-io");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- membership ----

    /** Joins the group for these topics; partitions arrive with the heartbeats and are applied by poll. */
    public void subscribe(List<String> topics) {
        subscribe(topics, NO_LISTENER);
    }

    /**
     * Joins the group for these topics, or changes the subscription of a member that already joined (one
     * heartbeat thread per consumer, whatever the number of calls).
     */
    public void subscribe(List<String> topics, RebalanceListener listener) {
        if (config.group() == null) {
            throw new IllegalStateException("subscribe needs a group; use assign without one");
        }
        if (topics == null || topics.isEmpty()) {
            throw new IllegalArgumentException("subscribe to at least one topic");
        }
        synchronized (lock) {
            ensureOpen();
            if (!subscribed && !assigned.isEmpty()) {
                throw new IllegalStateException("this consumer uses assign(); it cannot also subscribe");
            }
            subscription = List.copyOf(topics);
            this.listener = listener == null ? NO_LISTENER : listener;
            subscribed = true;
            lastPoll = clock.millis();
            if (heartbeats == null) {
                heartbeats = new Thread(this::heartbeatLoop, "sluice-heartbeat-" + config.group());
                heartbeats.setDaemon(true);
                heartbeats.start();
            }
            lock.notifyAll();
        }
        // The first heartbeat on the caller's thread, so subscribe reports a refused join (a bad topic name).
        SluiceClientException refused = heartbeatOnce();
        if (refused != null && !retriable(refused) && !"FENCED".equals(refused.code())) {
            throw refused;
        }
    }

    /**
     * Reads these partitions without group membership. Each starts from the group's committed offset or,
     * without one, from autoOffsetReset, looked up by the next poll (or position) unless a seek comes
     * first. Partitions no longer listed are dropped, with their pause.
     */
    public void assign(Collection<TopicPartition> partitions) {
        Set<TopicPartition> wanted = new LinkedHashSet<>(partitions);
        synchronized (lock) {
            ensureOpen();
            if (subscribed) {
                throw new IllegalStateException("this consumer subscribed; it cannot also assign");
            }
            Set<TopicPartition> dropped = new HashSet<>(assigned);
            dropped.removeAll(wanted);
            forget(dropped);
            assigned.clear();
            assigned.addAll(wanted);
        }
    }

    public Set<TopicPartition> assignment() {
        synchronized (lock) {
            return Set.copyOf(assigned);
        }
    }

    /** Paused partitions that are assigned. */
    public Set<TopicPartition> paused() {
        synchronized (lock) {
            return Set.copyOf(paused);
        }
    }

    // ---- positions ----

    /** The next offset poll will return for an assigned partition. */
    public long position(TopicPartition tp) {
        synchronized (lock) {
            requireAssigned(tp);
            Long position = positions.get(tp);
            if (position != null) {
                return position;
            }
        }
        initializePositions(List.of(tp));
        synchronized (lock) {
            requireAssigned(tp);
            return positions.get(tp);
        }
    }

    /**
     * Moves an assigned partition. The next commit of the partition commits the new position even if it
     * is behind the group's committed offset: a backwards seek rewinds the group, as the operator means.
     */
    public void seek(TopicPartition tp, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        synchronized (lock) {
            requireAssigned(tp);
            positions.put(tp, offset);
            sought.add(tp);
            caughtUp.remove(tp);
        }
    }

    /** Moves to the first offset at or after a timestamp (the end if there is none). */
    public void seekToTimestamp(TopicPartition tp, long timestamp) {
        requireAssignedNow(tp);
        seek(tp, offsetAt(tp, Long.toString(timestamp)));
    }

    public void seekToBeginning(TopicPartition tp) {
        requireAssignedNow(tp);
        seek(tp, offsetAt(tp, "earliest"));
    }

    public void seekToEnd(TopicPartition tp) {
        requireAssignedNow(tp);
        seek(tp, offsetAt(tp, "latest"));
    }

    public void pause(Collection<TopicPartition> partitions) {
        synchronized (lock) {
            partitions.forEach(this::requireAssigned);
            paused.addAll(partitions);
        }
    }

    public void resume(Collection<TopicPartition> partitions) {
        synchronized (lock) {
            paused.removeAll(partitions);
        }
    }

    /** The high watermark of each partition: the offset the next produced record will get. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            ends.put(tp, offsetAt(tp, "latest"));
        }
        return ends;
    }

    /** The group's committed offsets of these partitions; a partition without one is absent. */
    public Map<TopicPartition, Long> committed(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> all = retrying(this::groupOffsets, "read the committed offsets");
        Map<TopicPartition, Long> result = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            if (all.containsKey(tp)) {
                result.put(tp, all.get(tp));
            }
        }
        return result;
    }

    // ---- poll ----

    /**
     * Records from the assigned, unpaused partitions, waiting up to {@code timeout} for some to arrive.
     * Positions advance past what is returned. Applies assignment changes first (see the class comment).
     *
     * @throws NoOffsetException    autoOffsetReset is none and a partition has nothing to start from
     * @throws SluiceClientException a failure that retrying cannot fix (an unknown topic, a bad request)
     */
    public List<Record> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (deferred != null) {
            RuntimeException error = deferred;
            deferred = null;
            throw error;
        }
        synchronized (lock) {
            ensureOpen();
            lastPoll = clock.millis();
            if (leftForPollInterval) {
                leftForPollInterval = false;
                acknowledgeNow = true; // the heartbeat thread rejoins
                lock.notifyAll();
            }
        }
        maybeAutoCommit();
        applyGroupChanges();
        initializePositions(assignment());
        List<Record> records = new ArrayList<>();
        while (true) {
            startFetches();
            boolean waitingForImmediate = collect(records);
            if (!records.isEmpty() && !waitingForImmediate) {
                break;
            }
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                break;
            }
            awaitCompletion(Math.min(leftNanos, TimeUnit.MILLISECONDS.toNanos(waitingForImmediate ? 1_000 : 100)));
            if (membershipChanged()) {
                if (!records.isEmpty()) {
                    break;
                }
                applyGroupChanges();
                initializePositions(assignment());
            }
        }
        synchronized (lock) {
            lastPoll = clock.millis();
        }
        return records;
    }

    private boolean membershipChanged() {
        synchronized (lock) {
            return lost || (pendingAssignment != null && pendingEpoch != appliedEpoch);
        }
    }

    private void awaitCompletion(long nanos) {
        try {
            InFlight done = completed.poll(nanos, TimeUnit.NANOSECONDS);
            if (done != null) {
                completed.add(done); // collect() takes it
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceClientException(0, "INTERRUPTED", "interrupted while polling", null, e);
        }
    }

    /** Starts a fetch for each fetchable partition without one, rotating which partitions go first. */
    private void startFetches() {
        List<InFlight> started = new ArrayList<>();
        synchronized (lock) {
            long now = clock.millis();
            if (sessionExpired(now)) {
                markLost("no heartbeat succeeded within the session");
            }
            if (lost) {
                return;
            }
            List<TopicPartition> candidates = new ArrayList<>(assigned);
            if (candidates.isEmpty()) {
                return;
            }
            int start = cursor++ % candidates.size();
            for (int i = 0; i < candidates.size() && inFlight.size() < config.maxFetchesInFlight(); i++) {
                TopicPartition tp = candidates.get((start + i) % candidates.size());
                Long position = positions.get(tp);
                Long retry = retryAt.get(tp);
                if (position == null || paused.contains(tp) || (retry != null && retry - System.nanoTime() > 0)) {
                    continue;
                }
                InFlight current = inFlight.get(tp);
                if (current != null) {
                    if (current.offset() == position && current.generation() == generation) {
                        continue;
                    }
                    current.result().cancel(true);
                    inFlight.remove(tp);
                }
                boolean longPoll = caughtUp.contains(tp) && config.fetchMaxWait().toMillis() > 0;
                InFlight fetch = new InFlight(tp, position, generation, longPoll, new CompletableFuture<>());
                inFlight.put(tp, fetch);
                started.add(fetch);
            }
        }
        for (InFlight fetch : started) {
            String path = "/topics/" + fetch.tp().topic() + "/partitions/" + fetch.tp().partition() + "/records?offset="
                    + fetch.offset() + "&maxBytes=" + config.fetchMaxBytes()
                    + (fetch.longPoll() ? "&maxWaitMs=" + config.fetchMaxWait().toMillis() : "");
            CompletableFuture.supplyAsync(() -> http.get(path, Wire.FetchResponse.class), io)
                    .whenComplete((response, error) -> {
                        if (error != null) {
                            fetch.result().completeExceptionally(error);
                        } else {
                            fetch.result().complete(response);
                        }
                        completed.add(fetch);
                    });
        }
    }

    /**
     * Takes the completed fetches still valid (same partition, position and membership), advancing
     * positions. Answers whether an immediate fetch (of a partition known to have records) is still out.
     */
    private boolean collect(List<Record> into) {
        List<InFlight> done = new ArrayList<>();
        completed.drainTo(done);
        RuntimeException fatal = null;
        for (InFlight fetch : done) {
            Wire.FetchResponse response;
            SluiceClientException error = null;
            try {
                response = fetch.result().getNow(null);
            } catch (java.util.concurrent.CancellationException cancelled) {
                continue;
            } catch (java.util.concurrent.CompletionException e) {
                response = null;
                Throwable cause = e.getCause();
                error = cause instanceof SluiceClientException s ? s
                        : new SluiceClientException(0, "UNREACHABLE", String.valueOf(cause), null, cause);
            }
            synchronized (lock) {
                if (inFlight.get(fetch.tp()) == fetch) {
                    inFlight.remove(fetch.tp());
                }
                Long position = positions.get(fetch.tp());
                if (lost || fetch.generation() != generation || !assigned.contains(fetch.tp())
                        || position == null || position != fetch.offset()) {
                    continue; // moved, revoked or lost meanwhile
                }
                if (error != null) {
                    if (retriable(error)) {
                        int n = failures.merge(fetch.tp(), 1, Integer::sum);
                        retryAt.put(fetch.tp(), System.nanoTime()
                                + TimeUnit.MILLISECONDS.toNanos(Math.min(1_000, 50L << Math.min(n, 5))));
                    } else if ("OFFSET_OUT_OF_RANGE".equals(error.code()) && error.body() != null) {
                        if (config.autoOffsetReset().equals("none")) {
                            fatal = new NoOffsetException("offset " + fetch.offset() + " of " + fetch.tp()
                                    + " is out of range and autoOffsetReset is none");
                        } else {
                            positions.put(fetch.tp(), config.autoOffsetReset().equals("latest")
                                    ? error.body().path("highWatermark").asLong()
                                    : error.body().path("logStartOffset").asLong());
                        }
                    } else {
                        fatal = error;
                    }
                    continue;
                }
                failures.remove(fetch.tp());
                retryAt.remove(fetch.tp());
                if (response.nextOffset() >= response.highWatermark()) {
                    caughtUp.add(fetch.tp());
                } else {
                    caughtUp.remove(fetch.tp());
                }
                positions.put(fetch.tp(), response.nextOffset());
            }
            for (Wire.Record r : response.records()) {
                Map<String, byte[]> headers = new LinkedHashMap<>();
                if (r.headers() != null) {
                    r.headers().forEach(h -> headers.put(h.key(), h.value() == null ? null : B64.decode(h.value())));
                }
                into.add(new Record(fetch.tp().topic(), fetch.tp().partition(), r.offset(), r.timestamp(),
                        r.key() == null ? null : B64.decode(r.key()), B64.decode(r.value()), headers));
            }
        }
        if (fatal != null) {
            if (into.isEmpty()) {
                throw fatal;
            }
            deferred = fatal; // positions already moved past these records: return them first
        }
        synchronized (lock) {
            return inFlight.values().stream().anyMatch(f -> !f.longPoll());
        }
    }

    // ---- group changes, on the poll thread ----

    /** Handles a lost membership and applies a new assignment: commits and callbacks on this thread. */
    private void applyGroupChanges() {
        Set<TopicPartition> lostPartitions = null;
        RebalanceListener current;
        synchronized (lock) {
            current = listener;
            if (sessionExpired(clock.millis())) {
                markLost("no heartbeat succeeded within the session");
            }
            if (lost) {
                lost = false;
                lostPartitions = new LinkedHashSet<>(assigned);
                forget(assigned);
                assigned.clear();
                appliedEpoch = 0;
            }
        }
        if (lostPartitions != null && !lostPartitions.isEmpty()) {
            current.onPartitionsLost(lostPartitions);
        }
        Set<TopicPartition> target;
        long epoch;
        Set<TopicPartition> revoked;
        synchronized (lock) {
            if (pendingAssignment == null || lost) {
                return;
            }
            target = pendingAssignment;
            epoch = pendingEpoch;
            revoked = new LinkedHashSet<>(assigned);
            revoked.removeAll(target);
        }
        if (!revoked.isEmpty()) {
            if (config.autoCommit()) {
                try {
                    commitPositions(revoked, false);
                } catch (SluiceClientException e) {
                    // fenced or moved on: the next owner resumes from the last commit (at least once)
                }
            }
            current.onPartitionsRevoked(revoked);
        }
        Set<TopicPartition> added;
        synchronized (lock) {
            forget(revoked);
            assigned.removeAll(revoked);
            added = new LinkedHashSet<>(target);
            added.removeAll(assigned);
            assigned.addAll(added);
        }
        synchronized (lock) {
            appliedEpoch = Math.max(appliedEpoch, epoch);
            if (pendingAssignment == target) {
                pendingAssignment = null;
            }
            if (!revoked.isEmpty()) {
                acknowledgeNow = true; // acknowledge promptly, so the revoked partitions move on
                lock.notifyAll();
            }
        }
        if (!added.isEmpty()) {
            // Start offsets are looked up afterwards, by poll, for partitions the listener did not seek.
            current.onPartitionsAssigned(added);
        }
    }

    /** Drops all state of these partitions (revoked, lost or unassigned). Holds the lock. */
    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : new ArrayList<>(partitions)) {
            positions.remove(tp);
            paused.remove(tp);
            sought.remove(tp);
            caughtUp.remove(tp);
            retryAt.remove(tp);
            failures.remove(tp);
            InFlight fetch = inFlight.remove(tp);
            if (fetch != null) {
                fetch.result().cancel(true);
            }
        }
    }

    /** Sets positions of partitions that have none: the committed offset, or else autoOffsetReset. */
    private void initializePositions(Collection<TopicPartition> partitions) {
        List<TopicPartition> missing = new ArrayList<>();
        synchronized (lock) {
            for (TopicPartition tp : partitions) {
                if (assigned.contains(tp) && !positions.containsKey(tp)) {
                    missing.add(tp);
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> committed = config.group() == null ? Map.of()
                : retrying(this::groupOffsets, "read the committed offsets");
        Map<TopicPartition, Long> start = new HashMap<>();
        for (TopicPartition tp : missing) {
            Long offset = committed.get(tp);
            if (offset == null) {
                if (config.autoOffsetReset().equals("none")) {
                    throw new NoOffsetException(tp + " has no committed offset and autoOffsetReset is none");
                }
                offset = offsetAt(tp, config.autoOffsetReset());
            }
            start.put(tp, offset);
        }
        synchronized (lock) {
            start.forEach((tp, offset) -> {
                if (assigned.contains(tp)) {
                    positions.putIfAbsent(tp, offset);
                }
            });
        }
    }

    // ---- commits ----

    /** Commits the current position of every assigned partition: everything poll has returned. */
    public void commitSync() {
        Set<TopicPartition> partitions;
        synchronized (lock) {
            partitions = new LinkedHashSet<>(assigned);
        }
        commitPositions(partitions, false);
    }

    /**
     * Commits these offsets (the next offset to read, per partition). A partition sought since its last
     * commit may move backwards. Retriable failures are retried for up to a minute.
     */
    public void commitSync(Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        retrying(() -> {
            send(offsets);
            return null;
        }, "commit");
    }

    /** Commits the current positions in the background; the future fails as commitSync would have thrown. */
    public CompletableFuture<Map<TopicPartition, Long>> commitAsync() {
        Map<TopicPartition, Long> offsets;
        synchronized (lock) {
            offsets = new LinkedHashMap<>();
            for (TopicPartition tp : assigned) {
                Long position = positions.get(tp);
                if (position != null) {
                    offsets.put(tp, position);
                }
            }
        }
        return commitAsync(offsets);
    }

    public CompletableFuture<Map<TopicPartition, Long>> commitAsync(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, Long> copy = Map.copyOf(offsets);
        return CompletableFuture.supplyAsync(() -> {
            commitSync(copy);
            return copy;
        }, io);
    }

    private void commitPositions(Collection<TopicPartition> partitions, boolean once) {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        synchronized (lock) {
            for (TopicPartition tp : partitions) {
                Long position = positions.get(tp);
                if (position != null) {
                    offsets.put(tp, position);
                }
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (once) {
            send(offsets);
        } else {
            commitSync(offsets);
        }
    }

    /** One commit request, as the member it is now; no lock held while it is in flight. */
    private void send(Map<TopicPartition, Long> offsets) {
        if (config.group() == null) {
            throw new IllegalStateException("commits need a group");
        }
        String member;
        long epoch;
        Set<TopicPartition> rewinding;
        synchronized (lock) {
            member = subscribed ? memberId : null;
            epoch = appliedEpoch > 0 ? appliedEpoch : latestEpoch;
            rewinding = new HashSet<>(sought);
            rewinding.retainAll(offsets.keySet());
            if (subscribed && member == null) {
                throw new SluiceClientException(409, "FENCED", "this consumer is not a member of group "
                        + config.group() + " now (it is rejoining); nothing was committed", null, null);
            }
        }
        List<Wire.OffsetCommit> list = new ArrayList<>();
        offsets.forEach((tp, offset) -> list.add(new Wire.OffsetCommit(tp.topic(), tp.partition(), offset, null,
                rewinding.contains(tp) ? Boolean.TRUE : null)));
        // The server takes at most MAX_OFFSETS_PER_COMMIT partitions a request.
        for (int from = 0; from < list.size(); from += MAX_OFFSETS_PER_COMMIT) {
            http.post("/groups/" + config.group() + "/offsets", new Wire.CommitRequest(member,
                    member == null ? null : epoch, list.subList(from, Math.min(list.size(), from + MAX_OFFSETS_PER_COMMIT))),
                    Wire.CommitResponse.class);
        }
        synchronized (lock) {
            sought.removeAll(rewinding);
        }
    }

    /** Auto-commit at the start of poll: positions now are what earlier polls returned, nothing more. */
    private void maybeAutoCommit() {
        if (!config.autoCommit() || config.group() == null) {
            return;
        }
        long now = clock.millis();
        Set<TopicPartition> partitions;
        synchronized (lock) {
            if (now - lastAutoCommit < config.autoCommitInterval().toMillis() || lost) {
                return;
            }
            lastAutoCommit = now;
            partitions = new LinkedHashSet<>(assigned);
        }
        try {
            commitPositions(partitions, true);
        } catch (SluiceClientException e) {
            if (!retriable(e) && !"FENCED".equals(e.code())) {
                throw e;
            }
            // retried at the next poll; a fenced member's partitions are handled as lost
        }
    }

    // ---- heartbeats, on their own thread ----

    private void heartbeatLoop() {
        while (true) {
            synchronized (lock) {
                long waitUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
                while (!closed && !acknowledgeNow) {
                    long left = waitUntil - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
            }
            heartbeatOnce();
        }
    }

    /** One heartbeat, at most one in flight: join, acknowledge, or leave when the application stopped polling. */
    private SluiceClientException heartbeatOnce() {
        synchronized (lock) {
            if (heartbeatInFlight) {
                return null;
            }
            heartbeatInFlight = true;
        }
        try {
            return heartbeat();
        } finally {
            synchronized (lock) {
                heartbeatInFlight = false;
            }
        }
    }

    /** Answers the failure, if the request failed. */
    private SluiceClientException heartbeat() {
        Wire.HeartbeatRequest request;
        long sentAt;
        long sentGeneration;
        String staleMember = null;
        long staleEpoch = 0;
        synchronized (lock) {
            acknowledgeNow = false;
            if (closed || !subscribed) {
                return null;
            }
            sentAt = clock.millis();
            sentGeneration = generation;
            if (memberId != null && sentAt - lastPoll > config.maxPollInterval().toMillis()) {
                String leaving = memberId;
                long epoch = memberEpochNow();
                markLost("the application did not poll within maxPollInterval");
                lostMemberId = null; // left now
                leftForPollInterval = true;
                request = Wire.HeartbeatRequest.leave(leaving, epoch);
            } else if (leftForPollInterval) {
                return null; // rejoin at the next poll
            } else if (memberId == null) {
                staleMember = lostMemberId;
                staleEpoch = lostMemberEpoch;
                request = new Wire.HeartbeatRequest(null, 0L, subscription, config.sessionTimeoutMs());
            } else {
                // Acknowledge the latest assignment only once nothing it takes away is still being worked on.
                boolean revoking = pendingAssignment != null && !pendingAssignment.containsAll(assigned);
                long echo = revoking || latestEpoch == 0 ? appliedEpoch : latestEpoch;
                request = new Wire.HeartbeatRequest(memberId, echo, subscription, config.sessionTimeoutMs());
            }
        }
        if (staleMember != null) {
            // The lost membership may still hold partitions this consumer has already given up: leave it, so
            // they move at once instead of after the server's session. Refused (4xx) if the server dropped it
            // already; if the server did not answer, the join waits for the next round, so as not to wait for
            // partitions the old membership still holds.
            SluiceClientException failed = leave(staleMember, staleEpoch);
            if (failed != null && retriable(failed)) {
                synchronized (lock) {
                    heartbeatIntervalMs = Math.min(heartbeatIntervalMs, 500);
                }
                return failed;
            }
            synchronized (lock) {
                if (staleMember.equals(lostMemberId)) {
                    lostMemberId = null;
                }
            }
        }
        Wire.HeartbeatResponse response;
        try {
            response = http.post("/groups/" + config.group() + "/heartbeat", request, Wire.HeartbeatResponse.class);
        } catch (SluiceClientException e) {
            synchronized (lock) {
                if (request.memberEpoch() == -1 || sentGeneration != generation) {
                    return e;
                }
                if ("FENCED".equals(e.code())) {
                    markLost("fenced: " + e.getMessage());
                } else if (sessionExpired(clock.millis())) {
                    markLost("no heartbeat succeeded within the session");
                }
                heartbeatIntervalMs = Math.min(heartbeatIntervalMs, 500);
            }
            return e;
        }
        if (request.memberEpoch() == -1) {
            return null;
        }
        synchronized (lock) {
            if (sentGeneration != generation || closed) {
                return null; // membership was lost meanwhile; this answer is of the old one
            }
            memberId = response.memberId();
            lastHeartbeatSent = sentAt;
            heartbeatIntervalMs = Math.max(100, response.heartbeatIntervalMs());
            Set<TopicPartition> target = new LinkedHashSet<>();
            response.assignment().forEach(t -> t.partitions().forEach(p -> target.add(new TopicPartition(t.topic(), p))));
            if (response.memberEpoch() != latestEpoch || pendingAssignment != null || !target.equals(assigned)) {
                latestEpoch = response.memberEpoch();
                if (!target.equals(assigned) || appliedEpoch == 0) {
                    pendingAssignment = target;
                    pendingEpoch = response.memberEpoch();
                } else {
                    pendingAssignment = null;
                    appliedEpoch = response.memberEpoch();
                }
            }
        }
        return null;
    }

    /** Membership is gone: stop fetching now; the next poll reports the partitions lost and rejoins. Holds the lock. */
    private void markLost(String why) {
        if (memberId == null && assigned.isEmpty() && !lost) {
            return;
        }
        lost = true;
        if (memberId != null) {
            lostMemberId = memberId;
            lostMemberEpoch = memberEpochNow();
        }
        memberId = null;
        latestEpoch = 0;
        pendingAssignment = null;
        generation++;
        acknowledgeNow = true; // rejoin without waiting for the interval
        lock.notifyAll();
        for (InFlight fetch : inFlight.values()) {
            fetch.result().cancel(true);
        }
    }

    /**
     * The member's epoch as the server last told it, which a leave must name (the server accepts the current
     * epoch and the one before, for a response that got lost). Holds the lock.
     */
    private long memberEpochNow() {
        return latestEpoch > 0 ? latestEpoch : appliedEpoch;
    }

    /** Leaves the group as {@code member}; answers the failure, if the request failed. */
    private SluiceClientException leave(String member, long epoch) {
        try {
            http.post("/groups/" + config.group() + "/heartbeat", Wire.HeartbeatRequest.leave(member, epoch),
                    Wire.HeartbeatResponse.class);
            return null;
        } catch (SluiceClientException e) {
            return e;
        }
    }

    /** True when no heartbeat has succeeded for a whole session, on this consumer's clock. Holds the lock. */
    private boolean sessionExpired(long now) {
        return subscribed && memberId != null && now - lastHeartbeatSent >= config.sessionTimeoutMs();
    }

    // ---- lookups ----

    private Map<TopicPartition, Long> groupOffsets() {
        Map<TopicPartition, Long> committed = new TreeMap<>(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        if (config.group() == null) {
            return committed;
        }
        try {
            Wire.GroupDescription group = http.get("/groups/" + config.group(), Wire.GroupDescription.class);
            group.offsets().forEach(o -> committed.put(new TopicPartition(o.topic(), o.partition()), o.committed()));
        } catch (SluiceClientException e) {
            if (!"UNKNOWN_GROUP".equals(e.code())) {
                throw e;
            }
        }
        return committed;
    }

    private long offsetAt(TopicPartition tp, String at) {
        return retrying(() -> http.get("/topics/" + tp.topic() + "/partitions/" + tp.partition() + "/offsets?at=" + at,
                Wire.OffsetResponse.class).offset(), "look up the " + at + " offset of " + tp);
    }

    /** Runs a call, retrying retriable failures with backoff for up to a minute. */
    private <T> T retrying(Supplier<T> call, String what) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (SluiceClientException e) {
                if (!retriable(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                synchronized (lock) {
                    if (closed) {
                        throw e;
                    }
                }
                sleep(Math.min(1_000, 50L << Math.min(attempt, 5)));
            }
        }
    }

    /** 5xx, 429 (API Gateway's throttling) and no answer at all. */
    static boolean retriable(SluiceClientException e) {
        return e.retriable() || e.status() == 429;
    }

    // ---- close ----

    /**
     * Commits the positions (with auto-commit) and leaves the group. Leaving is always attempted, even
     * when the commit fails; a failed commit is then thrown, after the leave.
     */
    @Override
    public void close() {
        String leaving;
        long leavingEpoch;
        Thread heartbeatThread;
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        RuntimeException commitFailure = null;
        if (config.autoCommit() && config.group() != null) {
            try {
                synchronized (lock) {
                    if (lost || sessionExpired(clock.millis())) {
                        throw new SluiceClientException(409, "FENCED", "membership was lost; nothing committed",
                                null, null);
                    }
                }
                Set<TopicPartition> partitions;
                synchronized (lock) {
                    partitions = new LinkedHashSet<>(assigned);
                }
                commitPositions(partitions, true);
            } catch (RuntimeException e) {
                commitFailure = e;
            }
        }
        synchronized (lock) {
            closed = true;
            leaving = memberId;
            leavingEpoch = memberEpochNow();
            memberId = null;
            heartbeatThread = heartbeats;
            for (InFlight fetch : inFlight.values()) {
                fetch.result().cancel(true);
            }
            inFlight.clear();
            lock.notifyAll();
        }
        try {
            if (leaving != null) {
                leave(leaving, leavingEpoch); // if it failed (gone already, unreachable) the session ends it
            }
        } finally {
            if (heartbeatThread != null) {
                heartbeatThread.interrupt();
            }
            io.shutdownNow();
        }
        if (commitFailure != null && !(commitFailure instanceof SluiceClientException s && "FENCED".equals(s.code()))) {
            throw commitFailure;
        }
    }

    // ---- helpers ----

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this consumer is closed");
        }
    }

    private void requireAssigned(TopicPartition tp) {
        if (!assigned.contains(tp)) {
            throw new IllegalStateException(tp + " is not assigned to this consumer (assigned: " + assigned + ")");
        }
    }

    private void requireAssignedNow(TopicPartition tp) {
        synchronized (lock) {
            requireAssigned(tp);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceClientException(0, "INTERRUPTED", "interrupted", null, e);
        }
    }
}
