package io.threatline.consumer.delivery;

import io.threatline.contract.DeliveryChannel;

/**
 * Builds the sink of one push channel from a partner's channel settings. {@link #validate} and
 * {@link #create} check settings through one code path (a factory's {@code create} validates
 * first), so {@code threatline agreements check} refuses exactly what delivery would refuse at start.
 */
public interface ChannelSinkFactory {

    DeliveryChannel channel();

    /**
     * Checks the settings as {@link #create} does, without opening sockets or writing files (files
     * the channel reads are read when the settings are {@linkplain ChannelSettings#onThisHost on this host}).
     *
     * @throws ChannelSettingsException naming partner, channel and setting when the settings are wrong
     */
    void validate(ChannelSettings settings);

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
