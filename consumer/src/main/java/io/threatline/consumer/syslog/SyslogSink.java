package io.threatline.consumer.syslog;

import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.contract.PartnerIndicator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The syslog channel of one partner: each indicator of a batch becomes one CEF or LEEF line, sent
 * as the MSG of an RFC 5424 message (TIMESTAMP the indicator's {@code sharedAt}, or the record
 * timestamp when it has none) over TCP or TLS with octet counting, through a {@link SyslogSender}.
 *
 * <p>A batch is confirmed when all its messages were written and flushed; syslog has no
 * application acknowledgement, see {@link SyslogSender} for what that does and does not promise.
 * Trend statistics have no CEF/LEEF form here and are refused by {@link #cannotExpress}. Built by
 * {@link SyslogSinkFactory}, which documents the settings.
 */
public final class SyslogSink implements ChannelSink {

    /** The line format of the MSG part. */
    public enum Format {
        /** ArcSight Common Event Format, see {@link CefFormatter}. */
        CEF(new CefFormatter()::format),
        /** IBM QRadar LEEF 2.0, see {@link LeefFormatter}. */
        LEEF(new LeefFormatter()::format);

        private final Function<PartnerIndicator, String> formatter;

        Format(Function<PartnerIndicator, String> formatter) {
            this.formatter = formatter;
        }

        String format(PartnerIndicator indicator) {
            return formatter.apply(indicator);
        }
    }

    private final String target;
    private final SyslogSender sender;
    private final Format format;
    private final SyslogFrame frame;

    /**
     * A sink.
     *
     * @param target where deliveries go, e.g. {@code syslog+tls://siem.example:6514}
     * @param sender the connection to the receiver; closed with this sink
     * @param format the line format
     * @param frame the RFC 5424 header fields
     */
    public SyslogSink(String target, SyslogSender sender, Format format, SyslogFrame frame) {
        this.target = target;
        this.sender = sender;
        this.format = format;
        this.frame = frame;
    }

    @Override
    public String target() {
        return target;
    }

    @Override
    public Optional<String> cannotExpress(DeliveryRecord record) {
        return record.isIndicator()
                ? Optional.empty()
                : Optional.of("the syslog channel carries indicators as " + format
                        + " events; trend statistics have no " + format + " form");
    }

    @Override
    public void deliver(DeliveryBatch batch) throws DeliveryException {
        List<String> messages = new ArrayList<>(batch.size());
        for (DeliveryRecord record : batch.records()) {
            Optional<String> refused = cannotExpress(record);
            if (refused.isPresent()) {
                throw DeliveryException.permanent(
                        "CHANNEL_CANNOT_EXPRESS", "record " + record.deliveryId() + ": " + refused.get());
            }
            messages.add(message(record));
        }
        sender.send(messages);
    }

    /** The RFC 5424 message of one indicator record, without framing. */
    String message(DeliveryRecord record) {
        PartnerIndicator indicator = record.indicator();
        Instant when =
                indicator.getSharedAt() != null ? indicator.getSharedAt() : Instant.ofEpochMilli(record.timestamp());
        return frame.message(when, format.format(indicator));
    }

    @Override
    public void close() {
        sender.close();
    }
}
