package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.functions.Priming;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.RequestCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SnapStart priming makes one real GetItem (allowed to every function) and changes nothing. */
@ExtendWith(EmbeddedBackends.class)
class PrimingTest {

    @Test
    void primingReadsOneItemThatNeverExists(Backends backends) throws Exception {
        RequestCounter counter = new RequestCounter();
        Backends.Stack stack = backends.fresh(counter);
        Priming priming = Priming.of(stack.dynamo(), stack.table());
        counter.reset();
        assertThat(priming.prime()).isFalse();
        assertThat(counter.snapshot()).containsOnlyKeys("DynamoDb:GetItem");
        assertThat(counter.count("DynamoDb:GetItem")).isEqualTo(1);
    }
}
