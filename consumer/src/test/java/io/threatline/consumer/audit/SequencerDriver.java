package io.threatline.consumer.audit;

import io.threatline.consumer.ConsumerSerdes;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The audit sequencer's real topology in Kafka Streams' test driver: requests in, chained receipts out.
 * Unit tests of what is handed in ({@link AuditLog}) and of what is verified ({@link AuditVerifier})
 * chain through it, so they see the chains the sequencer makes.
 */
final class SequencerDriver implements AutoCloseable {

    static final String REQUESTS = "ti.delivery-receipt-requests.v1";
    /** The indicator key receipts are made with in these tests. */
    static final io.threatline.schemas.privacy.IndicatorKey KEY = io.threatline.schemas.privacy.IndicatorKey.of(
            "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    static final String AUDIT = "ti.delivery-audit.v1";

    final AuditSequencer.Counters counters = new AuditSequencer.Counters();
    private final ConsumerSerdes serdes = new ConsumerSerdes(new InMemorySchemaRegistryClient(), Map.of());
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, DeliveryReceipt> requests;
    private final TestOutputTopic<String, DeliveryReceipt> audit;

    SequencerDriver() {
        this(Map.of());
    }

    /** @param existingHeads what the audit topic holds already, read when the sequencer's store is empty */
    SequencerDriver(Map<String, ReceiptChain.Head> existingHeads) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sequencer-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                AuditSequencer.topology(REQUESTS, AUDIT, serdes.receipt, () -> existingHeads, counters), props);
        requests = driver.createInputTopic(REQUESTS, Serdes.String().serializer(), serdes.receipt.serializer());
        audit = driver.createOutputTopic(AUDIT, Serdes.String().deserializer(), serdes.receipt.deserializer());
    }

    /** Hands in requests as they were written to the requests topic, and returns what the sequencer chained of them. */
    List<DeliveryReceipt> chain(List<DeliveryReceipt> handedIn) {
        handedIn.forEach(r -> requests.pipeInput(r.getPartnerId(), r));
        return audit.readValuesToList();
    }

    void pipeRaw(byte[] bytes) {
        driver.createInputTopic(
                        REQUESTS,
                        Serdes.String().serializer(),
                        Serdes.ByteArray().serializer())
                .pipeInput("interpol", bytes);
    }

    List<DeliveryReceipt> chained() {
        return audit.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
        serdes.close();
    }
}
