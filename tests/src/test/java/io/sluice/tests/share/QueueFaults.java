package io.sluice.tests.share;

import io.sluice.share.ShareGroupConfig;
import io.sluice.share.ShareGroupStore;
import io.sluice.share.SharePartition;
import io.sluice.tests.support.FaultInjector;
import io.sluice.tests.support.FaultPoint;
import io.sluice.tests.support.Faults.InjectedCrash;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Seeded random faults for the queue run: at the log stores' steps (through the Faulty* decorators) and
 * around every share-partition write (a 5xx or a crash before it, a timeout or a crash after it: the
 * write took effect but the caller never hears so).
 */
final class QueueFaults implements FaultInjector {

    private final Random random;
    private final double probability;
    private volatile boolean enabled = true;
    final AtomicLong injected = new AtomicLong();

    QueueFaults(long seed, double probability) {
        this.random = new Random(seed);
        this.probability = probability;
    }

    void disable() {
        enabled = false;
    }

    @Override
    public void reached(FaultPoint point) {
        maybe(point.name().startsWith("AFTER_"), point.name());
    }

    void maybe(boolean after, String where) {
        if (!enabled) {
            return;
        }
        double roll;
        boolean crash;
        synchronized (random) {
            roll = random.nextDouble();
            crash = random.nextInt(3) == 0;
        }
        if (roll >= probability) {
            return;
        }
        injected.incrementAndGet();
        if (crash) {
            throw new InjectedCrash(FaultPoint.BEFORE_HEAD_UPDATE);
        }
        if (after) {
            throw SdkClientException.create("injected timeout after " + where);
        }
        throw SdkServiceException.builder().statusCode(500).message("injected 500 at " + where).build();
    }

    /** The share store with faults around its reads and writes; {@code unconditional} is the broken variant. */
    ShareGroupStore around(ShareGroupStore delegate, boolean unconditional) {
        return new ShareGroupStore() {
            @Override
            public Optional<ShareGroupConfig> getConfig(String group) {
                return delegate.getConfig(group);
            }

            @Override
            public boolean putConfig(long expectedVersion, ShareGroupConfig next) {
                return delegate.putConfig(expectedVersion, next);
            }

            @Override
            public boolean deleteConfig(String group, long expectedVersion) {
                return delegate.deleteConfig(group, expectedVersion);
            }

            @Override
            public List<String> listGroups() {
                return delegate.listGroups();
            }

            @Override
            public Optional<SharePartition> getPartition(String group, String groupId, String topic, int partition) {
                maybe(false, "share-partition read");
                return delegate.getPartition(group, groupId, topic, partition);
            }

            @Override
            public boolean compareAndSet(String groupId, long expectedVersion, SharePartition next) {
                maybe(false, "share-partition write");
                boolean written;
                if (unconditional && expectedVersion > 0) {
                    // BROKEN on purpose: the write lands on whatever is stored now, not on the version read.
                    SharePartition stored = delegate.getPartition(next.group(), groupId, next.topic(), next.partition())
                            .orElseThrow();
                    written = delegate.compareAndSet(groupId, stored.version(), new SharePartition(next.group(),
                            next.topic(), next.partition(), next.topicId(), stored.version() + 1, next.startOffset(),
                            next.ranges(), next.keyHashes(), next.deadLetters(), next.producer(), next.accepted(),
                            next.archived(), next.deadLettered(), next.skipped()));
                } else {
                    written = delegate.compareAndSet(groupId, expectedVersion, next);
                }
                if (written) {
                    maybe(true, "share-partition write");
                }
                return written;
            }

            @Override
            public List<SharePartition> partitions(String group, String groupId) {
                return delegate.partitions(group, groupId);
            }

            @Override
            public void deletePartition(String group, String topic, int partition) {
                delegate.deletePartition(group, topic, partition);
            }
        };
    }
}
