package io.sluice.group;

import io.sluice.error.ErrorCode;
import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.error.SluiceException;
import io.sluice.log.Backoff;
import io.sluice.log.FetchService;
import io.sluice.log.TopicCache;
import io.sluice.meta.TopicConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Consumer groups with server-side assignment, after Kafka's KIP-848, on one conditionally written group
 * item per group (docs/architecture.md, "Consumer groups").
 *
 * <ul>
 *   <li>A heartbeat with member epoch 0 joins, -1 leaves; otherwise it must carry the member's current
 *       epoch (which also acknowledges the last assignment) or the one before (a lost response).</li>
 *   <li>Members whose session ran out are removed by whichever heartbeat comes next: no timers.</li>
 *   <li>The target assignment is balanced and sticky ({@link Assignor}). A member gets a partition only
 *       when no other member may still be working on it: the previous owner must have acknowledged an
 *       assignment without it, or expired.</li>
 *   <li>Commits are fenced twice: the member must be live, at its epoch, and own the partition; and the
 *       checkpoint write is conditional on no later owner having committed.</li>
 * </ul>
 */
public final class GroupService {

    public static final int DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    public static final int MIN_SESSION_TIMEOUT_MS = 1_000;
    public static final int MAX_SESSION_TIMEOUT_MS = 300_000;
    public static final int MAX_TOPICS_PER_MEMBER = 100;
    /**
     * The most characters a member's subscribed topic names may take together. With the JSON framing (two
     * quotes and a comma a name) a subscription then takes at most 2,800 bytes of the group item, and a
     * member, id, epochs and times at their longest, 3,099 bytes before its partitions are counted (measured
     * by {@code GroupHardeningTest}): under 1% of the item's {@link GroupItem#MAX_BYTES}, so 126 members with
     * the largest subscriptions fit before GROUP_TOO_LARGE refuses the next join (a clean 413).
     */
    public static final int MAX_SUBSCRIPTION_CHARS = 2_500;
    /**
     * The most partitions one commit may list. Each is one conditional write (and one head read) in turn, so
     * a commit of this many stays well inside API Gateway's 30 s; a member owning more commits in several
     * requests, as the SDK does.
     */
    public static final int MAX_OFFSETS_PER_COMMIT = 500;
    /**
     * How long an index entry may name a group whose item is not written before a reader may drop it: the
     * longest a creator can run between the two writes (a Lambda runs at most 15 minutes).
     */
    public static final long INDEX_GRACE_MS = 15 * 60_000L;
    static final int MAX_ATTEMPTS = 64;

    /**
     * A member's heartbeat. {@code memberEpoch} 0 joins and names no member id (the server creates one), -1
     * leaves and then {@code leaveEpoch} must be the member's current or previous epoch, as any other
     * heartbeat's {@code memberEpoch} must.
     */
    public record Heartbeat(String memberId, long memberEpoch, List<String> topics, Integer sessionTimeoutMs,
                            Long leaveEpoch) {
        public Heartbeat(String memberId, long memberEpoch, List<String> topics, Integer sessionTimeoutMs) {
            this(memberId, memberEpoch, topics, sessionTimeoutMs, null);
        }

        /** A leave by the member at {@code epoch}. */
        public static Heartbeat leave(String memberId, long epoch) {
            return new Heartbeat(memberId, -1, null, null, epoch);
        }
    }

    /** What the member must do: its epoch to echo, when to heartbeat next, and the partitions it owns now. */
    public record HeartbeatResult(String memberId, long memberEpoch, int heartbeatIntervalMs,
                                  List<TopicPartition> assignment) {
    }

    /**
     * One offset to commit: the next offset to read. {@code rewind} lets the partition's current owner move
     * its committed offset backwards (a seek), see {@link #commit}.
     */
    public record OffsetCommit(String topic, int partition, long offset, String metadata, boolean rewind) {
        public OffsetCommit(String topic, int partition, long offset, String metadata) {
            this(topic, partition, offset, metadata, false);
        }
    }

    public record MemberDescription(String memberId, long memberEpoch, List<TopicPartition> assignment) {
    }

    public record OffsetLag(String topic, int partition, long committed, long highWatermark, long lag) {
    }

    public record GroupDescription(String group, long groupEpoch, List<MemberDescription> members,
                                   List<OffsetLag> offsets) {
    }

    /** Where a reset moves a group's committed offsets. */
    public sealed interface ResetTarget permits Earliest, Latest, AtTimestamp, AtOffset {
    }

    public record Earliest() implements ResetTarget {
    }

    public record Latest() implements ResetTarget {
    }

    public record AtTimestamp(long timestamp) implements ResetTarget {
    }

    public record AtOffset(long offset) implements ResetTarget {
    }

    private final GroupStore store;
    private final TopicCache topics;
    private final FetchService fetcher;
    private final Clock clock;
    private final Backoff backoff;
    private final io.sluice.metrics.Metrics metrics;

    public GroupService(GroupStore store, TopicCache topics, FetchService fetcher, Clock clock, Backoff backoff) {
        this(store, topics, fetcher, clock, backoff, io.sluice.metrics.Metrics.NOOP);
    }

    public GroupService(GroupStore store, TopicCache topics, FetchService fetcher, Clock clock, Backoff backoff,
                        io.sluice.metrics.Metrics metrics) {
        this.store = store;
        this.topics = topics;
        this.fetcher = fetcher;
        this.clock = clock;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    public static void validateGroupName(String group) {
        if (group == null || !TopicConfig.NAME.matcher(group).matches()) {
            throw new SluiceException(ErrorCode.INVALID_GROUP_NAME,
                    "group names are 1 to 249 characters of [a-zA-Z0-9._-]");
        }
    }

    // ---- heartbeat ----

    public HeartbeatResult heartbeat(String group, Heartbeat request) {
        validateGroupName(group);
        int sessionTimeout = validate(request);
        // Only the server creates member ids: a random UUID, 122 bits from a SecureRandom, never guessed.
        String memberId = request.memberEpoch() == 0 ? UUID.randomUUID().toString() : request.memberId();
        return update(group, "heartbeat", current ->
                transition(current, memberId, request, sessionTimeout, clock.millis(), this::partitionCount));
    }

    /** What a change makes of a group: its next state, and what the caller is told once it is stored. */
    record Transition<T>(GroupState next, T result) {
    }

    /**
     * A heartbeat's effect on a group, as a pure function of the stored state, the request, the time and
     * the topics' partition counts: expired members go, the member joins, leaves or heartbeats, the target
     * assignment is recomputed, and the member is moved toward its target. Nothing is read or written here;
     * {@link #update} stores the result with one conditional write, or retries on a newer state.
     *
     * @throws SluiceException FENCED if the member is not in the group or sent an epoch it was not given
     */
    static Transition<HeartbeatResult> transition(GroupState current, String memberId, Heartbeat request,
                                                  int sessionTimeout, long now, ToIntFunction<String> partitions) {
        Map<String, Member> members = new TreeMap<>(current.members());
        boolean changed = members.values().removeIf(m -> m.expiredAt(now));
        Member member = members.get(memberId);
        boolean acknowledged = true;

        if (request.memberEpoch() == -1) {
            if (member == null) {
                throw fenced("member " + memberId + " is not in group " + current.group()
                        + " (it left, or its session expired); nothing to leave");
            }
            if (request.leaveEpoch() == null || !member.acceptsEpoch(request.leaveEpoch())) {
                throw fenced("member " + memberId + " cannot leave from epoch " + request.leaveEpoch()
                        + "; a leave names the member's current or previous epoch");
            }
            members.remove(memberId);
            return new Transition<>(next(current, members, true), new HeartbeatResult(memberId, -1, 0, List.of()));
        }
        List<String> subscription = List.copyOf(new TreeSet<>(request.topics()));
        for (String topic : subscription) {
            // A topic already in the member's subscription may have been deleted since; a new one must exist.
            if ((member == null || !member.topics().contains(topic)) && partitions.applyAsInt(topic) == 0) {
                throw new SluiceException(ErrorCode.UNKNOWN_TOPIC, "unknown topic " + topic
                        + "; a member subscribes only to topics that exist", Map.of("topic", topic));
            }
        }
        if (request.memberEpoch() == 0) {
            member = new Member(memberId, 0, 0, subscription, sessionTimeout, now, List.of(), List.of());
            changed = true;
        } else {
            if (member == null) {
                throw fenced("member " + memberId + " is not in group " + current.group()
                        + " (it left, or its session expired); rejoin with memberEpoch 0");
            }
            List<Owned> owned = member.owned();
            if (request.memberEpoch() == member.memberEpoch()) {
                owned = member.assigned();
            } else if (!member.acceptsEpoch(request.memberEpoch())) {
                throw fenced("member " + memberId + " sent epoch " + request.memberEpoch()
                        + " but is at epoch " + member.memberEpoch() + "; rejoin with memberEpoch 0");
            } else {
                acknowledged = false;
            }
            changed |= !member.topics().equals(subscription);
            member = new Member(memberId, member.memberEpoch(), member.previousEpoch(), subscription,
                    sessionTimeout, now, member.assigned(), owned);
        }
        members.put(memberId, member);

        Map<String, List<TopicPartition>> target = target(members, current.target(), partitions);
        changed |= !target.equals(current.target());
        long groupEpoch = changed ? current.groupEpoch() + 1 : current.groupEpoch();
        member = reconcile(member, target.getOrDefault(memberId, List.of()), members, groupEpoch, acknowledged);
        members.put(memberId, member);

        GroupState next = new GroupState(current.group(), current.version() + 1, groupEpoch, members, target);
        return new Transition<>(next, new HeartbeatResult(memberId, member.memberEpoch(),
                heartbeatInterval(sessionTimeout),
                member.assigned().stream().map(Owned::topicPartition).sorted().toList()));
    }

    /**
     * The one compare-and-set loop every group change goes through: read the group, compute its next
     * state, store it if the group is still at the version read, else back off and compute again.
     *
     * @throws SluiceException CONTENTION after {@value #MAX_ATTEMPTS} lost races; whatever {@code change} throws
     */
    private <T> T update(String group, String what, java.util.function.Function<GroupState, Transition<T>> change) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            GroupState current = store.getGroup(group).orElse(GroupState.empty(group));
            Transition<T> transition = change.apply(current);
            if (current.version() == 0) {
                // A group too large to store is refused before its index entry is written.
                GroupItem.requireWithinBound(transition.next(), GroupItem.encode(transition.next()));
                // The index entry first: a crash between the two writes leaves an entry the list drops later,
                // never a group the list misses.
                store.indexGroup(group, clock.millis());
            }
            if (store.compareAndSetGroup(current.version(), transition.next())) {
                return transition.result();
            }
            backoff.beforeRetry(attempt);
        }
        throw new SluiceException(ErrorCode.CONTENTION, "group " + group + " is too busy; retry the " + what);
    }

    private static int validate(Heartbeat request) {
        if (request.memberEpoch() < -1) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "memberEpoch must be -1, 0 or a member's epoch");
        }
        if (request.memberEpoch() == 0 && request.memberId() != null) {
            throw new SluiceException(ErrorCode.INVALID_MEMBER_ID, "a join (memberEpoch 0) names no memberId: the"
                    + " server creates the member's id and returns it; leave memberId out");
        }
        if (request.memberEpoch() != 0 && (request.memberId() == null || request.memberId().isBlank())) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "memberId is required unless memberEpoch is 0");
        }
        if (request.memberEpoch() == -1 && request.leaveEpoch() == null) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "a leave (memberEpoch -1) needs leaveEpoch, the"
                    + " member's current epoch");
        }
        if (request.memberEpoch() != -1 && request.leaveEpoch() != null) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "leaveEpoch goes only with memberEpoch -1");
        }
        if (request.memberId() != null && request.memberId().length() > 128) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "memberId is at most 128 characters");
        }
        if (request.memberEpoch() != -1) {
            if (request.topics() == null || request.topics().isEmpty()) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "topics must name at least one topic");
            }
            if (request.topics().size() > MAX_TOPICS_PER_MEMBER) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST,
                        "a member subscribes to at most " + MAX_TOPICS_PER_MEMBER + " topics");
            }
            int chars = 0;
            for (String topic : request.topics()) {
                TopicConfig.validateName(topic);
                chars += topic.length();
            }
            if (chars > MAX_SUBSCRIPTION_CHARS) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "a member's topic names take at most "
                        + MAX_SUBSCRIPTION_CHARS + " characters together, these take " + chars,
                        Map.of("maxSubscriptionChars", MAX_SUBSCRIPTION_CHARS));
            }
        }
        int timeout = request.sessionTimeoutMs() == null ? DEFAULT_SESSION_TIMEOUT_MS : request.sessionTimeoutMs();
        if (timeout < MIN_SESSION_TIMEOUT_MS || timeout > MAX_SESSION_TIMEOUT_MS) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "sessionTimeoutMs must be between "
                    + MIN_SESSION_TIMEOUT_MS + " and " + MAX_SESSION_TIMEOUT_MS + ", was " + timeout);
        }
        return timeout;
    }

    /** Heartbeat three times per session, and at least every 5 s, as Kafka's defaults do. */
    static int heartbeatInterval(int sessionTimeoutMs) {
        return Math.min(5_000, sessionTimeoutMs / 3);
    }

    private static Map<String, List<TopicPartition>> target(Map<String, Member> members,
                                                            Map<String, List<TopicPartition>> previous,
                                                            ToIntFunction<String> partitionCount) {
        SortedMap<String, List<String>> subscriptions = new TreeMap<>();
        Map<String, Integer> partitions = new HashMap<>();
        for (Member m : members.values()) {
            subscriptions.put(m.memberId(), m.topics());
            for (String topic : m.topics()) {
                partitions.computeIfAbsent(topic, partitionCount::applyAsInt);
            }
        }
        return Assignor.assign(subscriptions, partitions, previous);
    }

    private int partitionCount(String topic) {
        try {
            return topics.get(topic).partitions();
        } catch (SluiceException unknown) {
            return 0;
        }
    }

    /**
     * Moves a member toward its target: it gives up what it should not have at once, and gets a new
     * partition only if no other member may still be working on it.
     */
    private static Member reconcile(Member member, List<TopicPartition> desired, Map<String, Member> members,
                                    long groupEpoch, boolean acknowledged) {
        Set<TopicPartition> want = new LinkedHashSet<>(desired);
        Set<TopicPartition> heldElsewhere = new TreeSet<>();
        for (Member other : members.values()) {
            if (!other.memberId().equals(member.memberId())) {
                other.owned().forEach(o -> heldElsewhere.add(o.topicPartition()));
                other.assigned().forEach(o -> heldElsewhere.add(o.topicPartition()));
            }
        }
        List<Owned> assigned = new ArrayList<>();
        Set<TopicPartition> have = new TreeSet<>();
        for (Owned o : member.assigned()) {
            if (want.contains(o.topicPartition())) {
                assigned.add(o);
                have.add(o.topicPartition());
            }
        }
        for (TopicPartition tp : want) {
            if (!have.contains(tp) && !heldElsewhere.contains(tp)) {
                assigned.add(new Owned(tp.topic(), tp.partition(), groupEpoch));
            }
        }
        boolean same = assigned.size() == member.assigned().size() && have.size() == assigned.size();
        if (same && member.memberEpoch() > 0) {
            return member;
        }
        Map<TopicPartition, Owned> owned = new TreeMap<>();
        member.owned().forEach(o -> owned.put(o.topicPartition(), o));
        assigned.forEach(o -> owned.put(o.topicPartition(), o));
        // A member that has not acknowledged its last epoch may still echo the one it last acknowledged.
        long previous = acknowledged || member.memberEpoch() == 0 ? member.memberEpoch() : member.previousEpoch();
        return new Member(member.memberId(), groupEpoch, previous, member.topics(),
                member.sessionTimeoutMs(), member.lastHeartbeat(), assigned, List.copyOf(owned.values()));
    }

    private static GroupState next(GroupState current, Map<String, Member> members, boolean changed) {
        return new GroupState(current.group(), current.version() + 1,
                changed ? current.groupEpoch() + 1 : current.groupEpoch(), members, current.target());
    }

    // ---- commits ----

    /**
     * Commits offsets. With a member id, the member must be live, at an epoch it was given and has not
     * left behind (its current one, or any since the last it acknowledged), and own every partition;
     * without one, the group must have no live members (Kafka's assign()). A committed offset only moves
     * backwards with {@code rewind}: from a member, only for a partition in its current assignment (not
     * one it is giving up), and the checkpoint write still loses to any later owner's commit, so a zombie
     * can never rewind its successor's progress.
     *
     * @throws SluiceException FENCED (nothing changed), GROUP_NOT_EMPTY, UNKNOWN_TOPIC, UNKNOWN_PARTITION
     */
    public List<OffsetCommit> commit(String group, String memberId, Long memberEpoch, List<OffsetCommit> offsets) {
        validateGroupName(group);
        if (offsets == null || offsets.isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "offsets must list at least one partition");
        }
        if (offsets.size() > MAX_OFFSETS_PER_COMMIT) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "a commit lists at most " + MAX_OFFSETS_PER_COMMIT
                    + " partitions, this one " + offsets.size() + "; commit in several requests",
                    Map.of("maxOffsetsPerCommit", MAX_OFFSETS_PER_COMMIT));
        }
        Map<TopicPartition, String> topicIds = new HashMap<>();
        for (OffsetCommit o : offsets) {
            if (o == null) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "an offset entry is null");
            }
            TopicConfig topic = topics.get(o.topic()).requirePartition(o.partition());
            if (o.offset() < 0) {
                throw new SluiceException(ErrorCode.INVALID_OFFSET, "a committed offset must not be negative");
            }
            if (o.metadata() != null && o.metadata().length() > 4096) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "metadata is at most 4096 characters");
            }
            if (topicIds.put(new TopicPartition(o.topic(), o.partition()), topic.topicId()) != null) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "partition " + o.topic() + "/" + o.partition()
                        + " is listed twice");
            }
        }
        GroupState state = store.getGroup(group).orElse(GroupState.empty(group));
        long now = clock.millis();
        Map<TopicPartition, Long> epochs = new HashMap<>();
        if (memberId == null) {
            if (state.hasLiveMembers(now)) {
                throw new SluiceException(ErrorCode.GROUP_NOT_EMPTY, "group " + group
                        + " has live members; commit as a member (memberId, memberEpoch)");
            }
            topicIds.keySet().forEach(tp -> epochs.put(tp, state.groupEpoch()));
        } else {
            Member member = state.members().get(memberId);
            if (member == null || member.expiredAt(now)) {
                throw fenced("member " + memberId + " is not a live member of group " + group);
            }
            if (memberEpoch == null || !member.acceptsEpoch(memberEpoch)) {
                throw fenced("member " + memberId + " is at epoch " + member.memberEpoch() + ", not " + memberEpoch);
            }
            for (OffsetCommit o : offsets) {
                TopicPartition tp = new TopicPartition(o.topic(), o.partition());
                if (!member.owns(tp)) {
                    throw fenced("member " + memberId + " does not own " + tp);
                }
                if (o.rewind() && !member.isAssigned(tp)) {
                    throw fenced("member " + memberId + " is giving up " + tp + "; only its current owner may rewind it");
                }
                epochs.put(tp, member.deliveryEpoch(tp));
            }
        }
        requireAtMostHighWatermark(offsets);
        if (memberId == null && state.version() == 0) {
            createEmptyGroup(group);
        }
        List<OffsetCommit> done = new ArrayList<>();
        for (OffsetCommit o : offsets) {
            TopicPartition tp = new TopicPartition(o.topic(), o.partition());
            Checkpoint checkpoint = new Checkpoint(group, o.topic(), o.partition(), topicIds.get(tp), o.offset(),
                    epochs.get(tp), memberId, o.metadata(), now);
            GroupStore.CommitOutcome outcome = o.rewind() ? store.rewind(checkpoint) : store.commit(checkpoint);
            if (outcome == GroupStore.CommitOutcome.FENCED) {
                throw new SluiceException(ErrorCode.FENCED, "a later owner of " + tp + " has committed; this commit "
                        + "is from a zombie", Map.of("committed", describe(done)));
            }
            if (outcome == GroupStore.CommitOutcome.REGRESSION) {
                throw new SluiceException(ErrorCode.CONFLICT, "the committed offset of " + tp
                        + " is already past " + o.offset() + "; offsets only move backwards by a reset",
                        Map.of("committed", describe(done)));
            }
            done.add(o);
        }
        return done;
    }

    /**
     * Refuses the whole commit, before anything is written, if an offset lies above its partition's high
     * watermark: such a checkpoint would show no lag for records never read, and skip them on a restart. An
     * offset at the high watermark (all read) is fine. One strongly consistent head read per partition.
     *
     * @throws OffsetOutOfRangeException naming the partition's logStartOffset and highWatermark
     */
    private void requireAtMostHighWatermark(List<OffsetCommit> offsets) {
        for (OffsetCommit o : offsets) {
            io.sluice.log.PartitionState range = fetcher.range(o.topic(), o.partition());
            if (o.offset() > range.highWatermark()) {
                throw new OffsetOutOfRangeException(o.topic(), o.partition(), o.offset(), range.logStartOffset(),
                        range.highWatermark());
            }
        }
    }

    /**
     * Writes an empty group item for a group that only has checkpoints so far (commits without membership),
     * its index entry first, so that the group is listed. Losing the race to another creator is fine.
     */
    private void createEmptyGroup(String group) {
        store.indexGroup(group, clock.millis());
        store.compareAndSetGroup(0, new GroupState(group, 1, 0, Map.of(), Map.of()));
    }

    private static List<String> describe(List<OffsetCommit> done) {
        return done.stream().map(o -> o.topic() + "/" + o.partition() + "@" + o.offset()).toList();
    }

    // ---- describe and reset ----

    /**
     * Every group, from the group index: one Query, never a Scan. An entry still pending after
     * {@link #INDEX_GRACE_MS} (its creator finished, or crashed between the index write and the group write)
     * is checked once: confirmed if the group item is there, dropped if not. A pending entry younger than
     * that is listed as it is: its group may be being created right now.
     */
    public List<String> list() {
        long now = clock.millis();
        List<String> names = new ArrayList<>();
        for (GroupIndexEntry entry : store.groupIndex()) {
            if (entry.confirmed() || now - entry.writtenAt() < INDEX_GRACE_MS) {
                names.add(entry.group());
            } else if (store.getGroup(entry.group()).isPresent()) {
                store.confirmIndexEntry(entry.group(), entry.writtenAt());
                names.add(entry.group());
            } else if (!store.dropIndexEntry(entry.group(), entry.writtenAt())) {
                names.add(entry.group()); // written again meanwhile: a creator is at work
            }
        }
        return names;
    }

    /** Members, their assignments, and committed offsets with lag. */
    public GroupDescription describe(String group) {
        validateGroupName(group);
        GroupState state = store.getGroup(group).orElse(null);
        List<Checkpoint> checkpoints = store.checkpoints(group);
        if (state == null && checkpoints.isEmpty()) {
            throw new SluiceException(ErrorCode.UNKNOWN_GROUP, "unknown group " + group);
        }
        long now = clock.millis();
        List<MemberDescription> members = new ArrayList<>();
        if (state != null) {
            for (Member m : state.members().values()) {
                if (!m.expiredAt(now)) {
                    members.add(new MemberDescription(m.memberId(), m.memberEpoch(),
                            m.assigned().stream().map(Owned::topicPartition).sorted().toList()));
                }
            }
        }
        List<OffsetLag> offsets = new ArrayList<>();
        Map<String, java.util.Optional<TopicConfig>> current = new HashMap<>();
        for (Checkpoint c : checkpoints) {
            TopicConfig topic = current.computeIfAbsent(c.topic(), this::freshTopic).orElse(null);
            if (topic == null) {
                continue;
            }
            if (!topic.topicId().equals(c.topicId()) || c.partition() >= topic.partitions()) {
                continue;
            }
            long highWatermark = fetcher.latestOffset(c.topic(), c.partition());
            long lag = Math.max(0, highWatermark - c.committed());
            offsets.add(new OffsetLag(c.topic(), c.partition(), c.committed(), highWatermark, lag));
            metrics.record("ConsumerLag", lag, io.sluice.metrics.Metrics.Unit.Count,
                    Map.of("Group", group, "Topic", c.topic()));
        }
        return new GroupDescription(group, state == null ? 0 : state.groupEpoch(), members, offsets);
    }

    /** Resets every partition of {@code topic}; see {@link #reset(String, String, Integer, ResetTarget)}. */
    public List<OffsetCommit> reset(String group, String topicName, ResetTarget to) {
        return reset(group, topicName, null, to);
    }

    /**
     * Moves the group's committed offsets of one partition of {@code topic}, or of all of them when
     * {@code partition} is null. Allowed only while the group has no live members; the group epoch is
     * bumped first, so every earlier member is fenced. An explicit offset must lie within the
     * partition's range when one partition is named; across all partitions it is clamped into each
     * partition's range, as Kafka's {@code kafka-consumer-groups --to-offset} does.
     *
     * @return the new committed offsets, by partition
     */
    public List<OffsetCommit> reset(String group, String topicName, Integer partition, ResetTarget to) {
        validateGroupName(group);
        TopicConfig topic = topics.refresh(topicName);
        if (to == null) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "to is required");
        }
        if (partition != null) {
            topic.requirePartition(partition);
        }
        int from = partition == null ? 0 : partition;
        int until = partition == null ? topic.partitions() : partition + 1;
        List<OffsetCommit> targets = new ArrayList<>();
        for (int p = from; p < until; p++) {
            long offset;
            if (to instanceof Earliest) {
                offset = fetcher.earliestOffset(topicName, p);
            } else if (to instanceof Latest) {
                offset = fetcher.latestOffset(topicName, p);
            } else if (to instanceof AtTimestamp t) {
                offset = fetcher.offsetForTimestamp(topicName, p, t.timestamp());
            } else {
                long wanted = ((AtOffset) to).offset();
                long start = fetcher.earliestOffset(topicName, p);
                long end = fetcher.latestOffset(topicName, p);
                if (partition != null && (wanted < start || wanted > end)) {
                    throw new OffsetOutOfRangeException(topicName, p, wanted, start, end);
                }
                offset = Math.max(start, Math.min(end, wanted));
            }
            targets.add(new OffsetCommit(topicName, p, offset, null));
        }
        long epoch = bumpEpochOfEmptyGroup(group);
        long now = clock.millis();
        for (OffsetCommit target : targets) {
            store.overwrite(new Checkpoint(group, topicName, target.partition(), topic.topicId(), target.offset(),
                    epoch, null, "reset", now));
        }
        return targets;
    }

    private long bumpEpochOfEmptyGroup(String group) {
        return update(group, "reset", current -> {
            long now = clock.millis();
            if (current.hasLiveMembers(now)) {
                throw new SluiceException(ErrorCode.GROUP_NOT_EMPTY, "group " + group
                        + " has live members; stop them (or wait for their sessions to expire) before a reset",
                        Map.of("members", current.members().values().stream().filter(m -> !m.expiredAt(now))
                                .map(Member::memberId).collect(Collectors.toList())));
            }
            GroupState next = new GroupState(group, current.version() + 1, current.groupEpoch() + 1, Map.of(),
                    Map.of());
            return new Transition<>(next, next.groupEpoch());
        });
    }

    /** The topic as stored now, not as cached: describe must not show a deleted topic's offsets. */
    private java.util.Optional<TopicConfig> freshTopic(String name) {
        try {
            return java.util.Optional.of(topics.refresh(name));
        } catch (SluiceException gone) {
            return java.util.Optional.empty();
        }
    }

    private static SluiceException fenced(String message) {
        return new SluiceException(ErrorCode.FENCED, message);
    }
}
