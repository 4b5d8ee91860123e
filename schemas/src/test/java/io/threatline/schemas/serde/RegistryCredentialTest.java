package io.threatline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.platform.registry.SchemaLog;
import io.threatline.platform.registry.SchemaLogEntry;
import io.threatline.platform.registry.SchemaRegistryServer;
import io.threatline.platform.registry.WriteCredential;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The project's registry client against the local registry told to require the admin's
 * credential for writes: it registers with {@code basic.auth.user.info}, is refused without it,
 * and reads a schema by id with no credential at all (as a partner's deserialiser does).
 */
class RegistryCredentialTest {

    private static final Schema SCHEMA = SchemaBuilder.record("Probe")
            .namespace("io.threatline.test")
            .fields()
            .requiredString("name")
            .endRecord();

    private SchemaRegistryServer server;

    @BeforeEach
    void start() {
        server = SchemaRegistryServer.start(
                SchemaRegistryServer.Settings.defaults()
                        .withPort(0)
                        .withWriteCredential(Optional.of(WriteCredential.of("admin", "adm1n-pw"))),
                new ListLog());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SchemaRegistryClient client(String userInfo) {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, server.url().toString());
        if (userInfo != null) {
            config.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO, userInfo);
        }
        return new AvroSerdeConfig(config).newClient();
    }

    @Test
    void shouldRegisterWithTheAdminsCredentialAndReadWithNone() {
        // When the admin's client registers a schema
        int id;
        try (SchemaRegistryClient admin = client("admin:adm1n-pw")) {
            id = admin.register("probe-value", SCHEMA);
        }

        // Then a client without credentials reads it by id
        try (SchemaRegistryClient reader = client(null)) {
            assertThat(reader.schemaById(id)).isEqualTo(SCHEMA);
        }
    }

    @Test
    void shouldBeRefusedRegisteringWithoutOrWithAWrongCredential() {
        try (SchemaRegistryClient anonymous = client(null);
                SchemaRegistryClient wrong = client("admin:guess")) {
            assertThatThrownBy(() -> anonymous.register("probe-value", SCHEMA)).hasMessageContaining("401");
            assertThatThrownBy(() -> wrong.register("probe-value", SCHEMA)).hasMessageContaining("401");
        }
    }

    /** The registry's log in memory. */
    private static final class ListLog implements SchemaLog {
        private final List<SchemaLogEntry> entries = new ArrayList<>();

        @Override
        public synchronized List<SchemaLogEntry> readAll() {
            return List.copyOf(entries);
        }

        @Override
        public synchronized void append(SchemaLogEntry entry) {
            entries.add(entry);
        }

        @Override
        public void close() {}
    }
}
