package io.sluice.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionerTest {

    /** The vectors of Kafka's own {@code UtilsTest.testMurmur2}: a key must hash as Kafka hashes it. */
    @Test
    void murmur2MatchesKafkaVectors() {
        assertThat(Partitioner.murmur2("21".getBytes(UTF_8))).isEqualTo(-973932308);
        assertThat(Partitioner.murmur2("foobar".getBytes(UTF_8))).isEqualTo(-790332482);
        assertThat(Partitioner.murmur2("a-little-bit-long-string".getBytes(UTF_8))).isEqualTo(-985981536);
        assertThat(Partitioner.murmur2("a-little-bit-longer-string".getBytes(UTF_8))).isEqualTo(-1486304829);
        assertThat(Partitioner.murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8".getBytes(UTF_8)))
                .isEqualTo(-58897971);
        assertThat(Partitioner.murmur2(new byte[] {'a', 'b', 'c'})).isEqualTo(479470107);
    }

    @Test
    void keyedPartitionIsPositiveModuloOfHash() {
        byte[] key = "foobar".getBytes(UTF_8);
        assertThat(Partitioner.partitionForKey(key, 7)).isEqualTo((-790332482 & 0x7fffffff) % 7);
        for (int i = 0; i < 1000; i++) {
            assertThat(Partitioner.partitionForKey(("k" + i).getBytes(UTF_8), 13)).isBetween(0, 12);
        }
    }

    @Test
    void stickyPartitionRotatesOverEveryPartition() {
        Partitioner partitioner = new Partitioner();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            seen.add(partitioner.stickyPartition(5));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }

    @Test
    void rejectsNoPartitions() {
        assertThatThrownBy(() -> Partitioner.partitionForKey(new byte[1], 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Partitioner.partitionForKey(null, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
