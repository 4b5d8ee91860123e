package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static io.threatline.streams.topology.HubTestDriver.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.Tlp;
import io.threatline.schemas.serde.SchemaRegistryException;
import io.threatline.streams.HubConfig;
import io.threatline.streams.validate.RegistryUnavailableException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A schema registry that cannot answer never gets a valid event dead-lettered: validation waits,
 * then fails the stream thread without consuming the record, and the record read again after the
 * registry is back is processed as if nothing happened. Broker-backed: {@code HubRegistryOutageIT}.
 */
class HubRegistryOutageTest {

    private static final String KEY = "domain:c2.shylock-example.com";
    private final FlakyRegistry registry = new FlakyRegistry();
    private HubTestDriver hub;

    @AfterEach
    void close() {
        hub.close();
    }

    static Stream<Arguments> outages() {
        return Stream.of(
                Arguments.of("connection refused", FlakyRegistry.unreachable()),
                Arguments.of("HTTP 500", FlakyRegistry.httpError(500)),
                Arguments.of("HTTP 503", FlakyRegistry.httpError(503)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outages")
    void shouldFailTheThreadWithoutDeadLetteringAValidEventWhileTheRegistryCannotAnswer(
            String name, SchemaRegistryException outage) {
        // Given a valid event whose schema the hub has not read yet, and a registry that then stops answering
        hub = new HubTestDriver(Map.of(HubConfig.REGISTRY_WAIT, "PT0S"), registry);
        byte[] bytes = serialized();
        registry.fail(outage);

        // When the hub reads it
        Throwable failure = catchThrowable(() -> hub.sendBytes(KEY, bytes, T0));

        // Then the stream thread fails, for a reason the hub's handler recognises as an outage, and nothing is written
        assertThat(failure).as("the record is not consumed").isNotNull();
        assertThat(SchemaRegistryException.retriableIn(failure)).isPresent();
        assertThat(causes(failure)).anyMatch(RegistryUnavailableException.class::isInstance);
        assertThat(hub.deadLetters.isEmpty())
                .as("a valid event is never dead-lettered for an outage")
                .isTrue();
        assertThat(hub.indicators.isEmpty()).isTrue();
        assertThat(hub.counters.rejectedCount()).isZero();

        // When the registry is back and the record is read again (as the replacement thread does from the last commit)
        registry.recover();
        hub.sendBytes(KEY, bytes, T0);

        // Then it is processed exactly as without the outage
        Indicator created = hub.indicators.readValue();
        assertThat(created.getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(created.getId()).isEqualTo(KEY);
        assertThat(hub.indicators.isEmpty()).isTrue();
        assertThat(hub.deadLetters.isEmpty()).isTrue();
        assertThat(hub.counters.eventsIn.sum()).as("counted once").isEqualTo(1);
    }

    @Test
    void shouldRideOutABriefOutageWithinTheWaitWithoutFailingTheThread() {
        // Given a registry that fails the hub's next two calls, and the default wait of a few seconds
        hub = new HubTestDriver(Map.of(), registry);
        byte[] bytes = serialized();
        registry.failNext(2, FlakyRegistry.unreachable());

        // When the hub reads the event
        hub.sendBytes(KEY, bytes, T0);

        // Then it asked again until the registry answered, and the event went through
        assertThat(registry.failedCalls.get()).isEqualTo(2);
        assertThat(hub.indicators.readValue().getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(hub.deadLetters.isEmpty()).isTrue();
        assertThat(hub.counters.registryWaits.sum()).isEqualTo(1);
    }

    @Test
    void shouldFailTheThreadWhenTheRegistryCannotTakeAnOutputSchemaEither() {
        // Given the hub has read one event (its reader is cached) but not yet written an indicator
        hub = new HubTestDriver(Map.of(HubConfig.REGISTRY_WAIT, "PT0S"), registry);
        byte[] bytes = serialized();
        hub.serdes.threatEvent.deserializer().deserialize(HubTestDriver.TOPICS.sensorEvents(), bytes);
        registry.fail(FlakyRegistry.httpError(503));

        // When an event arrives whose indicator cannot be serialized, the Indicator schema not being registered yet
        Throwable failure = catchThrowable(() -> hub.sendBytes(KEY, bytes, T0));

        // Then the thread fails for the outage (the handler replaces it) and nothing is dead-lettered
        assertThat(SchemaRegistryException.retriableIn(failure)).isPresent();
        assertThat(causes(failure))
                .as("it failed writing, not reading")
                .noneMatch(RegistryUnavailableException.class::isInstance);
        assertThat(hub.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldStillDeadLetterASchemaIdTheRegistryNeverHad() {
        // Given a registry that answers, and a record naming schema id 4242, which it does not have
        hub = new HubTestDriver(Map.of(), registry);
        byte[] bytes = serialized();
        ByteBuffer.wrap(bytes, 1, 4).putInt(4242);

        // When the hub reads it
        hub.sendBytes(KEY, bytes, T0);

        // Then that record is bad for good: dead-lettered with the reason and its bytes, without waiting
        DeadLetter letter = hub.deadLetters.readValue();
        assertThat(letter.getReasonCode()).isEqualTo("DESERIALIZATION_FAILED");
        assertThat(letter.getReason()).contains("Unknown schema id 4242");
        assertThat(letter.getOriginalValue()).isEqualTo(ByteBuffer.wrap(bytes));
        assertThat(hub.counters.registryWaits.sum()).isZero();
        assertThat(hub.indicators.isEmpty()).isTrue();
    }

    private byte[] serialized() {
        return hub.serdes
                .threatEvent
                .serializer()
                .serialize(
                        HubTestDriver.TOPICS.sensorEvents(),
                        event(
                                "e1",
                                IndicatorType.DOMAIN,
                                "c2.shylock-example[.]com",
                                Tlp.GREEN,
                                80,
                                "acme",
                                "Shylock"));
    }

    private static Stream<Throwable> causes(Throwable t) {
        return Stream.iterate(t, java.util.Objects::nonNull, Throwable::getCause)
                .limit(32);
    }
}
