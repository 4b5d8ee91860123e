package io.threatline.producer.publish;

import io.threatline.schemas.Result.Rejection;

/** What became of one published event. */
public sealed interface PublishResult permits PublishResult.Accepted, PublishResult.Rejected, PublishResult.Failed {

    String eventId();

    /** Written to Kafka and acknowledged by all in-sync replicas. */
    record Accepted(String eventId, String indicatorId, int partition, long offset) implements PublishResult {}

    /** Not sent: the event breaks the contract's rules. */
    record Rejected(String eventId, Rejection reason) implements PublishResult {}

    /**
     * Not written: the broker did not acknowledge it (after the producer's own retries), or it could
     * not be serialized — for instance because the schema registry was unavailable, so the event's
     * schema id could not be had.
     *
     * @param retriable whether publishing the same event again later may succeed with nothing
     *                  changed (a broker or registry outage), as opposed to a failure the event or
     *                  the configuration must fix (an incompatible schema, say). Nothing of a Failed
     *                  event was written, so publishing it again never makes a duplicate.
     */
    record Failed(String eventId, String error, boolean retriable) implements PublishResult {}
}
