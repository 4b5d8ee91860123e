package io.threatline.consumer.delivery;

import io.threatline.contract.DeliveryChannel;

/** Builds the sink of one push channel from a partner's channel settings. */
public interface ChannelSinkFactory {

    DeliveryChannel channel();

    /**
     * @throws ChannelSettingsException naming the setting when the settings are wrong
     */
    ChannelSink create(ChannelSettings settings);

    /**
     * Whether these settings call for a push worker at all; a partner that reads its Avro topic
     * directly from Kafka, for example, needs none.
     */
    default boolean needsWorker(ChannelSettings settings) {
        return true;
    }
}
