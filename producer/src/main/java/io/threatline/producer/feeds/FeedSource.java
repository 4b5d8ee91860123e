package io.threatline.producer.feeds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.producer.adapters.AdapterDefaults;
import io.threatline.producer.adapters.ParsedRecord;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One kind of external feed: fetches what is new since {@code state} and reads it with the input
 * adapter of its format, handing each event or problem to {@code out}. The state it returns is kept
 * only once everything handed out was published ({@link FeedRunner}), so a pull that fails part-way
 * is done again from the same point: at-least-once, and the hub's dedup absorbs what arrives twice.
 */
public interface FeedSource {

    /**
     * @param state what the last successful pull kept (empty on the first)
     * @return the state to keep once everything handed to {@code out} is published
     * @throws IOException when the feed cannot be fetched or read as a whole (a bad record is a problem
     *                     handed to {@code out}, not an exception)
     */
    ObjectNode pull(ObjectNode state, AdapterDefaults defaults, Consumer<ParsedRecord> out)
            throws IOException, InterruptedException;

    static FeedSource of(FeedSettings feed, FeedHttp http) {
        return switch (feed.kind()) {
            case TAXII -> new TaxiiCollectionFeed(feed, http);
            case MISP -> new MispFeed(feed, http);
            case CSV, JSONL -> new HttpFileFeed(feed, http);
        };
    }
}
