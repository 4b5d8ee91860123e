package io.threatline.producer.adapters;

import java.util.Locale;

/** The input formats the producer reads. */
public enum InputFormat {
    /** A STIX 2.1 bundle (JSON object with "type": "bundle"). */
    STIX,
    /** A MISP event (JSON object with an "Event" member, or a bare event). */
    MISP,
    /** CSV with a header row; see {@code CsvAdapter} for the columns. */
    CSV,
    /** JSON Lines: one ThreatEvent-shaped JSON object per line. */
    JSONL;

    /** Parses a --format value, case-insensitively. */
    public static InputFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown format '" + value + "'; accepted: stix, misp, csv, jsonl");
        }
    }
}
