package io.threatline.consumer.kafka;

import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.ChannelSinkFactory;
import io.threatline.contract.DeliveryChannel;
import io.threatline.schemas.topics.PartnerAcls;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.util.Map;
import java.util.Set;

/**
 * The Kafka channel: the partner reads its own topics directly ({@code format: avro}, the default;
 * nothing to push, Kafka ACLs keep partners apart) or through a JSON mirror ({@code format: json},
 * filled by {@link KafkaJsonMirrorSink}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>format</td><td>{@code avro} (Confluent wire format, read directly) or {@code json}
 *       (a JSON mirror on {@code ti.partner.<id>.indicators.json.v1})</td><td>{@code avro}</td></tr>
 *   <tr><td>principal</td><td>the partner's Kafka principal, for ACLs: only {@code User:<partner id>} (e.g. {@code User:interpol})</td><td></td></tr>
 * </table>
 */
public final class KafkaChannelFactory implements ChannelSinkFactory {

    private final ThreatlineTopics topics;
    private final Map<String, Object> clientProperties;

    public KafkaChannelFactory(ThreatlineTopics topics, Map<String, Object> clientProperties) {
        this.topics = topics;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    @Override
    public DeliveryChannel channel() {
        return DeliveryChannel.KAFKA;
    }

    @Override
    public boolean needsWorker(ChannelSettings settings) {
        return format(settings).equals("json");
    }

    /** Checks the format and that a principal, if given, is the partner's own user ({@link PartnerAcls#checkPrincipal}). */
    @Override
    public void validate(ChannelSettings settings) {
        format(settings);
        settings.optional("principal").ifPresent(p -> {
            try {
                PartnerAcls.checkPrincipal(settings.partnerId(), p);
            } catch (IllegalArgumentException e) {
                throw settings.error("principal", e.getMessage());
            }
        });
    }

    @Override
    public ChannelSink create(ChannelSettings settings) {
        validate(settings);
        if (!needsWorker(settings)) {
            throw settings.error("format", "is avro: the partner reads its topic directly and nothing is pushed");
        }
        return KafkaJsonMirrorSink.open(clientProperties, topics.partnerIndicatorsJson(settings.partnerId()));
    }

    private static String format(ChannelSettings settings) {
        return settings.oneOf("format", "avro", Set.of("avro", "json"));
    }
}
