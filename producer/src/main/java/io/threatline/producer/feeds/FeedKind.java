package io.threatline.producer.feeds;

import io.threatline.producer.adapters.InputFormat;

/** What an external feed is, and so how it is pulled (docs/sharing-back.md, "External feeds"). */
public enum FeedKind {
    /** A TAXII 2.1 collection: its objects, paged with {@code added_after} and {@code next}. */
    TAXII(InputFormat.STIX),
    /** A MISP feed: {@code manifest.json} and one {@code <uuid>.json} per event. */
    MISP(InputFormat.MISP),
    /** A CSV file over HTTPS, its columns mapped to Threatline's. */
    CSV(InputFormat.CSV),
    /** A JSON Lines file over HTTPS, one event-shaped object per line. */
    JSONL(InputFormat.JSONL);

    private final InputFormat format;

    FeedKind(InputFormat format) {
        this.format = format;
    }

    /** The input format its documents are read as. */
    public InputFormat format() {
        return format;
    }
}
