package io.threatline.consumer.audit;

import io.threatline.consumer.ConsumerSerdes;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.schemas.topics.TopicSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the audit topic from its beginning to its current end (committed records only), without a
 * consumer group, handing every receipt to a callback in topic order ({@link TopicSnapshot}).
 */
public final class AuditReader implements AutoCloseable {

    private final Map<String, Object> clientProperties;
    private final ConsumerSerdes serdes;
    private final String topic;

    private AuditReader(Map<String, Object> clientProperties, ConsumerSerdes serdes, String topic) {
        this.clientProperties = clientProperties;
        this.serdes = serdes;
        this.topic = topic;
    }

    public static AuditReader open(Map<String, Object> clientProperties, String topic) {
        return new AuditReader(new HashMap<>(clientProperties), ConsumerSerdes.from(clientProperties), topic);
    }

    /** Reads every receipt now in the topic, in order. */
    public void readAll(Consumer<DeliveryReceipt> each) {
        TopicSnapshot.read(clientProperties, topic, record -> {
            if (record.value() != null) {
                each.accept(serdes.receipt.deserializer().deserialize(topic, record.value()));
            }
        });
    }

    @Override
    public void close() {
        serdes.close();
    }
}
