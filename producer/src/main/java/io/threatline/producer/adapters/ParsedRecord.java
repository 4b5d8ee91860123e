package io.threatline.producer.adapters;

import io.threatline.contract.ThreatEvent;

/**
 * What an input adapter makes of one record of its input: an event, or a problem that names where
 * in the input it is (file and line, or a STIX/MISP object id) and why it was not turned into one.
 */
public sealed interface ParsedRecord permits ParsedRecord.Event, ParsedRecord.Problem {

    /** Where in the input: {@code file:line} or {@code file#object-id}. */
    String location();

    /** An event read from the input. Its indicator value is as found (it may be defanged). */
    record Event(ThreatEvent event, String location) implements ParsedRecord {}

    /**
     * A record that could not become an event.
     *
     * @param code    stable machine code, e.g. {@code MALFORMED_JSON}, {@code UNSUPPORTED_PATTERN}, {@code MISSING_COLUMN}
     * @param message human text naming what was wrong
     */
    record Problem(String location, String code, String message) implements ParsedRecord {}
}
