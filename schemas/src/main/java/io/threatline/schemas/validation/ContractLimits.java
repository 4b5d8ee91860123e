package io.threatline.schemas.validation;

/**
 * The bounds that keep every record Threatline writes, and every indicator's state, within what
 * Kafka accepts however hostile a sensor is (docs/security.md). One home for them: the publisher
 * and the hub's validation refuse an event beyond them ({@link ThreatEventValidator}), the hub's
 * merge keeps an indicator's lists within them, and dead letters keep at most so many original bytes.
 */
public final class ContractLimits {

    /** Longest vendor, sensor id, event id, tag, family or campaign name, in chars. */
    public static final int MAX_LABEL_LENGTH = 256;
    /** Longest indicator value as sent (a URL may be long; anything longer is not an indicator anyone matches). */
    public static final int MAX_VALUE_LENGTH = io.threatline.schemas.identity.IndicatorIdentity.MAX_VALUE_LENGTH;
    /** Longest retraction reason, in chars. */
    public static final int MAX_REASON_LENGTH = 1_024;
    /** Most tags on one event, and in one indicator's state. */
    public static final int MAX_TAGS = 64;
    /** Most malware families on one event, and in one indicator's state. */
    public static final int MAX_FAMILIES = 16;
    /** Most campaigns in one indicator's state (an event names at most one). */
    public static final int MAX_CAMPAIGNS = 16;
    /** Default for the largest sensor-event record (key and value) the hub reads; a larger one is dead-lettered. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;
    /** The most a deployment may raise that limit to: a dead letter must still fit in a record a producer may send. */
    public static final int MAX_MAX_RECORD_BYTES = 512 * 1024;
    /** Most bytes of an original value a dead letter keeps (the rest is named by its size and SHA-256). */
    public static final int MAX_DEAD_LETTER_ORIGINAL_BYTES = 64 * 1024;
    /** Most bytes of an original key a dead letter keeps, and the longest key a dead-letter record gets. */
    public static final int MAX_DEAD_LETTER_KEY_BYTES = 4 * 1024;
    /** Longest reason text a dead letter keeps, in chars. */
    public static final int MAX_DEAD_LETTER_REASON_LENGTH = 2_048;

    private ContractLimits() {}
}
