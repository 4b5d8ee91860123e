package io.threatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class TimeKeysTest {

    @Property
    void shouldWriteWhatTheFormatterWrites(@ForAll long millis) {
        assertThat(TimeKeys.hex16(millis)).isEqualTo(String.format("%016x", millis));
    }

    @Property
    void shouldSortAsTheTimesDo(@ForAll long a, @ForAll long b) {
        if (a >= 0 && b >= 0) {
            assertThat(Integer.signum(TimeKeys.hex16(a).compareTo(TimeKeys.hex16(b))))
                    .isEqualTo(Long.signum(a - b));
        }
    }
}
