package io.threatline.consumer.delivery;

import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.TrendStatistic;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record of a partner's topic on its way to a channel: where it was read (topic, partition,
 * offset) and what it is — a {@link PartnerIndicator} or a {@link TrendStatistic}, both already
 * filtered and redacted by the hub for this partner.
 *
 * @param topic     partner topic it was read from
 * @param partition partition
 * @param offset    offset
 * @param timestamp record timestamp, epoch millis
 * @param key       record key (indicator id, or window and dimension of a statistic)
 * @param value     a {@link PartnerIndicator} or a {@link TrendStatistic}
 */
public record DeliveryRecord(
        String topic, int partition, long offset, long timestamp, String key, SpecificRecord value) {

    public DeliveryRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(value, "value");
        if (!(value instanceof PartnerIndicator) && !(value instanceof TrendStatistic)) {
            throw new IllegalArgumentException("a delivery record is a PartnerIndicator or a TrendStatistic, not "
                    + value.getClass().getName());
        }
        key = key == null ? "" : key;
    }

    public boolean isIndicator() {
        return value instanceof PartnerIndicator;
    }

    public PartnerIndicator indicator() {
        if (value instanceof PartnerIndicator indicator) {
            return indicator;
        }
        throw new IllegalStateException("record " + deliveryId() + " is a statistic, not an indicator");
    }

    public TrendStatistic statistic() {
        if (value instanceof TrendStatistic statistic) {
            return statistic;
        }
        throw new IllegalStateException("record " + deliveryId() + " is an indicator, not a statistic");
    }

    /** The id the receipt lists: the indicator id, or the statistic's key. */
    public String recordId() {
        return isIndicator() ? indicator().getIndicatorId() : key;
    }

    public String agreementId() {
        return isIndicator() ? indicator().getAgreementId() : statistic().getAgreementId();
    }

    public int agreementVersion() {
        return isIndicator() ? indicator().getAgreementVersion() : statistic().getAgreementVersion();
    }

    /**
     * A stable id of this delivery item, the same on every attempt and after a restart:
     * {@code <topic>/<partition>/<offset>}. Receivers dedupe repeats by it.
     */
    public String deliveryId() {
        return topic + "/" + partition + "/" + offset;
    }
}
