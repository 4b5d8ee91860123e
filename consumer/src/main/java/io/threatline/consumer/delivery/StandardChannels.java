package io.threatline.consumer.delivery;

import java.util.List;
import java.util.Map;

import io.threatline.consumer.files.FileSinkFactory;
import io.threatline.consumer.kafka.KafkaChannelFactory;
import io.threatline.consumer.syslog.SyslogSinkFactory;
import io.threatline.consumer.webhook.WebhookSinkFactory;

/** The push channels Threatline ships, each in its own package: syslog, webhook, files, kafka. */
public final class StandardChannels {

    private StandardChannels() {
    }

    /** @param settings the delivery service's settings (topic prefix, Kafka client settings for the JSON mirror) */
    public static List<ChannelSinkFactory> pushChannels(Map<String, ?> settings) {
        DeliveryConfig config = new DeliveryConfig(settings);
        return List.of(
            new SyslogSinkFactory(),
            new WebhookSinkFactory(),
            new FileSinkFactory(),
            new KafkaChannelFactory(config.topics(), DeliveryConfig.clientProperties(settings)));
    }
}
