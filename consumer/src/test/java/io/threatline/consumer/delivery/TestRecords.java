package io.threatline.consumer.delivery;

import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.Tlp;
import io.threatline.contract.TrendStatistic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Partner records and batches for the channel tests. */
public final class TestRecords {

    public static final String PARTNER = "europol-ec3";
    public static final String AGREEMENT = "mou-2026-01";
    public static final int VERSION = 3;
    public static final String TOPIC = "ti.partner.europol-ec3.indicators.v1";
    public static final Instant FIRST_SEEN = Instant.parse("2026-11-01T08:00:00.123Z");
    public static final Instant LAST_SEEN = Instant.parse("2026-11-28T17:30:00.456Z");
    public static final Instant VALID_UNTIL = Instant.parse("2026-12-28T17:30:00.456Z");
    public static final Instant SHARED_AT = Instant.parse("2026-11-29T10:15:30.789Z");

    private TestRecords() {}

    public static String valueOf(IndicatorType type) {
        return switch (type) {
            case IPV4 -> "203.0.113.7";
            case IPV6 -> "2001:db8::7";
            case DOMAIN -> "bad.example.com";
            case URL -> "http://bad.example.com/login.php?a=1&b=2";
            case MD5 -> "44d88612fea8a8f36de82e1278abb02f";
            case SHA1 -> "3395856ce81f2b7382dee72602f798b642f14140";
            case SHA256 -> "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
            case EMAIL -> "phisher@bad.example.com";
            case UNKNOWN -> "something";
        };
    }

    /** Every indicator type that is delivered (all but UNKNOWN). */
    public static List<IndicatorType> types() {
        List<IndicatorType> types = new ArrayList<>(List.of(IndicatorType.values()));
        types.remove(IndicatorType.UNKNOWN);
        return types;
    }

    public static PartnerIndicator.Builder indicatorBuilder(IndicatorType type, String value) {
        return PartnerIndicator.newBuilder()
                .setPartnerId(PARTNER)
                .setAgreementId(AGREEMENT)
                .setAgreementVersion(VERSION)
                .setIndicatorId(type.name().toLowerCase() + ":" + value)
                .setType(type)
                .setValue(value)
                .setAction(LifecycleAction.NEW)
                .setFirstSeen(FIRST_SEEN)
                .setLastSeen(LAST_SEEN)
                .setValidUntil(VALID_UNTIL)
                .setConfidence(80)
                .setScore(73)
                .setTlp(Tlp.AMBER)
                .setMalwareFamilies(List.of("Emotet", "TrickBot"))
                .setCampaigns(List.of("winter-2026"))
                .setTags(List.of("c2", "botnet"))
                .setKillChainPhases(List.of(KillChainPhase.DELIVERY, KillChainPhase.COMMAND_AND_CONTROL))
                .setCountry("NL")
                .setAsn(64500L)
                .setVendors(List.of("acme"))
                .setSensors(List.of())
                .setRedistributionAllowed(true)
                .setRedistributionScope("EU law enforcement")
                .setSharedAt(SHARED_AT);
    }

    public static PartnerIndicator indicator(IndicatorType type) {
        return indicatorBuilder(type, valueOf(type)).build();
    }

    public static TrendStatistic statistic(String family, long count) {
        return TrendStatistic.newBuilder()
                .setPartnerId(PARTNER)
                .setAgreementId(AGREEMENT)
                .setAgreementVersion(VERSION)
                .setWindow(StatisticWindow.HOURLY)
                .setWindowStart(Instant.parse("2026-11-29T09:00:00Z"))
                .setWindowEnd(Instant.parse("2026-11-29T10:00:00Z"))
                .setDimension(StatisticDimension.MALWARE_FAMILY)
                .setDimensionValue(family)
                .setCount(count)
                .setPreviousCount(40L)
                .setChangeRatio(0.25)
                .build();
    }

    public static DeliveryRecord record(long offset, org.apache.avro.specific.SpecificRecord value) {
        return new DeliveryRecord(TOPIC, 0, offset, SHARED_AT.toEpochMilli(), "key-" + offset, value);
    }

    /** A batch of the values, at offsets {@code firstOffset, firstOffset + 1, ...}. */
    public static DeliveryBatch batch(
            DeliveryChannel channel, long firstOffset, List<? extends org.apache.avro.specific.SpecificRecord> values) {
        List<DeliveryRecord> records = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            records.add(record(firstOffset + i, values.get(i)));
        }
        return new DeliveryBatch(PARTNER, channel, AGREEMENT, VERSION, records);
    }

    /** One indicator of every type, at offsets from {@code firstOffset}. */
    public static DeliveryBatch everyType(DeliveryChannel channel, long firstOffset) {
        return batch(
                channel,
                firstOffset,
                types().stream().map(TestRecords::indicator).toList());
    }

    /** A clock the test moves. */
    public static final class MutableClock extends Clock {
        private Instant now;

        public MutableClock(Instant start) {
            this.now = start;
        }

        public void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
