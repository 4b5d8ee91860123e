package io.threatline.platform.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.platform.registry.SchemaLogEntry.ConfigCleared;
import io.threatline.platform.registry.SchemaLogEntry.ConfigSet;
import io.threatline.platform.registry.SchemaLogEntry.SchemaVersion;
import io.threatline.platform.registry.SchemaLogEntry.VersionPermanentlyDeleted;
import org.junit.jupiter.api.Test;

class SchemaLogCodecTest {

    @Test
    void schemaVersionIsWrittenInConfluentSchemasTopicLayout() {
        // Given
        SchemaVersion entry = new SchemaVersion("x", 1, 7, "\"string\"", false);

        // When
        SchemaLogCodec.Record record = SchemaLogCodec.encode(entry);

        // Then
        assertThat(record.key()).isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"x\",\"version\":1,\"magic\":1}");
        assertThat(record.value())
                .isEqualTo(
                        "{\"subject\":\"x\",\"version\":1,\"id\":7,\"schema\":\"\\\"string\\\"\",\"deleted\":false}");
    }

    @Test
    void permanentDeleteIsATombstoneForTheVersionKey() {
        // When
        SchemaLogCodec.Record record = SchemaLogCodec.encode(new VersionPermanentlyDeleted("x", 2));

        // Then
        assertThat(record.key()).isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"x\",\"version\":2,\"magic\":1}");
        assertThat(record.value()).isNull();
    }

    @Test
    void globalAndSubjectConfigUseConfluentConfigKeys() {
        // When
        SchemaLogCodec.Record global = SchemaLogCodec.encode(new ConfigSet(null, CompatibilityLevel.FULL));
        SchemaLogCodec.Record cleared = SchemaLogCodec.encode(new ConfigCleared("x"));

        // Then
        assertThat(global.key()).isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
        assertThat(global.value()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(cleared.key()).isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":\"x\",\"magic\":0}");
        assertThat(cleared.value()).isNull();
    }

    @Test
    void everyEntryKindSurvivesARoundTrip() {
        // Given
        SchemaLogEntry[] entries = {
            new SchemaVersion("x", 3, 2, "\"long\"", true),
            new VersionPermanentlyDeleted("x", 3),
            new ConfigSet("x", CompatibilityLevel.FORWARD_TRANSITIVE),
            new ConfigSet(null, CompatibilityLevel.NONE),
            new ConfigCleared(null),
            new ConfigCleared("y")
        };

        for (SchemaLogEntry entry : entries) {
            // When
            SchemaLogCodec.Record record = SchemaLogCodec.encode(entry);

            // Then
            assertThat(SchemaLogCodec.decode(record.key(), record.value())).contains(entry);
        }
    }

    @Test
    void confluentNoopRecordsAreIgnored() {
        // When / Then
        assertThat(SchemaLogCodec.decode("{\"keytype\":\"NOOP\",\"magic\":0}", null))
                .isEmpty();
    }

    @Test
    void valueWrittenByConfluentWithoutDeletedFlagDecodesAsLive() {
        // When
        var decoded = SchemaLogCodec.decode(
                "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}",
                "{\"subject\":\"s\",\"version\":1,\"id\":4,\"schema\":\"\\\"int\\\"\"}");

        // Then
        assertThat(decoded).contains(new SchemaVersion("s", 1, 4, "\"int\"", false));
    }

    @Test
    void malformedRecordIsRefused() {
        // When / Then
        assertThatThrownBy(() -> SchemaLogCodec.decode("not json", null)).isInstanceOf(SchemaLogException.class);
        assertThatThrownBy(() -> SchemaLogCodec.decode(
                        "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1}", "{\"subject\":\"s\"}"))
                .isInstanceOf(SchemaLogException.class);
    }
}
