package io.threatline.app;

import io.threatline.contract.ThreatEvent;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.schemas.topics.SensorSources;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SecurityDisabledException;

/** Making a vendor ready to publish, the one way `vendors add` and `run` both use. */
final class VendorProvisioning {

    private VendorProvisioning() {}

    /**
     * What a vendor's sensors set for the serde: they only look up the schema the operator
     * registered for their topic ({@link #registerSchema}); registering needs the operator's credential.
     */
    static final Map<String, Object> SENSOR_SERDE_SETTINGS = Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);

    /**
     * Registers the sensor-event schema under the vendor topic's subject, as the operator (whose
     * settings carry the registry credential where one is required), so that the vendor's sensors
     * need no credential to write: they look the schema up.
     */
    static void registerSchema(Map<String, Object> operatorSettings, ThreatlineTopics topics, String vendor) {
        SchemaRegistryClient registry = new AvroSerdeConfig(operatorSettings).newClient();
        try {
            registry.register(topics.vendorEvents(vendor) + "-value", ThreatEvent.getClassSchema());
        } finally {
            registry.close();
        }
    }

    /**
     * Makes one vendor ready to publish, the one way {@code vendors add} and {@code run} both use:
     * its topic (with {@code topics}' partitions), the sensor-event schema registered under it, and,
     * when {@code users} is given, its SCRAM user with its client settings file; with {@code acls},
     * write on its own topics only.
     *
     * @param operatorSettings the operator's client and serde settings (registry credential included where one is needed)
     * @return the vendor's client settings: its own Kafka credentials when a user was made, never the
     *         operator's registry credential, and {@link #SENSOR_SERDE_SETTINGS}
     * @throws ExecutionException with a {@link SecurityDisabledException} when {@code acls} and the cluster has no authorizer
     */
    static Map<String, Object> provision(
            Admin admin,
            ThreatlineTopics topics,
            String vendor,
            Map<String, Object> operatorSettings,
            Optional<KafkaUsers> users,
            boolean acls)
            throws Exception {
        TopicProvisioner.ensure(admin, List.of(topics.vendorEventsTopic(vendor)));
        registerSchema(operatorSettings, topics, vendor);
        Map<String, Object> settings = new HashMap<>(operatorSettings);
        settings.remove(AvroSerdeConfig.BASIC_AUTH_USER_INFO);
        settings.remove("basic.auth.credentials.source");
        settings.putAll(SENSOR_SERDE_SETTINGS);
        String user = SensorSources.vendorUser(vendor);
        if (users.isPresent()) {
            settings.putAll(
                    users.get().ensureUser(user, AvroSerdeConfig.kafkaOnly(operatorSettings), SENSOR_SERDE_SETTINGS));
        }
        if (acls) {
            admin.createAcls(new SensorSources(topics).vendorWriter(vendor, "User:" + user))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        return settings;
    }
}
