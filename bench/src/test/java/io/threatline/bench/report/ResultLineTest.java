package io.threatline.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResultLineTest {

    @Test
    void shouldRoundTripALineWithTargetAndCommasInTheLabel() {
        // Given
        ResultLine line = ResultLine.of(
                "hub-drain-1000000",
                24322.5,
                "events/s",
                Target.atLeast(100_000),
                "hub drain (EOS v2, 3 agreements), 1,000,000 events");

        // When
        String text = line.format();

        // Then
        assertThat(text)
                .isEqualTo(
                        "RESULT,hub-drain-1000000,24322.5,events/s,>=100000,hub drain (EOS v2, 3 agreements), 1,000,000 events");
        assertThat(ResultLine.parse(text)).isEqualTo(line);
    }

    @Test
    void shouldReadALineWithoutTarget() {
        ResultLine line = ResultLine.parse("RESULT,latency-p50,87.3,ms,,publish → partner topic, p50");

        assertThat(line.target()).isEmpty();
        assertThat(line.value()).isEqualTo(87.3);
        assertThat(line.status()).isEqualTo("—");
        assertThat(line.isThroughput()).isFalse();
    }

    @Test
    void shouldJudgeTheTarget() {
        assertThat(ResultLine.of("a", 99_999, "events/s", Target.atLeast(100_000), "x")
                        .status())
                .isEqualTo("not met");
        assertThat(ResultLine.of("a", 100_000, "events/s", Target.atLeast(100_000), "x")
                        .status())
                .isEqualTo("met");
        assertThat(ResultLine.of("a", 250, "ms", Target.lessThan(250), "x").status())
                .isEqualTo("not met");
        assertThat(ResultLine.of("a", 1024, "MiB", Target.atMost(1024), "x").status())
                .isEqualTo("met");
    }

    @Test
    void shouldRefuseMalformedLines() {
        assertThatThrownBy(() -> ResultLine.parse("RESULT,x,1,ms"))
                .hasMessageContaining("id, value, unit, target and label");
        assertThatThrownBy(() -> ResultLine.parse("RESULT,x,fast,ms,,label")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> ResultLine.parse("RESULT,Bad Id,1,ms,,label")).hasMessageContaining("result id");
        assertThatThrownBy(() -> ResultLine.parse("RESULT,x,1,ms,~5,label")).hasMessageContaining("must start with");
        assertThatThrownBy(() -> ResultLine.of("x", Double.NaN, "ms", "label")).hasMessageContaining("finite");
    }
}
