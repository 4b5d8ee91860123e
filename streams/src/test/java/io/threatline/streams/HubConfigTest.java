package io.threatline.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.IndicatorType;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class HubConfigTest {

    @Test
    void shouldUseTheDesignsLifetimesByDefault() {
        HubConfig config = new HubConfig(Map.of());

        assertThat(config.lifetimes().of(IndicatorType.IPV4)).isEqualTo(Duration.ofDays(30));
        assertThat(config.lifetimes().of(IndicatorType.DOMAIN)).isEqualTo(Duration.ofDays(90));
        assertThat(config.lifetimes().of(IndicatorType.URL)).isEqualTo(Duration.ofDays(90));
        assertThat(config.lifetimes().of(IndicatorType.SHA256)).isEqualTo(Duration.ofDays(365));
        assertThat(config.topics().sensorEvents()).isEqualTo("ti.sensor-events.v1");
        assertThat(config.registryWait()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void shouldStopStartUpNamingABadSetting() {
        assertThatThrownBy(() -> new HubConfig(Map.of(HubConfig.LIFETIME_IP, "30 days")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("threatline.hub.lifetime.ip")
                .hasMessageContaining("ISO-8601 duration");
        assertThatThrownBy(() -> new HubConfig(Map.of(HubConfig.MAX_SOURCES, "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("threatline.hub.max.sources");
        assertThatThrownBy(() -> new HubConfig(Map.of(HubConfig.SCAN_INTERVAL, "-PT1M")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("threatline.hub.scan.interval");
        assertThatThrownBy(() -> new HubConfig(Map.of(HubConfig.REGISTRY_WAIT, "PT30S")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("threatline.hub.registry.wait")
                .hasMessageContaining("between PT0S and PT5S");
    }
}
