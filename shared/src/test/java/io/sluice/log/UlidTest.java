package io.sluice.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class UlidTest {

    @Test
    void isTwentySixCrockfordCharactersThatSortByTime() {
        Random random = new Random(1);
        String earlier = Ulid.generate(1_700_000_000_000L, random);
        String later = Ulid.generate(1_700_000_000_001L, random);
        assertThat(earlier).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(earlier.substring(0, 10)).isLessThan(later.substring(0, 10));
        assertThat(Ulid.generate(0, random)).startsWith("0000000000");
    }

    @Test
    void differsInTheRandomPart() {
        Random random = new Random(2);
        assertThat(Ulid.generate(5, random)).isNotEqualTo(Ulid.generate(5, random));
    }

    @Test
    void rejectsTimesOutOfRange() {
        assertThatThrownBy(() -> Ulid.generate(-1, new Random())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ulid.generate(1L << 48, new Random())).isInstanceOf(IllegalArgumentException.class);
    }
}
