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
            .isInstanceOf(ConfigException.class).hasMessageContaining(TaxiiServerConfig.KEYSTORE_PATH);
    }

    @Test
    void shouldRefuseADefaultLimitAboveTheMaximum() {
        Map<String, Object> config = minimal();
        config.put(TaxiiServerConfig.TLS_ENABLED, false);
        config.put(TaxiiServerConfig.DEFAULT_LIMIT, 20_000);

        assertThatThrownBy(() -> new TaxiiServerConfig(config))
            .isInstanceOf(ConfigException.class).hasMessageContaining(TaxiiServerConfig.DEFAULT_LIMIT);
    }

    @Test
    void shouldPassKafkaPrefixedSettingsToTheConsumers() {
        Map<String, Object> config = minimal();
        config.put(TaxiiServerConfig.TLS_ENABLED, false);
        config.put("kafka.security.protocol", "SSL");

        TaxiiServerConfig parsed = new TaxiiServerConfig(config);

        assertThat(parsed.consumerConfig()).containsEntry("security.protocol", "SSL").containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(parsed.defaultLimit()).isEqualTo(1000);
        assertThat(parsed.maxLimit()).isEqualTo(10_000);
    }
}
