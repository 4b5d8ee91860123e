package io.threatline.streams;

import io.threatline.streams.dedup.DedupProcessor;
import io.threatline.streams.dedup.IndicatorState;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads one indicator's record of the hub's state (docs/architecture.md, "The hub's state") with
 * Kafka Streams interactive queries: from this instance's store when its partition is here, or
 * names the instance that holds it ({@code application.server}, the address of that instance's
 * operations endpoint) when the hub runs as several instances. It never reads a store a rebalance
 * is moving: the answer is then "not ready", and the caller asks again.
 */
public final class HubStateQuery {

    /** Where an indicator's state is, and what it is when it is here. */
    public sealed interface Answer {
        /** This instance holds the indicator's partition: its record, or empty when the hub never saw it. */
        record Here(Optional<IndicatorState> state) implements Answer {}

        /** Another instance holds it: ask that one (its operations endpoint). */
        record Elsewhere(String host, int port) implements Answer {}

        /** No instance can answer now (starting, rebalancing, stopped), with why. */
        record NotReady(String why) implements Answer {}
    }

    private final KafkaStreams streams;
    private final HostInfo self;

    /**
     * @param self this instance's {@code application.server}, or null when it has none: then it answers
     *     from the partitions it holds and knows nothing of other instances (right for one instance)
     */
    HubStateQuery(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    /** Where {@code indicatorId}'s state is, and what it is when this instance holds it. */
    public Answer find(String indicatorId) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return new Answer.NotReady("the hub is " + state);
        }
        if (self == null) {
            // No application.server: the instances do not know each other's part; this one answers from its own.
            return read(
                    indicatorId,
                    StoreQueryParameters.fromNameAndType(
                            DedupProcessor.STATE_STORE, QueryableStoreTypes.<String, IndicatorState>keyValueStore()));
        }
        KeyQueryMetadata where = streams.queryMetadataForKey(
                DedupProcessor.STATE_STORE, indicatorId, Serdes.String().serializer());
        if (where == null || KeyQueryMetadata.NOT_AVAILABLE.equals(where)) {
            return new Answer.NotReady("the hub's state is being assigned to its instances");
        }
        HostInfo active = where.activeHost();
        if (!self.equals(active)) {
            return new Answer.Elsewhere(active.host(), active.port());
        }
        return read(
                indicatorId,
                StoreQueryParameters.fromNameAndType(
                                DedupProcessor.STATE_STORE, QueryableStoreTypes.<String, IndicatorState>keyValueStore())
                        .withPartition(where.partition()));
    }

    private Answer read(
            String indicatorId, StoreQueryParameters<ReadOnlyKeyValueStore<String, IndicatorState>> parameters) {
        try {
            return new Answer.Here(Optional.ofNullable(streams.store(parameters).get(indicatorId)));
        } catch (InvalidStateStoreException e) {
            return new Answer.NotReady(
                    "this instance does not hold the indicator's state now (" + e.getMessage() + ")");
        }
    }

    /** The {@code host:port} of {@code application.server}, or null when it is not set. */
    static HostInfo self(Object applicationServer) {
        if (applicationServer == null || applicationServer.toString().isBlank()) {
            return null;
        }
        return HostInfo.buildFromEndpoint(applicationServer.toString());
    }
}
