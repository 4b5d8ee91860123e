package io.threatline.consumer.delivery;

/** A partner's channel settings are wrong or incomplete; the message names partner, channel and setting. */
public final class ChannelSettingsException extends IllegalArgumentException {
    public ChannelSettingsException(String message) {
        super(message);
    }
}
