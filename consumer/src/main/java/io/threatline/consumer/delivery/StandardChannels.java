package io.threatline.consumer.delivery;

import io.threatline.consumer.files.FileSinkFactory;
import io.threatline.consumer.kafka.KafkaChannelFactory;
import io.threatline.consumer.syslog.SyslogSinkFactory;
import io.threatline.consumer.webhook.WebhookSinkFactory;
import java.util.List;
import java.util.Map;

/** The push channels Threatline ships, each in its own package: syslog, webhook, files, kafka. */
public final class StandardChannels {

    private StandardChannels() {}

    /**
     * Checks one channel of an agreement as delivery checks it when it builds the channel: a push
     * channel through its factory's {@link ChannelSinkFactory#validate}, a TAXII channel's
     * {@code password} (a secret reference, resolved when on this host). Opens no socket and writes no file.
     *
     * @throws ChannelSettingsException naming partner, channel and setting
     */
    public static void validate(ChannelSettings settings) {
        if (settings.channel() == io.threatline.contract.DeliveryChannel.TAXII) {
            settings.secret("password")
                    .orElseThrow(() -> settings.error("password", "is required (a secret:<name> reference)"));
            return;
        }
        for (ChannelSinkFactory factory : pushChannels(Map.of())) {
            if (factory.channel() == settings.channel()) {
                factory.validate(settings);
                return;
            }
        }
        throw settings.error("channel", "is not a channel delivery knows");
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
