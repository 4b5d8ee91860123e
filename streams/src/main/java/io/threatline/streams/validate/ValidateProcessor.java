package io.threatline.streams.validate;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerReport;
import io.threatline.contract.Suppression;
import io.threatline.contract.ThreatEvent;
import io.threatline.schemas.Result;
import io.threatline.schemas.deadletter.DeadLetters;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.identity.CanonicalMemo;
import io.threatline.schemas.serde.SchemaRegistryException;
import io.threatline.schemas.topics.SensorSources;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.validation.ThreatEventValidator;
import io.threatline.streams.agreements.AgreementsSnapshot;
import io.threatline.streams.agreements.PartnerRouter;
import io.threatline.streams.inbound.PartnerReports;
import io.threatline.streams.inbound.Suppressions;
import io.threatline.streams.topology.HubCounters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stage of the hub: turns raw bytes into a validated event keyed by its canonical indicator
 * id, or into a dead letter that keeps the original bytes, the reason and where the record came
 * from. Nothing here throws on bad input: a bad record never stops processing.
 *
 * <p>Who speaks is decided by the topic, not the payload ({@link SensorSources}): an event on a
 * vendor's own topic that names another vendor, or on any sensor topic that names an operator, is
 * dead-lettered as {@value #VENDOR_MISMATCH}; the operator's topic carries only the operator's
 * retractions ({@value #OPERATOR_ACTION_INVALID} otherwise). Events from those topics are always
 * repartitioned: their partitioning is not the hub's to trust.
 *
 * <p>A record larger than {@code threatline.hub.max.record.bytes} (key and value) is dead-lettered
 * as {@value #RECORD_TOO_LARGE} before anything reads it: compression lets a sensor put a record of
 * many megabytes through a broker that takes one, and its dead letter (through
 * {@link DeadLetters}, like every other) keeps only its first bytes, its size and its SHA-256.
 *
 * <p>Bad input is what the bytes themselves decide: no Confluent wire-format header, Avro that does
 * not decode, a schema id the registry says it has never had (404), an event that breaks the
 * contract. A schema registry that cannot answer (unreachable, HTTP 5xx; see
 * {@link SchemaRegistryException#isRetriable()}) decides nothing about the record — dead-lettering
 * a valid event for it would lose it for every partner — so the record is not consumed:
 * <ol>
 *   <li>validation first asks again, with backoff, for up to {@code threatline.hub.registry.wait}
 *       (a few seconds), riding out a registry restart without disturbing anything. The stream
 *       thread blocks meanwhile, which is safe only briefly: under exactly-once its open transaction
 *       is aborted by the broker after {@code transaction.timeout.ms} (10 s in Kafka Streams), and
 *       the consumer leaves the group after {@code max.poll.interval.ms}; hence the short cap;</li>
 *   <li>then it throws {@link RegistryUnavailableException}. Kafka Streams' processing exception
 *       handler ({@code HubProcessingErrors}) fails the stream thread for it; the hub's uncaught-exception
 *       handler ({@code HubThreadFailures}) replaces the thread for a registry outage, and the new thread
 *       resumes from the last commit. Exactly-once makes that safe: the aborted transaction takes
 *       back whatever the failed thread wrote after the commit, and the record is read again.</li>
 * </ol>
 * Retrying inside the processor without bound instead would outlive the transaction and the poll
 * interval and get the thread fenced out anyway; failing at once would restart the thread (and
 * rebalance) for every blip of the registry. A replacement costs a rebalance: the failed thread's
 * member stays in the group until its {@code session.timeout.ms} expires, and under exactly-once
 * its tasks' stores are restored from their changelogs. That is the price of a long outage, paid
 * about once per session timeout while it lasts; nothing is consumed, and the hub goes on by
 * itself when the registry answers. The processing exception handler ({@code HubProcessingErrors})
 * must keep failing for a registry outage: one that went on would drop the record.
 */
public final class ValidateProcessor extends ContextualProcessor<byte[], byte[], String, Validated> {

    /** Dead-letter reason for a sensor event that claims to be a partner's report. */
    public static final String REPORT_MARK_FORBIDDEN = "REPORT_MARK_FORBIDDEN";

    private static final Logger LOGGER = LoggerFactory.getLogger(ValidateProcessor.class);
    public static final String DESERIALIZATION_FAILED = "DESERIALIZATION_FAILED";
    public static final String EMPTY_RECORD = "EMPTY_RECORD";
    public static final String RECORD_TOO_LARGE = "RECORD_TOO_LARGE";
    public static final String VENDOR_MISMATCH = "VENDOR_MISMATCH";
    public static final String OPERATOR_ACTION_INVALID = "OPERATOR_ACTION_INVALID";
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    /** Canonical forms remembered per task: a few MiB at most. */
    static final int CANONICAL_MEMO_ENTRIES = 4_096;

    private static final Duration MAX_RETRY = Duration.ofSeconds(1);

    private final Deserializer<ThreatEvent> deserializer;
    private final Deserializer<PartnerReport> reportDeserializer;
    private final ThreatlineTopics topics;
    private final AgreementsSnapshot agreementsSnapshot;
    private AgreementsSnapshot.View agreements;
    private ReadOnlyKeyValueStore<String, Suppression> suppressions;
    private ReadOnlyKeyValueStore<String, io.threatline.contract.Erasure> erasures;
    private final io.threatline.schemas.privacy.IndicatorKey indicatorKey;
    private PartnerReports reports;
    private final HubCounters counters;
    private final Duration registryWait;
    private final int maxRecordBytes;
    private final SensorSources sources;
    private final java.time.Clock clock;
    /** Who speaks on each input topic, decided once per topic rather than per record. */
    private final java.util.Map<String, Speaker> speakers = new java.util.HashMap<>();
    /** Popular indicators are reported over and over: their canonical form is remembered (pure, so exact). */
    private final CanonicalMemo canonical = new CanonicalMemo(CANONICAL_MEMO_ENTRIES);

    /** Who speaks on a topic: a vendor (its own topic), the operator, or whoever the event names (the shared topic). */
    private record Speaker(Optional<String> vendor, boolean operator, Optional<String> partner) {}

    /**
     * @param registryWait   how long to keep asking an unavailable schema registry before failing the
     *                       stream thread (zero: fail at once)
     * @param maxRecordBytes the largest record (key and value) read; a larger one is dead-lettered unread
     * @param sources        which topics are a vendor's own and which the operator's
     * @param clock          the hub's clock, which stamps every record passed on (a sensor's timestamp counts for nothing)
     */
    public ValidateProcessor(
            Deserializer<ThreatEvent> deserializer,
            HubCounters counters,
            Duration registryWait,
            int maxRecordBytes,
            SensorSources sources,
            java.time.Clock clock,
            Deserializer<PartnerReport> reportDeserializer,
            ThreatlineTopics topics,
            AgreementsSnapshot agreements,
            io.threatline.schemas.privacy.IndicatorKey indicatorKey) {
        this.indicatorKey = indicatorKey;
        this.reportDeserializer = reportDeserializer;
        this.topics = topics;
        this.agreementsSnapshot = agreements;
        this.sources = sources;
        this.clock = clock;
        this.deserializer = deserializer;
        this.counters = counters;
        this.registryWait = registryWait;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void init(ProcessorContext<String, Validated> context) {
        super.init(context);
        agreements = agreementsSnapshot.view(context.getStateStore(PartnerRouter.AGREEMENTS_STORE));
        suppressions = context.getStateStore(Suppressions.STORE);
        erasures = context.getStateStore(io.threatline.streams.privacy.Erasures.STORE);
        reports = new PartnerReports(topics, canonical::canonicalize, indicatorKey);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Speaker speaker = speakers.computeIfAbsent(
                topic(), t -> new Speaker(sources.vendorOf(t), sources.isOperatorTopic(t), topics.partnerOfInbound(t)));
        if (speaker.partner().isPresent()) {
            processReport(record, speaker.partner().get());
            return;
        }
        if (record.value() == null) {
            counters.eventsIn.increment();
            reject(record, EMPTY_RECORD, "the record has no value (a tombstone is not a sensor event)");
            return;
        }
        long size = (long) record.value().length + (record.key() == null ? 0 : record.key().length);
        if (size > maxRecordBytes) {
            counters.eventsIn.increment();
            reject(
                    record,
                    RECORD_TOO_LARGE,
                    "the record has " + size + " bytes (key " + (record.key() == null ? 0 : record.key().length)
                            + ", value " + record.value().length + "); a sensor event may have at most "
                            + maxRecordBytes
                            + " (threatline.hub.max.record.bytes)");
            return;
        }
        Optional<ThreatEvent> read = deserialize(deserializer, record);
        // Counted once the record's fate is known: a record the registry kept us from reading is read again.
        counters.eventsIn.increment();
        if (read.isEmpty()) {
            return;
        }
        ThreatEvent event = read.get();
        Result<CanonicalIndicator> valid = ThreatEventValidator.validate(event, canonical::canonicalize);
        if (!valid.isOk()) {
            reject(record, valid.rejection().code(), valid.rejection().message());
            return;
        }
        if (!event.getRetraction()) {
            // Before any other check, so that no dead letter of an erased indicator keeps it (docs/data-protection.md).
            var erased = io.threatline.streams.privacy.Erasures.of(
                    erasures, indicatorKey, valid.value().id());
            if (erased.isPresent()) {
                reject(
                        record,
                        io.threatline.streams.privacy.Erasures.ERASED,
                        io.threatline.streams.privacy.Erasures.reason(erased.get()),
                        false);
                return;
            }
        }
        Optional<String> ownVendor = speaker.vendor();
        boolean operatorTopic = speaker.operator();
        if (operatorTopic && (!event.getRetraction() || !SensorSources.isOperator(event.getVendor()))) {
            reject(
                    record,
                    OPERATOR_ACTION_INVALID,
                    "the operator's topic takes only retractions by a vendor named '" + SensorSources.OPERATOR_PREFIX
                            + "<operator>'");
            return;
        }
        if (!operatorTopic && SensorSources.isOperator(event.getVendor())) {
            reject(
                    record,
                    VENDOR_MISMATCH,
                    "vendor names starting with '" + SensorSources.OPERATOR_PREFIX
                            + "' are the operator's; a sensor may not use one");
            return;
        }
        if (event.getReport() != null || PartnerReports.isPartner(event.getVendor())) {
            reject(
                    record,
                    REPORT_MARK_FORBIDDEN,
                    "vendor names starting with '" + PartnerReports.PARTNER_PREFIX
                            + "' and the report field are the hub's, for partners' reports read from their inbound"
                            + " topics; a sensor may use neither");
            return;
        }
        if (ownVendor.isPresent() && !ownVendor.get().equals(event.getVendor())) {
            reject(
                    record,
                    VENDOR_MISMATCH,
                    "the event names vendor '" + event.getVendor() + "' but was written to the topic of vendor '"
                            + ownVendor.get() + "'; a sensor speaks only for its own vendor");
            return;
        }
        String id = valid.value().id();
        if (!event.getRetraction()) {
            Optional<Suppression> suppressed = Suppressions.of(suppressions, id);
            if (suppressed.isPresent()) {
                reject(record, Suppressions.SUPPRESSED, Suppressions.reason(suppressed.get()));
                return;
            }
        }
        boolean sameKey = ownVendor.isEmpty()
                && !operatorTopic
                && record.key() != null
                && Arrays.equals(record.key(), id.getBytes(StandardCharsets.UTF_8));
        // The hub's own clock from here on (docs/agreements.md, "Time"): a sensor chooses the record's timestamp, and
        // with it stream time, so a back- or forward-dated record could otherwise end an agreement's period or an
        // embargo, expire indicators early or slip its dead letter past retention.
        context()
                .forward(record.withKey(id)
                        .withValue(new Validated.Valid(event, id, sameKey))
                        .withTimestamp(clock.millis()));
    }

    /**
     * A partner's report from its inbound topic (docs/sharing-back.md): read like a sensor event (size,
     * registry patience), then decided by {@link PartnerReports}; whatever becomes of it, it is receipted.
     */
    private void processReport(Record<byte[], byte[]> record, String partnerId) {
        // Counted once the record's fate is known: a record the registry kept us from reading is read again.
        PartnerAgreement agreement = agreements.of(partnerId);
        Instant now = Instant.ofEpochMilli(clock.millis());
        DeadLetters.Source source = source();
        java.util.function.BiConsumer<String, String> unreadable = (code, why) -> emitCounted(
                record, reports.unreadable(partnerId, agreement, source, record.key(), record.value(), code, why, now));
        if (record.value() == null) {
            unreadable.accept(EMPTY_RECORD, "the record has no value (a tombstone is not a report)");
            return;
        }
        long size = (long) record.value().length + (record.key() == null ? 0 : record.key().length);
        if (size > maxRecordBytes) {
            unreadable.accept(
                    RECORD_TOO_LARGE,
                    "the record has " + size + " bytes; a report may have at most " + maxRecordBytes
                            + " (threatline.hub.max.record.bytes)");
            return;
        }
        PartnerReport report;
        try {
            report = readPatiently(reportDeserializer, record);
        } catch (Unreadable e) {
            Throwable why = e.getCause();
            unreadable.accept(
                    DESERIALIZATION_FAILED,
                    why.getMessage() == null ? why.getClass().getName() : why.getMessage());
            return;
        }
        emitCounted(
                record,
                reports.handle(
                        partnerId,
                        agreement,
                        report,
                        source,
                        record.key(),
                        record.value(),
                        id -> Suppressions.of(suppressions, id),
                        id -> io.threatline.streams.privacy.Erasures.of(erasures, indicatorKey, id),
                        now));
    }

    private void emitCounted(Record<byte[], byte[]> record, List<Validated> outputs) {
        counters.eventsIn.increment();
        emit(record, outputs);
    }

    private void emit(Record<byte[], byte[]> record, List<Validated> outputs) {
        long at = clock.millis();
        for (Validated v : outputs) {
            String key;
            if (v instanceof Validated.Valid valid) {
                key = valid.indicatorId();
            } else if (v instanceof Validated.Side side) {
                key = side.key();
            } else {
                Validated.Rejected rejected = (Validated.Rejected) v;
                // A refusal for an erased indicator keeps nothing that may name it (docs/data-protection.md).
                key = io.threatline.streams.privacy.Erasures.ERASED.equals(
                                rejected.deadLetter().getReasonCode())
                        ? null
                        : DeadLetters.recordKeyText(record.key());
                counters.rejected(rejected.deadLetter().getReasonCode());
            }
            context().forward(record.withKey(key).withValue(v).withTimestamp(at));
        }
    }

    private DeadLetters.Source source() {
        RecordMetadata meta = context().recordMetadata().orElse(null);
        return meta == null
                ? DeadLetters.Source.UNKNOWN
                : new DeadLetters.Source(meta.topic(), meta.partition(), meta.offset());
    }

    /** Thrown by {@link #readPatiently} for bytes that do not decode (not a registry outage). */
    private static final class Unreadable extends RuntimeException {
        Unreadable(RuntimeException cause) {
            super(cause);
        }
    }

    /**
     * The event, or empty once the record has been dead-lettered.
     *
     * @throws RegistryUnavailableException when the registry stayed unavailable for the whole wait
     */
    private <T> Optional<T> deserialize(Deserializer<T> reader, Record<byte[], byte[]> record) {
        try {
            return Optional.of(readPatiently(reader, record));
        } catch (Unreadable e) {
            rejectUnreadable(record, (RuntimeException) e.getCause());
            return Optional.empty();
        }
    }

    /**
     * Reads the record, asking an unavailable registry again for up to {@code registryWait}.
     *
     * @throws Unreadable                  when the bytes do not decode
     * @throws RegistryUnavailableException when the registry stayed unavailable for the whole wait
     */
    private <T> T readPatiently(Deserializer<T> reader, Record<byte[], byte[]> record) {
        long deadline = System.nanoTime() + registryWait.toNanos();
        Duration pause = FIRST_RETRY;
        for (int attempt = 1; ; attempt++) {
            try {
                return reader.deserialize(topic(), record.value());
            } catch (SerializationException e) {
                Optional<SchemaRegistryException> outage = SchemaRegistryException.retriableIn(e);
                if (outage.isEmpty()) {
                    throw new Unreadable(e);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RegistryUnavailableException(
                            "The schema registry is unavailable: could not read " + where()
                                    + " after " + attempt + " attempt(s) over " + registryWait
                                    + "; the stream thread fails so that "
                                    + "the record is read again from the last commit — "
                                    + outage.get().getMessage(),
                            outage.get());
                }
                if (attempt == 1) {
                    counters.registryWaits.increment();
                    LOGGER.warn(
                            "Schema registry unavailable while reading {}; asking again for up to {}: {}",
                            where(),
                            registryWait,
                            outage.get().getMessage());
                }
                sleep(Duration.ofNanos(Math.min(pause.toNanos(), left)));
                pause = pause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : pause.multipliedBy(2);
            } catch (RegistryUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                // A deserializer breaking its contract (only SerializationException) is still about these bytes.
                throw new Unreadable(e);
            }
        }
    }

    private void rejectUnreadable(Record<byte[], byte[]> record, RuntimeException e) {
        reject(
                record,
                DESERIALIZATION_FAILED,
                e.getMessage() == null ? e.getClass().getName() : e.getMessage());
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis(), (int) (pause.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("Interrupted while waiting for the schema registry", e);
        }
    }

    private String where() {
        return context()
                .recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("a record");
    }

    private void reject(Record<byte[], byte[]> record, String code, String reason) {
        reject(record, code, reason, true);
    }

    /** @param keepContent whether the dead letter keeps the record's key and value (not for an erased indicator) */
    private void reject(Record<byte[], byte[]> record, String code, String reason, boolean keepContent) {
        counters.rejected(code);
        DeadLetters.Source source = source();
        DeadLetter letter = DeadLetters.of(
                code,
                reason,
                "validate",
                source,
                keepContent ? record.key() : null,
                keepContent ? record.value() : null,
                Instant.ofEpochMilli(record.timestamp()),
                null);
        LOGGER.debug(
                "Dead-lettering {}-{}@{}: {}",
                letter.getSourceTopic(),
                letter.getSourcePartition(),
                letter.getSourceOffset(),
                code);
        context()
                .forward(record.withKey(keepContent ? DeadLetters.recordKeyText(record.key()) : null)
                        .withValue(new Validated.Rejected(letter))
                        .withTimestamp(clock.millis()));
    }

    private String topic() {
        return context().recordMetadata().map(RecordMetadata::topic).orElse("unknown");
    }
}
