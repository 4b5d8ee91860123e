package io.threatline.consumer.delivery;

import java.util.List;

import io.threatline.consumer.syslog.SyslogSinkFactory;

/** The push channels Threatline ships, each found in its own package (syslog, webhook, files, kafka). */
public final class StandardChannels {

    private StandardChannels() {
    }

    public static List<ChannelSinkFactory> pushChannels() {
        return List.of(new SyslogSinkFactory());
    }
}
