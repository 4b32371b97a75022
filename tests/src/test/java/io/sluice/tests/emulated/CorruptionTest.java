package io.sluice.tests.emulated;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.CorruptObjectException;
import io.sluice.format.RecordHeader;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.IndexEntry;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Flips one byte of a stored object in S3, for every byte of the batch a fetch reads, and asserts that
 * the fetch fails with the typed corruption error naming the object; it never returns altered data.
 */
@ExtendWith(EmbeddedBackends.class)
class CorruptionTest {

    @Test
    void everyFlippedByteFailsTheFetchWithTheObjectNamed(Backends backends) {
        Backends.Stack stack = backends.fresh();
        LogServices log = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        log.producer().produce("t", List.of(
                new ProduceRecord("key".getBytes(UTF_8), "value-one".getBytes(UTF_8),
                        List.of(new RecordHeader("h", "x".getBytes(UTF_8))), 0, 1_700_000_000_000L),
                new ProduceRecord(null, "value-two".getBytes(UTF_8), List.of(), 0, 1_700_000_000_001L)));
        IndexEntry entry = stack.metadata().getHead("t", 0).orElseThrow().last();
        byte[] original = stack.objects().get(entry.objectKey());
        assertThat(log.fetcher().fetch("t", 0, 0, 1 << 20).records()).hasSize(2);

        int checked = 0;
        for (long i = entry.byteStart(); i < entry.byteStart() + entry.byteLength(); i++) {
            byte[] damaged = original.clone();
            damaged[(int) i] ^= 0x04;
            overwrite(stack, entry.objectKey(), damaged);
            long position = i;
            assertThatThrownBy(() -> log.fetcher().fetch("t", 0, 0, 1 << 20))
                    .as("byte %d flipped", position)
                    .isInstanceOfSatisfying(CorruptObjectException.class, e -> {
                        assertThat(e.objectKey()).isEqualTo(entry.objectKey());
                        assertThat(e.position()).isBetween(entry.byteStart(), position);
                        assertThat(e.getMessage()).contains(entry.objectKey());
                    });
            checked++;
        }
        assertThat(checked).isEqualTo(entry.byteLength());

        overwrite(stack, entry.objectKey(), original);
        assertThat(log.fetcher().fetch("t", 0, 1, 1 << 20).records().get(0).record().value())
                .isEqualTo("value-two".getBytes(UTF_8));
    }

    /** Objects are immutable to Sluice; only a test (or a failing disk) rewrites one. */
    private static void overwrite(Backends.Stack stack, String key, byte[] bytes) {
        stack.s3().putObject(b -> b.bucket(stack.bucket()).key(key), RequestBody.fromBytes(bytes));
    }
}
