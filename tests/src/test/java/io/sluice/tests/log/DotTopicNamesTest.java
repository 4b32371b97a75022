package io.sluice.tests.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.LogServices;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.tests.support.Stores;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, smaller holes: the topic names {@code .} and {@code ..} were accepted (Kafka refuses both), and
 * the {@code ..} topic's segment landed outside {@code seg/}. Both are refused with INVALID_TOPIC_NAME and
 * create nothing; names that merely contain dots are still fine.
 */
class DotTopicNamesTest {

    private final Stores stores = Stores.inMemory();
    private final LogServices log = LogServices.create(stores.objects(), stores.metadata(), stores.groups(),
            Clock.systemUTC());

    @Test
    void theTopicNamesDotAndDotDotAreRefused() {
        for (String name : List.of(".", "..")) {
            assertThatThrownBy(() -> log.topics().create(new CreateTopic(name, 1, null, null, null)))
                    .as(name).isInstanceOfSatisfying(SluiceException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOPIC_NAME));
        }
        assertThat(log.topics().list()).isEmpty();
        for (String name : List.of("...", ".a", "a..b", "_.")) {
            assertThat(log.topics().create(new CreateTopic(name, 1, null, null, null)).name()).isEqualTo(name);
        }
    }
}
