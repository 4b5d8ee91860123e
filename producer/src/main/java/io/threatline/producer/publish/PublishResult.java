package io.threatline.producer.publish;

import io.threatline.schemas.Result.Rejection;

/** What became of one published event. */
public sealed interface PublishResult permits PublishResult.Accepted, PublishResult.Rejected, PublishResult.Failed {

    String eventId();

    /** Written to Kafka and acknowledged by all in-sync replicas. */
    record Accepted(String eventId, String indicatorId, int partition, long offset) implements PublishResult {
    }

    /** Not sent: the event breaks the contract's rules. */
    record Rejected(String eventId, Rejection reason) implements PublishResult {
    }

    /** Sent but not acknowledged (broker, registry or serialization failure after retries). */
    record Failed(String eventId, String error) implements PublishResult {
    }
}
