package io.threatline.schemas.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.schemas.Result;

/** Shared checks for the identity tests. */
final class Assertions {

    private Assertions() {}

    static void assertCanonical(IndicatorType type, String raw, String expected) {
        Result<CanonicalIndicator> result = IndicatorIdentity.canonicalize(type, raw);
        assertThat(result.isOk())
                .as("%s %s should be accepted, got %s", type, raw, result)
                .isTrue();
        assertThat(result.value().value()).isEqualTo(expected);
        assertThat(result.value().type()).isEqualTo(type);
    }

    static void assertRejected(IndicatorType type, String raw, String expectedCode) {
        Result<CanonicalIndicator> result = IndicatorIdentity.canonicalize(type, raw);
        assertThat(result.isOk())
                .as("%s %s should be rejected, got %s", type, raw, result)
                .isFalse();
        assertThat(result.rejection().code()).isEqualTo(expectedCode);
        assertThat(result.rejection().message()).isNotBlank();
    }
}
