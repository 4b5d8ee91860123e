package io.threatline.platform.registry;

import static io.threatline.platform.registry.CompatibilityLevel.BACKWARD;
import static io.threatline.platform.registry.CompatibilityLevel.BACKWARD_TRANSITIVE;
import static io.threatline.platform.registry.CompatibilityLevel.FULL;
import static io.threatline.platform.registry.CompatibilityLevel.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.platform.registry.SchemaLogEntry.SchemaVersion;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SubjectRegistryTest {

    private final InMemorySchemaLog log = new InMemorySchemaLog();
    private final SubjectRegistry registry = new SubjectRegistry(log, BACKWARD);

    private static void assertError(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void firstSchemaGetsIdOneAndVersionOne() {
        // When
        int id = registry.register("s", Schemas.V1);

        // Then
        assertThat(id).isEqualTo(1);
        assertThat(registry.version("s", SubjectRegistry.LATEST, false))
                .isEqualTo(new SchemaVersion("s", 1, 1, AvroSchemas.canonical(AvroSchemas.parse(Schemas.V1)), false));
    }

    @Test
    void registeringTheSameSchemaAgainReturnsItsIdWithoutANewVersion() {
        // Given
        int id = registry.register("s", Schemas.V1);

        // When: same schema, different whitespace
        int again = registry.register("s", Schemas.V1.replace(",", " ,\n "));

        // Then
        assertThat(again).isEqualTo(id);
        assertThat(registry.versions("s", false)).containsExactly(1);
        assertThat(log.records()).hasSize(1);
    }

    @Test
    void sameSchemaInAnotherSubjectGetsTheSameId() {
        // Given
        int id = registry.register("a", Schemas.V1);

        // When
        int other = registry.register("b", Schemas.V1);

        // Then
        assertThat(other).isEqualTo(id);
        assertThat(registry.versionsById(id, false))
                .extracting(SchemaVersion::subject)
                .containsExactly("a", "b");
    }

    @Test
    void differentSchemaGetsTheNextId() {
        registry.register("a", Schemas.V1);
        assertThat(registry.register("b", Schemas.OTHER)).isEqualTo(2);
    }

    @Test
    void backwardRejectsAFieldWithoutDefaultAndAcceptsOneWithDefault() {
        // Given
        registry.register("s", Schemas.V1);

        // When / Then
        assertThatThrownBy(() -> registry.register("s", Schemas.V2_WITHOUT_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.getMessage())
                            .startsWith(
                                    "Schema being registered is incompatible with an earlier "
                                            + "schema for subject \"s\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'");
                });
        assertThat(registry.register("s", Schemas.V2_WITH_DEFAULT)).isEqualTo(2);
        assertThat(registry.versions("s", false)).containsExactly(1, 2);
    }

    @Test
    void subjectLevelOverridesGlobalLevel() {
        // Given
        registry.register("s", Schemas.V1);
        registry.setLevel(null, FULL);
        registry.setLevel("s", NONE);

        // When / Then
        assertThat(registry.register("s", Schemas.OTHER)).isEqualTo(2);
        assertThat(registry.globalLevel()).isEqualTo(FULL);
        assertThat(registry.subjectLevel("s")).contains(NONE);
    }

    @Test
    void transitiveLevelChecksEveryLiveVersion() {
        // Given
        registry.setLevel(null, BACKWARD_TRANSITIVE);
        registry.register("s", Schemas.V1);
        registry.register("s", Schemas.EMPTY);

        // When / Then
        assertError(() -> registry.register("s", Schemas.A_AS_INT), ErrorCode.INCOMPATIBLE_SCHEMA);
        registry.setLevel("s", BACKWARD);
        assertThat(registry.register("s", Schemas.A_AS_INT)).isEqualTo(3);
    }

    @Test
    void softDeletedVersionsAreIgnoredByCompatibilityChecks() {
        // Given
        registry.register("s", Schemas.V1);
        registry.deleteVersion("s", 1, false);

        // When
        int id = registry.register("s", Schemas.V2_WITHOUT_DEFAULT);

        // Then: a new version number, never reusing the deleted one
        assertThat(registry.version("s", SubjectRegistry.LATEST, false).version())
                .isEqualTo(2);
        assertThat(id).isEqualTo(2);
    }

    @Test
    void softDeletedSchemaStaysResolvableByIdAndReRegistrationReusesTheId() {
        // Given
        int id = registry.register("s", Schemas.V1);
        registry.deleteSubject("s", false);

        // Then
        assertThat(registry.schemaById(id)).contains("Indicator");
        assertError(() -> registry.versions("s", false), ErrorCode.SUBJECT_NOT_FOUND);
        assertThat(registry.subjects(false)).isEmpty();
        assertThat(registry.subjects(true)).containsExactly("s");

        // When
        int again = registry.register("s", Schemas.V1);

        // Then
        assertThat(again).isEqualTo(id);
        assertThat(registry.versions("s", true)).containsExactly(1, 2);
    }

    @Test
    void permanentDeleteRequiresASoftDeleteFirst() {
        // Given
        int id = registry.register("s", Schemas.V1);
        registry.register("s", Schemas.V2_WITH_DEFAULT);

        // When / Then
        assertError(() -> registry.deleteVersion("s", 1, true), ErrorCode.VERSION_NOT_SOFT_DELETED);
        assertError(() -> registry.deleteSubject("s", true), ErrorCode.SUBJECT_NOT_SOFT_DELETED);
        registry.deleteVersion("s", 1, false);
        assertError(() -> registry.deleteVersion("s", 1, false), ErrorCode.VERSION_SOFT_DELETED);
        assertThat(registry.deleteVersion("s", 1, true)).isEqualTo(1);
        assertError(() -> registry.schemaById(id), ErrorCode.SCHEMA_NOT_FOUND);
        assertThat(registry.versions("s", true)).containsExactly(2);
    }

    @Test
    void permanentSubjectDeleteAlsoClearsItsCompatibilityLevel() {
        // Given
        registry.register("s", Schemas.V1);
        registry.setLevel("s", FULL);
        registry.deleteSubject("s", false);

        // When
        assertThat(registry.deleteSubject("s", true)).containsExactly(1);

        // Then
        assertThat(registry.subjectLevel("s")).isEmpty();
        assertError(() -> registry.deleteSubject("s", false), ErrorCode.SUBJECT_NOT_FOUND);
    }

    @Test
    void lookupFindsTheVersionHoldingTheSchema() {
        // Given
        registry.register("s", Schemas.V1);
        registry.register("s", Schemas.V2_WITH_DEFAULT);

        // When / Then
        assertThat(registry.lookup("s", Schemas.V1, false).version()).isEqualTo(1);
        assertError(() -> registry.lookup("s", Schemas.OTHER, false), ErrorCode.SCHEMA_NOT_FOUND);
        assertError(() -> registry.lookup("t", Schemas.V1, false), ErrorCode.SUBJECT_NOT_FOUND);
    }

    @Test
    void invalidSchemaIsRefused() {
        assertError(() -> registry.register("s", "{\"type\":\"record\"}"), ErrorCode.INVALID_SCHEMA);
        assertError(() -> registry.register("s", "not json"), ErrorCode.INVALID_SCHEMA);
        assertThat(log.records()).isEmpty();
    }

    @Test
    void failedAppendLeavesStateUnchangedAndReportsAStoreError() {
        // Given
        log.failAppends(true);

        // When / Then
        assertError(() -> registry.register("s", Schemas.V1), ErrorCode.STORE_ERROR);
        assertThat(registry.subjects(true)).isEmpty();
        log.failAppends(false);
        assertThat(registry.register("s", Schemas.V1)).isEqualTo(1);
    }

    @Test
    void stateIsRebuiltFromTheLogAndIdsContinue() {
        // Given
        registry.register("a", Schemas.V1);
        registry.register("a", Schemas.V2_WITH_DEFAULT);
        registry.register("b", Schemas.OTHER);
        registry.deleteVersion("a", 1, false);
        registry.setLevel(null, FULL);
        registry.setLevel("b", NONE);

        // When
        SubjectRegistry restarted = new SubjectRegistry(log, BACKWARD);

        // Then
        assertThat(restarted.subjects(false)).containsExactly("a", "b");
        assertThat(restarted.versions("a", false)).containsExactly(2);
        assertThat(restarted.versions("a", true)).containsExactly(1, 2);
        assertThat(restarted.version("b", 1, false).id()).isEqualTo(3);
        assertThat(restarted.schemaById(1)).isEqualTo(registry.schemaById(1));
        assertThat(restarted.globalLevel()).isEqualTo(FULL);
        assertThat(restarted.subjectLevel("b")).contains(NONE);
        assertThat(restarted.register("c", Schemas.EMPTY)).isEqualTo(4);
    }

    @Test
    void checkCompatibilityAgainstASpecificVersionOrLatest() {
        // Given
        registry.register("s", Schemas.V1);

        // When / Then
        assertThat(registry.checkCompatibility("s", 1, Schemas.V2_WITH_DEFAULT)).isEmpty();
        assertThat(registry.checkCompatibility("s", SubjectRegistry.LATEST, Schemas.V2_WITHOUT_DEFAULT))
                .isNotEmpty();
        assertThat(registry.checkCompatibility("new", null, Schemas.V2_WITHOUT_DEFAULT))
                .isEmpty();
        assertError(() -> registry.checkCompatibility("s", 9, Schemas.V1), ErrorCode.VERSION_NOT_FOUND);
        assertError(() -> registry.checkCompatibility("t", 1, Schemas.V1), ErrorCode.SUBJECT_NOT_FOUND);
    }
}
