package io.sluice.tests.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.share.AckStatus;
import io.sluice.share.AcknowledgeType;
import io.sluice.share.DeadLetter;
import io.sluice.share.DeadLetterProducer;
import io.sluice.share.RecordState;
import io.sluice.share.SharePartition;
import io.sluice.share.SharePartition.Ack;
import io.sluice.share.SharePartition.Acquired;
import io.sluice.share.SharePartition.Candidate;
import io.sluice.share.SharePartition.Rules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The share-partition transitions against a reference model of every lock handed out: random fetches,
 * acks (with current, stale and made-up tokens), clock jumps past locks, dead-letter confirmations and
 * retention. After every step the model checks the invariants the issue names.
 */
class SharePartitionPropertiesTest {

    private static final long LOCK_MS = 1_000;

    /** What the model knows about one offset. */
    private static final class Truth {
        final Integer key;
        int deliveries;
        String token;
        long expiresAt;
        boolean accepted;
        boolean archived;
        boolean deadLetterConfirmed;

        Truth(Integer key) {
            this.key = key;
        }

        boolean held(long now) {
            return token != null && expiresAt > now;
        }

        boolean done(boolean deadLetter) {
            return accepted || (archived && (!deadLetter || deadLetterConfirmed));
        }
    }

    @Property(tries = 300)
    void transitionsKeepEveryInvariant(@ForAll long seed, @ForAll boolean keyOrdering, @ForAll boolean deadLetter,
                                       @ForAll @IntRange(min = 1, max = 5) int limit,
                                       @ForAll @IntRange(min = 1, max = 40) int maxInFlight) {
        Random random = new Random(seed);
        Rules rules = new Rules(limit, maxInFlight, keyOrdering, deadLetter);
        SharePartition state = SharePartition.initial("g", "t", 0, "tid", 0);
        if (deadLetter) {
            state = state.withProducer(new DeadLetterProducer(7, 0, "dlq", 0, 0));
        }
        List<Truth> log = new ArrayList<>();
        long now = 1_000_000;
        int tokens = 0;
        long nextSequence = 0;
        Map<Long, DeadLetter> intents = new HashMap<>();
        for (int step = 0; step < 200; step++) {
            int keys = 1 + random.nextInt(4);
            while (log.size() < 60 && random.nextInt(3) == 0) {
                log.add(new Truth(random.nextInt(5) == 0 ? null : random.nextInt(keys)));
            }
            int op = random.nextInt(10);
            long before = state.startOffset();
            if (op < 4) {
                String token = "tok" + tokens++;
                long from = state.firstAcquirable(now);
                int readLimit = 1 + random.nextInt(30);
                List<Candidate> read = new ArrayList<>();
                for (long o = from; o < log.size() && read.size() < readLimit; o++) {
                    read.add(new Candidate(o, log.get((int) o).key));
                }
                SharePartition.Acquisition a = state.acquire(rules, now, token, LOCK_MS, 1 + random.nextInt(8), read);
                // Locks expired at now end; exhausted records are archived (and maybe dead-lettered).
                for (Acquired acquired : a.acquired()) {
                    Truth t = log.get((int) acquired.offset());
                    assertThat(t.held(now)).as("offset %d acquired while its lock %s is unexpired", acquired.offset(),
                            t.token).isFalse();
                    assertThat(t.accepted || t.archived).as("offset %d acquired after it was done", acquired.offset())
                            .isFalse();
                    t.deliveries++;
                    assertThat(acquired.deliveryCount()).isEqualTo(t.deliveries);
                    assertThat(t.deliveries).as("deliveries of %d", acquired.offset()).isLessThanOrEqualTo(limit);
                    t.token = token;
                    t.expiresAt = acquired.expiresAt();
                    if (keyOrdering && t.key != null) {
                        for (int earlier = 0; earlier < acquired.offset(); earlier++) {
                            Truth e = log.get(earlier);
                            RecordState now0 = a.next().stateOf(earlier);
                            boolean archivedByThisFetch = now0 == RecordState.ARCHIVING || now0 == RecordState.ARCHIVED
                                    || (now0 == RecordState.ACKNOWLEDGED && !e.accepted);
                            if (t.key.equals(e.key)) {
                                assertThat(e.accepted || e.archived || archivedByThisFetch).as("offset %d of key %s acquired while earlier"
                                        + " offset %d is not done", acquired.offset(), t.key, earlier).isTrue();
                            }
                        }
                    }
                }
                state = a.next();
            } else if (op < 8) {
                List<Ack> acks = new ArrayList<>();
                List<Integer> delivered = new ArrayList<>();
                for (int o = 0; o < log.size(); o++) {
                    if (log.get(o).token != null) {
                        delivered.add(o);
                    }
                }
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    long offset = delivered.isEmpty() || random.nextInt(6) == 0 ? random.nextInt(log.size() + 2)
                            : delivered.get(random.nextInt(delivered.size()));
                    Truth t = offset < log.size() ? log.get((int) offset) : null;
                    String token = t != null && t.token != null && random.nextInt(8) != 0 ? t.token
                            : "tok" + random.nextInt(Math.max(1, tokens));
                    acks.add(new Ack(offset, token, AcknowledgeType.values()[random.nextInt(4)]));
                }
                SharePartition.Acknowledgement result = state.acknowledge(rules, now, LOCK_MS, acks);
                for (int k = 0; k < acks.size(); k++) {
                    Ack ack = acks.get(k);
                    AckStatus status = result.statuses().get(k);
                    Truth t = ack.offset() < log.size() ? log.get((int) ack.offset()) : null;
                    boolean mayApply = t != null && !t.accepted && !t.archived && ack.lockToken().equals(t.token)
                            && t.held(now);
                    assertThat(status == AckStatus.OK).as("ack %s answered %s", ack, status).isEqualTo(mayApply);
                    if (status != AckStatus.OK) {
                        continue;
                    }
                    switch (ack.type()) {
                        case ACCEPT -> {
                            t.accepted = true;
                            t.token = null;
                        }
                        case RELEASE -> {
                            t.token = null;
                            if (t.deliveries >= limit) {
                                t.archived = true;
                            }
                        }
                        case REJECT -> {
                            t.archived = true;
                            t.token = null;
                        }
                        case RENEW -> t.expiresAt = now + LOCK_MS;
                    }
                }
                state = result.next();
            } else if (op == 8) {
                now += random.nextInt(3) * LOCK_MS / 2 + random.nextInt(10);
            } else if (!state.deadLetters().isEmpty()) {
                List<Long> confirmed = new ArrayList<>();
                for (DeadLetter d : state.deadLetters()) {
                    if (random.nextBoolean()) {
                        confirmed.add(d.offset());
                    }
                }
                state = state.deadLettered(confirmed);
                confirmed.forEach(o -> log.get(o.intValue()).deadLetterConfirmed = true);
            }
            // Records archived by expiry are learned from the state: the model marks an expired holder archived
            // exactly when the state says so, and checks it used every attempt.
            for (int o = (int) before; o < Math.min(log.size(), state.endOffset()); o++) {
                RecordState s = state.stateOf(o);
                if (o < state.startOffset() && !log.get(o).accepted) {
                    s = RecordState.ARCHIVED;
                }
                Truth t = log.get(o);
                if ((s == RecordState.ARCHIVING || s == RecordState.ARCHIVED) && !t.archived) {
                    assertThat(t.deliveries).as("offset %d archived before its last attempt", o).isEqualTo(limit);
                    assertThat(t.held(now)).isFalse();
                    t.archived = true;
                    t.token = null;
                }
                if (s == RecordState.AVAILABLE && t.token != null) {
                    assertThat(t.held(now)).as("offset %d available while its lock is unexpired", o).isFalse();
                    t.token = null;
                }
            }
            for (DeadLetter d : state.deadLetters()) {
                DeadLetter known = intents.putIfAbsent(d.offset(), d);
                if (known == null) {
                    assertThat(d.sequence()).as("intent sequences are consecutive").isEqualTo(nextSequence++);
                } else {
                    assertThat(d).isEqualTo(known);
                }
            }
            assertThat(state.startOffset()).isGreaterThanOrEqualTo(before);
            for (int o = 0; o < Math.min(state.startOffset(), log.size()); o++) {
                assertThat(log.get(o).done(deadLetter)).as("start offset %d passed offset %d, not done",
                        state.startOffset(), o).isTrue();
            }
            assertThat(state.windowSize()).isLessThanOrEqualTo(maxInFlight);
            assertThat(deadLetter || state.deadLetters().isEmpty()).isTrue();
        }
        long archived = log.stream().filter(t -> t.archived).count();
        assertThat(state.archived()).isEqualTo(archived);
        if (deadLetter) {
            assertThat(intents).hasSize((int) archived);
        }
    }

    @Test
    void aRecordAtItsLimitIsArchivedWhenItsLockExpires() {
        Rules rules = new Rules(2, 10, false, false);
        SharePartition p = SharePartition.initial("g", "t", 0, "tid", 5);
        List<Candidate> read = List.of(new Candidate(5, null));
        p = p.acquire(rules, 0, "a", 10, 1, read).next();
        p = p.acquire(rules, 10, "b", 10, 1, read).next();
        SharePartition.Acquisition third = p.acquire(rules, 20, "c", 10, 1, read);
        assertThat(third.acquired()).isEmpty();
        assertThat(third.next().startOffset()).isEqualTo(6);
        assertThat(third.next().archived()).isEqualTo(1);
    }

    @Test
    void underKeyOrderingALaterRecordOfTheKeyWaitsForTheEarlierOne() {
        Rules rules = new Rules(5, 10, true, false);
        SharePartition p = SharePartition.initial("g", "t", 0, "tid", 0);
        List<Candidate> read = List.of(new Candidate(0, 1), new Candidate(1, 2), new Candidate(2, 1));
        SharePartition.Acquisition a = p.acquire(rules, 0, "a", 100, 10, read);
        assertThat(a.acquired()).extracting(Acquired::offset).containsExactly(0L, 1L);
        SharePartition.Acknowledgement released = a.next().acknowledge(rules, 1, 100,
                List.of(new Ack(0, "a", AcknowledgeType.RELEASE)));
        SharePartition.Acquisition b = released.next().acquire(rules, 2, "b", 100, 10, read);
        assertThat(b.acquired()).extracting(Acquired::offset).containsExactly(0L);
        SharePartition accepted = b.next().acknowledge(rules, 3, 100, List.of(new Ack(0, "b", AcknowledgeType.ACCEPT)))
                .next();
        assertThat(accepted.acquire(rules, 4, "c", 100, 10, read.subList(2, 3)).acquired())
                .extracting(Acquired::offset).containsExactly(2L);
    }

    @Test
    void aStaleOrExpiredTokenChangesNothing() {
        Rules rules = new Rules(5, 10, false, false);
        SharePartition p = SharePartition.initial("g", "t", 0, "tid", 0)
                .acquire(rules, 0, "a", 100, 10, List.of(new Candidate(0, null))).next();
        assertThat(p.acknowledge(rules, 100, 100, List.of(new Ack(0, "a", AcknowledgeType.ACCEPT))).statuses())
                .containsExactly(AckStatus.LOCK_EXPIRED);
        SharePartition again = p.acquire(rules, 100, "b", 100, 10, List.of(new Candidate(0, null))).next();
        SharePartition.Acknowledgement stale = again.acknowledge(rules, 101, 100,
                List.of(new Ack(0, "a", AcknowledgeType.ACCEPT), new Ack(1, "b", AcknowledgeType.ACCEPT)));
        assertThat(stale.statuses()).containsExactly(AckStatus.INVALID_LOCK, AckStatus.INVALID_LOCK);
        assertThat(stale.changed()).isFalse();
        assertThat(again.acknowledge(rules, 101, 100, List.of(new Ack(0, "b", AcknowledgeType.ACCEPT),
                new Ack(0, "b", AcknowledgeType.ACCEPT))).statuses()).containsExactly(AckStatus.OK, AckStatus.ALREADY_DONE);
    }
}
