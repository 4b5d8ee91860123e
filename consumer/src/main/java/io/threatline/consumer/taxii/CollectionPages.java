package io.threatline.consumer.taxii;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.consumer.stix.StixIds;
import io.threatline.consumer.stix.StixMapper;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.TrendStatistic;
import io.threatline.schemas.Result;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code objects} and {@code manifest} pages of a partner's collection: turns the TAXII
 * query ({@code added_after}, {@code limit}, {@code next}, {@code match[type]},
 * {@code match[id]}, {@code match[version]}, {@code match[spec_version]}) into a
 * {@link KafkaPageReader} read, the records into STIX objects, and the page into the
 * {@link TaxiiDelivery} the audit records.
 *
 * <p>Each NEW/UPDATE/EXPIRE/REVOKE record of an object is one version of it. As TAXII 2.1 says,
 * {@code match[version]} defaults to {@code last}: only the latest version of each object is
 * served, known from the {@link VersionIndex} of the topic. {@code first}, {@code all} and exact
 * versions (the object's {@code modified} timestamp) may be asked for, several at once separated
 * by commas; a record is served when it matches any of them.
 */
final class CollectionPages {

    private static final Logger LOGGER = LoggerFactory.getLogger(CollectionPages.class);

    /** A page ready to send: the served objects with their date_added, and the delivery to audit. */
    record Served(List<ServedObject> objects, Optional<String> next, boolean more, TaxiiDelivery delivery) {}

    record ServedObject(ObjectNode object, long dateAdded) {}

    private record Converted(ObjectNode object, TaxiiDelivery.Item item) {}

    /** Which versions of each object {@code match[version]} asks for. */
    private record VersionFilter(
            boolean all, boolean first, boolean last, Set<String> exact, VersionIndex.Lookup lookup) {

        /** Whether the record's position alone settles it (no exact versions to compare). */
        boolean byPositionOnly() {
            return exact.isEmpty();
        }

        boolean positionMatches(ConsumerRecord<String, byte[]> record) {
            if (all) {
                return true;
            }
            VersionIndex.Versions v = lookup == null ? null : lookup.versions(record.key());
            if (record.key() == null || v == null || v.partition() != record.partition()) {
                // No key: the record is an object of its own, its only version.
                return first || last;
            }
            return (first && v.firstOffset() == record.offset()) || (last && v.lastOffset() == record.offset());
        }

        boolean matches(ConsumerRecord<String, byte[]> record, ObjectNode stix) {
            return positionMatches(record)
                    || exact.contains(stix.path("modified").asText());
        }
    }

    private final KafkaPageReader reader;
    private final ThreatlineTopics topics;
    private final ConfluentAvroDeserializer<PartnerIndicator> indicators;
    private final ConfluentAvroDeserializer<TrendStatistic> statistics;
    private final StixMapper mapper = new StixMapper();
    private final int defaultLimit;
    private final int maxLimit;
    private final VersionIndex versions;
    private final AtomicLong skipped = new AtomicLong();

    CollectionPages(
            KafkaPageReader reader,
            ThreatlineTopics topics,
            ConfluentAvroDeserializer<PartnerIndicator> indicators,
            ConfluentAvroDeserializer<TrendStatistic> statistics,
            int defaultLimit,
            int maxLimit,
            VersionIndex versions) {
        this.reader = reader;
        this.versions = versions;
        this.topics = topics;
        this.indicators = indicators;
        this.statistics = statistics;
        this.defaultLimit = defaultLimit;
        this.maxLimit = maxLimit;
    }

    /** Records that could not be served (undecodable, or nothing STIX can express) since start. */
    long skipped() {
        return skipped.get();
    }

    Served page(
            TaxiiPartner partner,
            TaxiiCollection collection,
            Map<String, String> query,
            Optional<String> objectId,
            TaxiiDelivery.Kind kind)
            throws TaxiiRequestException, InterruptedException {
        for (String name : query.keySet()) {
            if (!Set.of(
                            "added_after",
                            "limit",
                            "next",
                            "match[type]",
                            "match[id]",
                            "match[version]",
                            "match[spec_version]")
                    .contains(name)) {
                throw new TaxiiRequestException(400, "unsupported query parameter '" + name + "'");
            }
        }
        int limit = limit(query.get("limit"));
        OptionalLong addedAfter = addedAfter(query.get("added_after"));
        Optional<PageCursor> cursor = Optional.empty();
        if (query.containsKey("next")) {
            cursor = PageCursor.decode(query.get("next"));
            if (cursor.isEmpty()) {
                throw new TaxiiRequestException(400, "'next' is not a value this server gave");
            }
        }
        List<String> asked = query.containsKey("match[version]") ? list(query.get("match[version]")) : List.of("last");
        if (asked.isEmpty()) {
            throw new TaxiiRequestException(
                    400, "match[version] must list last, first, all or versions (RFC 3339 timestamps)");
        }
        Set<String> exact = new LinkedHashSet<>();
        for (String v : asked) {
            if (!Set.of("last", "first", "all").contains(v)) {
                try {
                    exact.add(StixIds.timestamp(Instant.parse(v)));
                } catch (DateTimeParseException e) {
                    throw new TaxiiRequestException(
                            400, "match[version] takes last, first, all or an RFC 3339 timestamp, not '" + v + "'");
                }
            }
        }
        Set<String> ids = new LinkedHashSet<>(list(query.get("match[id]")));
        objectId.ifPresent(id -> {
            ids.retainAll(Set.of(id));
            if (!query.containsKey("match[id]")) {
                ids.add(id);
            }
        });
        boolean nothing = (objectId.isPresent() && ids.isEmpty())
                || (query.containsKey("match[type]")
                        && !list(query.get("match[type]")).contains(objectType(collection)))
                || (query.containsKey("match[spec_version]")
                        && !list(query.get("match[spec_version]")).contains("2.1"));
        String topic = collection.topic(topics, partner.partnerId());
        if (nothing) {
            return new Served(
                    List.of(), Optional.empty(), false, delivery(partner, collection, topic, kind, List.of()));
        }
        boolean all = asked.contains("all");
        boolean first = asked.contains("first");
        boolean last = asked.contains("last");
        VersionFilter filter =
                new VersionFilter(all, first, last, exact, !all && (first || last) ? versions.upToDate(topic) : null);
        KafkaPageReader.Page<Converted> page =
                reader.read(topic, cursor, addedAfter, limit, record -> convert(collection, record, ids, filter));
        List<ServedObject> objects = new ArrayList<>(page.items().size());
        List<TaxiiDelivery.Item> items = new ArrayList<>(page.items().size());
        for (KafkaPageReader.Item<Converted> item : page.items()) {
            objects.add(new ServedObject(item.value().object(), item.timestamp()));
            items.add(item.value().item());
        }
        return new Served(
                objects,
                page.more() ? Optional.of(page.next().encode()) : Optional.empty(),
                page.more(),
                delivery(partner, collection, topic, kind, items));
    }

    private Optional<Converted> convert(
            TaxiiCollection collection, ConsumerRecord<String, byte[]> record, Set<String> ids, VersionFilter filter) {
        if (collection == TaxiiCollection.INDICATORS
                && !ids.isEmpty()
                && (record.key() == null || !ids.contains(StixIds.indicator(record.key())))) {
            return Optional.empty();
        }
        // Skips the decoding of versions not asked for when the position alone tells.
        if (filter.byPositionOnly() && !filter.positionMatches(record)) {
            return Optional.empty();
        }
        try {
            Result<ObjectNode> stix;
            String recordId;
            String agreementId;
            int agreementVersion;
            if (collection == TaxiiCollection.INDICATORS) {
                PartnerIndicator in = indicators.deserialize(record.topic(), record.value());
                if (in == null) {
                    return Optional.empty();
                }
                stix = mapper.indicator(in);
                recordId = in.getIndicatorId();
                agreementId = in.getAgreementId();
                agreementVersion = in.getAgreementVersion();
            } else {
                TrendStatistic s = statistics.deserialize(record.topic(), record.value());
                if (s == null) {
                    return Optional.empty();
                }
                stix = mapper.trendStatistic(s);
                recordId = record.key() == null ? StixMapper.trendStatisticId(s) : record.key();
                agreementId = s.getAgreementId();
                agreementVersion = s.getAgreementVersion();
            }
            if (!stix.isOk()) {
                skip(record, stix.rejection().code());
                return Optional.empty();
            }
            String stixId = stix.value().path("id").asText();
            if (!ids.isEmpty() && !ids.contains(stixId)) {
                return Optional.empty();
            }
            if (!filter.byPositionOnly() && !filter.matches(record, stix.value())) {
                return Optional.empty();
            }
            return Optional.of(new Converted(
                    stix.value(),
                    new TaxiiDelivery.Item(
                            recordId, stixId, record.partition(), record.offset(), agreementId, agreementVersion)));
        } catch (SerializationException e) {
            skip(record, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private void skip(ConsumerRecord<String, byte[]> record, String reason) {
        long n = skipped.incrementAndGet();
        // One line per record would flood the log on a bad topic; every 1000th is enough to notice.
        if (n == 1 || n % 1000 == 0) {
            LOGGER.warn(
                    "Not served: {}-{}@{} ({}); {} records skipped so far",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    reason,
                    n);
        }
    }

    private static TaxiiDelivery delivery(
            TaxiiPartner partner,
            TaxiiCollection collection,
            String topic,
            TaxiiDelivery.Kind kind,
            List<TaxiiDelivery.Item> items) {
        Map<Integer, long[]> ranges = new HashMap<>();
        for (TaxiiDelivery.Item item : items) {
            ranges.merge(item.partition(), new long[] {item.offset(), item.offset()}, (a, b) ->
                    new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        List<TaxiiDelivery.OffsetRange> offsetRanges = ranges.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new TaxiiDelivery.OffsetRange(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .toList();
        return new TaxiiDelivery(partner.partnerId(), collection.id(), topic, kind, items, offsetRanges);
    }

    static String objectType(TaxiiCollection collection) {
        return collection == TaxiiCollection.INDICATORS ? "indicator" : StixMapper.TREND_STATISTIC_TYPE;
    }

    private int limit(String value) throws TaxiiRequestException {
        if (value == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit < 1) {
                throw new TaxiiRequestException(400, "limit must be a positive integer");
            }
            return Math.min(limit, maxLimit);
        } catch (NumberFormatException e) {
            throw new TaxiiRequestException(400, "limit must be a positive integer");
        }
    }

    private static OptionalLong addedAfter(String value) throws TaxiiRequestException {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            // Record timestamps are whole milliseconds: "after t" is "after t rounded down to the millisecond".
            return OptionalLong.of(Instant.parse(value).toEpochMilli());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new TaxiiRequestException(
                    400, "added_after must be an RFC 3339 timestamp such as 2026-11-29T10:15:30.000Z");
        }
    }

    private static List<String> list(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }
}
