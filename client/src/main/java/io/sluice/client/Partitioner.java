package io.sluice.client;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the partition of a record exactly as Kafka's default partitioner does for keyed records, so a
 * key lands on the partition Kafka would give it: {@code toPositive(murmur2(keyBytes)) % numPartitions}.
 *
 * <p>Keyless records are sticky per call: every keyless record of one produce call goes to one partition,
 * and successive calls rotate round-robin from a random start. One produce call writes one object
 * whichever partitions it touches, but every partition touched costs a DynamoDB read and up to two
 * writes, so keeping a call's keyless records together is the cheapest even spread (Kafka's KIP-480
 * sticky partitioner makes the same trade for broker batches).
 *
 * <p>The server depends on this copy; clients and the server must never disagree on it.
 */
public final class Partitioner {

    private final AtomicInteger nextSticky = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

    /** Partition for a record key, as Kafka's {@code BuiltInPartitioner.partitionForKey}. */
    public static int partitionForKey(byte[] key, int numPartitions) {
        if (key == null) {
            throw new IllegalArgumentException("a keyed partition needs a key");
        }
        requirePositive(numPartitions);
        return toPositive(murmur2(key)) % numPartitions;
    }

    /** The partition for the keyless records of the next produce call; advances round-robin. */
    public int stickyPartition(int numPartitions) {
        requirePositive(numPartitions);
        return Math.floorMod(nextSticky.getAndIncrement(), numPartitions);
    }

    /** Kafka's {@code Utils.toPositive}: clears the sign bit (not {@code Math.abs}, which overflows). */
    public static int toPositive(int number) {
        return number & 0x7fffffff;
    }

    /** Kafka's {@code Utils.murmur2}: 32-bit MurmurHash2 with seed 0x9747b28c. */
    public static int murmur2(byte[] data) {
        int length = data.length;
        int seed = 0x9747b28c;
        int m = 0x5bd1e995;
        int r = 24;
        int h = seed ^ length;
        int length4 = length / 4;

        for (int i = 0; i < length4; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff)
                    + ((data[i4 + 1] & 0xff) << 8)
                    + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        int tail = length4 * 4;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= m;
                break;
            default:
                break;
        }

        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }

    private static void requirePositive(int numPartitions) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be at least 1, was " + numPartitions);
        }
    }
}
