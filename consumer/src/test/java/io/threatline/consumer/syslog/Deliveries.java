package io.threatline.consumer.syslog;

import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.TrendStatistic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;

/** Delivery records, batches and channel settings for the syslog channel tests. */
final class Deliveries {

    static final String PARTNER = "europol-ec3";
    static final String TOPIC = "ti.partner.europol-ec3.indicators";
    private static final AtomicLong OFFSETS = new AtomicLong();

    private Deliveries() {}

    static DeliveryRecord record(SpecificRecord value) {
        return new DeliveryRecord(TOPIC, 0, OFFSETS.getAndIncrement(), Samples.SHARED_AT.toEpochMilli(), "k", value);
    }

    static DeliveryBatch batch(List<PartnerIndicator> indicators) {
        List<DeliveryRecord> records = new ArrayList<>();
        for (PartnerIndicator i : indicators) {
            records.add(record(i));
        }
        return batchOf(records);
    }

    static DeliveryBatch batchOf(List<DeliveryRecord> records) {
        return new DeliveryBatch(PARTNER, DeliveryChannel.SYSLOG, "mou-2026-01", 3, records);
    }

    static TrendStatistic statistic() {
        return TrendStatistic.newBuilder()
                .setPartnerId(PARTNER)
                .setAgreementId("mou-2026-01")
                .setAgreementVersion(3)
                .setWindow(StatisticWindow.DAILY)
                .setWindowStart(Instant.parse("2026-11-28T00:00:00Z"))
                .setWindowEnd(Instant.parse("2026-11-29T00:00:00Z"))
                .setDimension(StatisticDimension.MALWARE_FAMILY)
                .setDimensionValue("Emotet")
                .setCount(42)
                .build();
    }

    static ChannelSettings settings(Map<String, String> values) {
        return settings(values, Map.of());
    }

    static ChannelSettings settings(Map<String, String> values, Map<String, String> environment) {
        return new ChannelSettings(PARTNER, DeliveryChannel.SYSLOG, values, new Secrets(Optional.empty(), environment));
    }
}
