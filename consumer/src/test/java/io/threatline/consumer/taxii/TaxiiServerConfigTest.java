package io.threatline.consumer.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TaxiiServerConfigTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> config = new HashMap<>();
        config.put(TaxiiServerConfig.BOOTSTRAP_SERVERS, "localhost:9092");
        config.put(TaxiiServerConfig.SCHEMA_REGISTRY_URL, "http://localhost:8081");
        return config;
    }

    @Test
    void shouldRefuseTlsWithoutAKeyStoreNamingTheSetting() {
        assertThatThrownBy(() -> new TaxiiServerConfig(minimal()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TaxiiServerConfig.KEYSTORE_PATH);
    }

    @Test
    void shouldRefuseADefaultLimitAboveTheMaximum() {
        Map<String, Object> config = minimal();
        config.put(TaxiiServerConfig.TLS_ENABLED, false);
        config.put(TaxiiServerConfig.DEFAULT_LIMIT, 20_000);

        assertThatThrownBy(() -> new TaxiiServerConfig(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TaxiiServerConfig.DEFAULT_LIMIT);
    }

    @Test
    void shouldPassKafkaPrefixedSettingsToTheConsumers() {
        Map<String, Object> config = minimal();
        config.put(TaxiiServerConfig.TLS_ENABLED, false);
        config.put("kafka.security.protocol", "SSL");

        TaxiiServerConfig parsed = new TaxiiServerConfig(config);

        assertThat(parsed.consumerConfig())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(parsed.defaultLimit()).isEqualTo(1000);
        assertThat(parsed.maxLimit()).isEqualTo(10_000);
    }

    @Test
    void shouldTakeTheLimitsFromTheDeliverySettingsAndTheAddressFromTheCommand() {
        // Given delivery settings (as `threatline deliver` reads them) with TAXII limits and an address of their own
        java.util.Map<String, Object> delivery = new java.util.HashMap<>();
        delivery.put("bootstrap.servers", "localhost:9092");
        delivery.put("schema.registry.url", "http://localhost:8081");
        delivery.put(TaxiiServerConfig.RATE_PER_SECOND, "2.5");
        delivery.put(TaxiiServerConfig.MAX_CONNECTIONS, "64");
        delivery.put(TaxiiServerConfig.PORT, "1234");

        // When the server's settings are made with the command's host and port, TLS off
        TaxiiServerConfig config = new TaxiiServerConfig(
                DeliveryTaxii.serverSettings(delivery, "127.0.0.1", 9999, java.util.Optional.empty(), null));

        // Then the limits come through and the command's address wins
        assertThat(config.ratePerSecond()).isEqualTo(2.5);
        assertThat(config.maxConnections()).isEqualTo(64);
        assertThat(config.port()).isEqualTo(9999);
        assertThat(config.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldRefuseABadLimitNamingIt() {
        java.util.Map<String, Object> settings = new java.util.HashMap<>();
        settings.put(TaxiiServerConfig.BOOTSTRAP_SERVERS, "localhost:9092");
        settings.put(TaxiiServerConfig.SCHEMA_REGISTRY_URL, "http://localhost:8081");
        settings.put(TaxiiServerConfig.TLS_ENABLED, false);
        settings.put(TaxiiServerConfig.RATE_BURST, 0);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TaxiiServerConfig(settings))
                .hasMessageContaining(TaxiiServerConfig.RATE_BURST);
    }
}
