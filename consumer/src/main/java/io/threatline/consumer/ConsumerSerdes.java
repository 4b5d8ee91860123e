package io.threatline.consumer;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.TrendStatistic;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerde;
import io.threatline.schemas.serde.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The partner side's value serdes, declared once and sharing one caching registry client. Keys are
 * plain strings everywhere.
 */
public final class ConsumerSerdes implements AutoCloseable {
    public final ConfluentAvroSerde<PartnerIndicator> partnerIndicator;
    public final ConfluentAvroSerde<TrendStatistic> trendStatistic;
    public final ConfluentAvroSerde<PartnerAgreement> agreement;
    public final ConfluentAvroSerde<DeadLetter> deadLetter;
    public final ConfluentAvroSerde<DeliveryReceipt> receipt;

    public ConsumerSerdes(SchemaRegistryClient registry, Map<String, ?> serdeConfig) {
        partnerIndicator = serde(PartnerIndicator.class, registry, serdeConfig);
        trendStatistic = serde(TrendStatistic.class, registry, serdeConfig);
        agreement = serde(PartnerAgreement.class, registry, serdeConfig);
        deadLetter = serde(DeadLetter.class, registry, serdeConfig);
        receipt = serde(DeliveryReceipt.class, registry, serdeConfig);
    }

    /** Serdes with a registry client built from {@code clientProperties} ({@code schema.registry.url} and friends). */
    public static ConsumerSerdes from(Map<String, ?> clientProperties) {
        return new ConsumerSerdes(new AvroSerdeConfig(clientProperties).newClient(), clientProperties);
    }

    private static <T extends SpecificRecord> ConfluentAvroSerde<T> serde(
            Class<T> type, SchemaRegistryClient registry, Map<String, ?> config) {
        return ConfluentAvroSerde.specific(type, registry, config, false);
    }

    @Override
    public void close() {
        partnerIndicator.close();
        trendStatistic.close();
        agreement.close();
        deadLetter.close();
        receipt.close();
    }
}
