package io.threatline.consumer.taxii;

import io.threatline.consumer.delivery.DeliveryConfig;
import io.threatline.consumer.delivery.DeliveryService;
import io.threatline.schemas.serde.AvroSerdeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the TAXII server beside a running {@link DeliveryService}: on the same Kafka and registry
 * settings, the same agreements (partners and passwords) and the same audit log (a receipt per
 * page), as {@code threatline deliver} and {@code threatline run} do.
 */
public final class DeliveryTaxii {

    private DeliveryTaxii() {}

    /**
     * @param deliverySettings  the delivery service's settings (Kafka client and serde settings, topic prefix)
     * @param keystore          PKCS12 key store for HTTPS; empty for plain HTTP (local use only)
     * @param keystorePassword  its password, already resolved
     */
    public static TaxiiServer start(
            DeliveryService service,
            Map<String, ?> deliverySettings,
            String host,
            int port,
            Optional<Path> keystore,
            String keystorePassword)
            throws IOException {
        return TaxiiServer.start(
                new TaxiiServerConfig(serverSettings(deliverySettings, host, port, keystore, keystorePassword)),
                new AgreementTaxiiPartners(service.agreements(), service.secrets(), Clock.systemUTC()),
                new TaxiiAuditListener(service.audit()));
    }

    /**
     * The TAXII server's settings: Kafka and serde settings from the delivery service's, every
     * {@code taxii.*} setting of the delivery settings as given (limits such as
     * {@code taxii.rate.per.second}, {@code taxii.connections.max}), then the command's address,
     * port and TLS, which win.
     */
    static Map<String, Object> serverSettings(
            Map<String, ?> deliverySettings, String host, int port, Optional<Path> keystore, String keystorePassword) {
        Map<String, Object> client = DeliveryConfig.clientProperties(deliverySettings);
        Map<String, Object> settings = new HashMap<>();
        settings.put(TaxiiServerConfig.BOOTSTRAP_SERVERS, client.get("bootstrap.servers"));
        settings.put(TaxiiServerConfig.SCHEMA_REGISTRY_URL, client.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL));
        if (client.get(AvroSerdeConfig.BASIC_AUTH_USER_INFO) != null) {
            settings.put(TaxiiServerConfig.REGISTRY_USER_INFO, client.get(AvroSerdeConfig.BASIC_AUTH_USER_INFO));
        }
        AvroSerdeConfig.kafkaOnly(client).forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                settings.put(TaxiiServerConfig.KAFKA_PREFIX + k, v);
            }
        });
        settings.put(
                TaxiiServerConfig.TOPIC_PREFIX,
                new DeliveryConfig(deliverySettings).topics().prefix());
        deliverySettings.forEach((k, v) -> {
            if (k.startsWith("taxii.")) {
                settings.put(k, v);
            }
        });
        settings.put(TaxiiServerConfig.HOST, host);
        settings.put(TaxiiServerConfig.PORT, port);
        settings.put(TaxiiServerConfig.TLS_ENABLED, keystore.isPresent());
        keystore.ifPresent(k -> settings.put(TaxiiServerConfig.KEYSTORE_PATH, k.toString()));
        if (keystorePassword != null && !keystorePassword.isEmpty()) {
            settings.put(TaxiiServerConfig.KEYSTORE_PASSWORD, keystorePassword);
        }
        return settings;
    }
}
