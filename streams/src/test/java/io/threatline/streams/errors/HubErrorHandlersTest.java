package io.threatline.streams.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.DeadLetter;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.schemas.serde.SchemaRegistryException;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.topology.HubCounters;
import io.threatline.streams.topology.HubSerdes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The hub's error handlers and the size bound on what it serialises, decision by decision. */
class HubErrorHandlersTest {

    private static final String EVENTS = "ti.sensor-events.v1";
    private final HubSerdes serdes = new HubSerdes(new InMemorySchemaRegistryClient(), Map.of());
    private final HubCounters counters = new HubCounters();
    private final Map<String, Object> configs = new HashMap<>(Map.of(
            HubDeadLetters.CONFIG,
            new HubDeadLetters(
                    "ti.dead-letter.v1",
                    serdes.deadLetter.serializer(),
                    counters,
                    new SensorInput(ThreatlineTopics.defaults().sensorInputPattern()))));

    @Test
    void shouldRefuseToSerialiseARecordOverTheBoundWithAnExceptionNamingTopicAndSize() {
        BoundedSerde<String> serde = new BoundedSerde<>(Serdes.String(), 10);

        assertThat(serde.serializer().serialize("t", "0123456789")).hasSize(10);
        assertThatThrownBy(() -> serde.serializer().serialize("t", "01234567890"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("t would have 11 bytes, more than the 10");
    }

    @Test
    void shouldDeadLetterTheSensorRecordWhoseOutputCannotBeSerialisedAndGoOn() {
        HubProductionErrors handler = new HubProductionErrors();
        handler.configure(configs);

        ProductionExceptionHandler.Response response = handler.handleSerializationError(
                context(EVENTS, "k", "v"),
                new ProducerRecord<>("ti.indicators.v1", "k", "v"),
                new SerializationException("too big"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        DeadLetter letter = onlyLetter(response.deadLetterQueueRecords());
        assertThat(letter.getReasonCode()).isEqualTo(HubProductionErrors.OUTPUT_REJECTED);
        assertThat(letter.getReason()).contains("too big");
        assertThat(letter.getSourceTopic()).isEqualTo(EVENTS);
        assertThat(letter.getSourceOffset()).isEqualTo(42);
        assertThat(counters.rejectedByReason()).containsEntry(HubProductionErrors.OUTPUT_REJECTED, 1L);
    }

    @Test
    void shouldFailTheThreadForARegistryOutageOrForARecordThatIsNotASensorEvent() {
        HubProductionErrors production = new HubProductionErrors();
        production.configure(configs);
        HubProcessingErrors processing = new HubProcessingErrors();
        processing.configure(configs);
        Exception outage = new SerializationException(
                "cannot register",
                new SchemaRegistryException("registry unreachable", SchemaRegistryException.UNREACHABLE, -1, null));

        assertThat(production
                        .handleSerializationError(
                                context(EVENTS, "k", "v"),
                                new ProducerRecord<>("t", "v"),
                                outage,
                                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE)
                        .result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(processing
                        .handleError(context(EVENTS, "k", "v"), new Record<>("k", "v", 0L), outage)
                        .result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        // An agreement that cannot be applied must not leave older, perhaps wider, terms in force.
        assertThat(processing
                        .handleError(
                                context("ti.agreements.v1", "interpol", "v"),
                                new Record<>("k", "v", 0L),
                                new IllegalStateException("bad"))
                        .result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(processing
                        .handleError(
                                context("hub-events-by-indicator-repartition", "k", "v"),
                                new Record<>("k", "v", 0L),
                                new IllegalStateException("bad"))
                        .result())
                .isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(counters.rejectedCount()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterWhatARecordOfAVendorsOwnTopicOrTheOperatorsBreaksLikeAnyOtherSensorRecord() {
        HubProductionErrors production = new HubProductionErrors();
        production.configure(configs);
        HubProcessingErrors processing = new HubProcessingErrors();
        processing.configure(configs);

        assertThat(production
                        .handleSerializationError(
                                context("ti.vendor.acme.events.v1", "k", "v"),
                                new ProducerRecord<>("t", "v"),
                                new SerializationException("refused"),
                                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE)
                        .result())
                .isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(processing
                        .handleError(
                                context("ti.operator.actions.v1", "k", "v"),
                                new Record<>("k", "v", 0L),
                                new IllegalStateException("bad"))
                        .result())
                .isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(counters.rejectedCount()).isEqualTo(2);
    }

    @Test
    void shouldLeaveFailedSendsToTheDefaultRetryingWhatIsRetriable() {
        HubProductionErrors handler = new HubProductionErrors();
        handler.configure(configs);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("t", new byte[1]);

        assertThat(handler.handleError(context(EVENTS, "k", "v"), record, new TimeoutException("slow"))
                        .result())
                .isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(handler.handleError(context(EVENTS, "k", "v"), record, new RecordTooLargeException("big"))
                        .result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }

    private DeadLetter onlyLetter(List<ProducerRecord<byte[], byte[]>> records) {
        assertThat(records).hasSize(1);
        assertThat(records.get(0).topic()).isEqualTo("ti.dead-letter.v1");
        return serdes.deadLetter
                .deserializer()
                .deserialize("ti.dead-letter.v1", records.get(0).value());
    }

    private static ErrorHandlerContext context(String topic, String key, String value) {
        return new ErrorHandlerContext() {
            public String topic() {
                return topic;
            }

            public int partition() {
                return 1;
            }

            public long offset() {
                return 42;
            }

            public Headers headers() {
                return new RecordHeaders();
            }

            public String processorNodeId() {
                return "dedup";
            }

            public TaskId taskId() {
                return new TaskId(0, 1);
            }

            public long timestamp() {
                return 0;
            }

            public byte[] sourceRawKey() {
                return key.getBytes();
            }

            public byte[] sourceRawValue() {
                return value.getBytes();
            }
        };
    }
}
