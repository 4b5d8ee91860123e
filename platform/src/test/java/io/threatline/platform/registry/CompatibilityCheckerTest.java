package io.threatline.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.platform.registry.CompatibilityChecker.Previous;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityCheckerTest {

    private static Schema parse(String text) {
        return new Schema.Parser().parse(text);
    }

    private static List<String> check(CompatibilityLevel level, String candidate, String... previousNewestFirst) {
        List<Previous> previous = new java.util.ArrayList<>();
        for (int i = 0; i < previousNewestFirst.length; i++) {
            previous.add(new Previous(previousNewestFirst.length - i, parse(previousNewestFirst[i])));
        }
        return CompatibilityChecker.check(level, parse(candidate), previous);
    }

    @Test
    void addingAFieldWithoutDefaultBreaksBackwardButNotForward() {
        assertThat(check(CompatibilityLevel.BACKWARD, Schemas.V2_WITHOUT_DEFAULT, Schemas.V1))
                .first()
                .asString()
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("'b'");
        assertThat(check(CompatibilityLevel.FORWARD, Schemas.V2_WITHOUT_DEFAULT, Schemas.V1))
                .isEmpty();
    }

    @Test
    void removingAFieldWithoutDefaultBreaksForwardButNotBackward() {
        assertThat(check(CompatibilityLevel.BACKWARD, Schemas.EMPTY, Schemas.V1))
                .isEmpty();
        assertThat(check(CompatibilityLevel.FORWARD, Schemas.EMPTY, Schemas.V1)).isNotEmpty();
    }

    @Test
    void fullRequiresBothDirections() {
        assertThat(check(CompatibilityLevel.FULL, Schemas.V2_WITH_DEFAULT, Schemas.V1))
                .isEmpty();
        assertThat(check(CompatibilityLevel.FULL, Schemas.V2_WITHOUT_DEFAULT, Schemas.V1))
                .isNotEmpty();
        assertThat(check(CompatibilityLevel.FULL, Schemas.EMPTY, Schemas.V1)).isNotEmpty();
    }

    @Test
    void nonTransitiveLevelsOnlyLookAtTheLatestVersion() {
        // Given: EMPTY (v2) after V1 (v1); A_AS_INT reads EMPTY data but not V1 data
        assertThat(check(CompatibilityLevel.BACKWARD, Schemas.A_AS_INT, Schemas.EMPTY, Schemas.V1))
                .isEmpty();
        assertThat(check(CompatibilityLevel.BACKWARD_TRANSITIVE, Schemas.A_AS_INT, Schemas.EMPTY, Schemas.V1))
                .contains("{oldSchemaVersion: 1}", "{compatibility: 'BACKWARD_TRANSITIVE'}")
                .anySatisfy(m -> assertThat(m).contains("TYPE_MISMATCH"));
    }

    @Test
    void noneAcceptsAnythingAndAFirstVersionIsAlwaysCompatible() {
        assertThat(check(CompatibilityLevel.NONE, Schemas.OTHER, Schemas.V1)).isEmpty();
        assertThat(check(CompatibilityLevel.FULL_TRANSITIVE, Schemas.OTHER)).isEmpty();
    }

    @Test
    void messagesNameTheOldVersionSchemaAndLevel() {
        // When
        List<String> messages = check(CompatibilityLevel.BACKWARD, Schemas.V2_WITHOUT_DEFAULT, Schemas.V1);

        // Then
        assertThat(messages)
                .contains("{oldSchemaVersion: 1}", "{compatibility: 'BACKWARD'}")
                .anySatisfy(m -> assertThat(m).startsWith("{oldSchema: '{\"type\":\"record\""));
    }
}
