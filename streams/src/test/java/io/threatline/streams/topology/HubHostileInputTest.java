package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static io.threatline.streams.topology.HubTestDriver.agreement;
import static io.threatline.streams.topology.HubTestDriver.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.deadletter.DeadLetters;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.schemas.validation.ContractLimits;
import io.threatline.streams.HubConfig;
import io.threatline.streams.enrich.Enrichment;
import io.threatline.streams.errors.HubProcessingErrors;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile or broken sensor against the hub (issue 11, docs/security.md): records too large to
 * read, events beyond the contract's limits, events that would grow an indicator's state without
 * bound, and an event whose processing throws. Each is dead-lettered with its reason in a form that
 * fits, and the events after it are processed.
 */
class HubHostileInputTest {

    private HubTestDriver hub = new HubTestDriver(Map.of(HubConfig.MAX_RECORD_BYTES, "4096"));

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void shouldDeadLetterARecordOverTheSizeLimitUnreadKeepingItsPrefixSizeAndHash() {
        // Given a value of 1 MiB (a few KiB on the wire once compressed) and a key of 8 KiB
        byte[] value = new byte[1 << 20];
        value[0] = 0;
        Arrays.fill(value, 1, value.length, (byte) 7);
        String key = "k".repeat(8 * 1024);

        // When each is sent, followed by a valid event
        hub.sendBytes(key, new byte[] {0, 0, 0, 0, 1}, T0);
        hub.sendBytes("domain:zeros.example", value, T0);
        hub.send(null, event("ok", IndicatorType.DOMAIN, "after.example.com", Tlp.GREEN, 80, "acme"), T0);

        // Then both are dead-lettered as too large, and the valid event goes on
        TestRecord<String, DeadLetter> longKey = hub.deadLetters.readRecord();
        assertThat(longKey.value().getReasonCode()).isEqualTo("RECORD_TOO_LARGE");
        assertThat(longKey.key()).isEqualTo("sha256:" + DeadLetters.sha256(key.getBytes()));
        assertThat(longKey.value().getOriginalKeySize()).isEqualTo(8 * 1024);
        assertThat(longKey.value().getOriginalKey().remaining()).isEqualTo(ContractLimits.MAX_DEAD_LETTER_KEY_BYTES);
        DeadLetter large = hub.deadLetters.readValue();
        assertThat(large.getReasonCode()).isEqualTo("RECORD_TOO_LARGE");
        assertThat(large.getReason()).contains("1048596 bytes").contains("threatline.hub.max.record.bytes");
        assertThat(large.getOriginalSize()).isEqualTo(1 << 20);
        assertThat(large.getOriginalSha256()).isEqualTo(DeadLetters.sha256(value));
        assertThat(large.getOriginalValue())
                .isEqualTo(ByteBuffer.wrap(value, 0, ContractLimits.MAX_DEAD_LETTER_ORIGINAL_BYTES));
        assertThat(hub.deadLetters.isEmpty()).isTrue();
        assertThat(hub.indicators.readValue().getId()).isEqualTo("domain:after.example.com");
        assertThat(hub.counters.rejectedByReason()).containsEntry("RECORD_TOO_LARGE", 2L);
    }

    @Test
    void shouldDeadLetterAnEventWithMoreTagsOrLongerLabelsThanTheContractAllows() {
        List<String> tooMany = IntStream.rangeClosed(0, ContractLimits.MAX_TAGS)
                .mapToObj(i -> "t" + i)
                .toList();
        hub.send(
                null,
                withTags(event("many", IndicatorType.DOMAIN, "many.example.com", Tlp.GREEN, 80, "acme"), tooMany),
                T0);
        hub.send(
                null,
                event(
                        "long",
                        IndicatorType.DOMAIN,
                        "long.example.com",
                        Tlp.GREEN,
                        80,
                        "acme",
                        "f".repeat(ContractLimits.MAX_LABEL_LENGTH + 1)),
                T0);

        assertThat(hub.deadLetters.readValue().getReason()).isEqualTo("tags has 65 entries; at most 64 are accepted");
        assertThat(hub.deadLetters.readValue().getReason())
                .isEqualTo("malwareFamilies[0] is longer than 256 characters");
        assertThat(hub.deadLetters.isEmpty()).isTrue();
        assertThat(hub.indicators.isEmpty()).isTrue();
        assertThat(hub.counters.rejectedByReason()).containsEntry("FIELD_TOO_LARGE", 2L);
    }

    @Test
    void shouldKeepEveryListOfAnIndicatorWithinItsBoundHoweverManyReportsAddNames() {
        // Given many reports of one indicator, each with as many new tags and families as an event may carry
        for (int r = 0; r < 20; r++) {
            int report = r;
            List<String> tags = IntStream.range(0, ContractLimits.MAX_TAGS)
                    .mapToObj(t -> "tag-" + report + "-" + t)
                    .toList();
            String[] families = IntStream.range(0, ContractLimits.MAX_FAMILIES)
                    .mapToObj(f -> "fam-" + report + "-" + f)
                    .toArray(String[]::new);
            ThreatEvent e = ThreatEvent.newBuilder(event(
                            "g" + r, IndicatorType.DOMAIN, "grow.example.com", Tlp.GREEN, 80, "vendor-" + r, families))
                    .setTags(tags)
                    .setCampaign("campaign-" + r)
                    .setSensorId("s-" + r)
                    .build();
            hub.send(null, e, T0.plusSeconds(r));
        }

        // Then the state (and so every change emitted) holds at most the bounds, the first names kept
        List<Indicator> changes = hub.indicators.readValuesToList();
        Indicator last = changes.get(changes.size() - 1);
        assertThat(last.getTags()).hasSize(ContractLimits.MAX_TAGS).allMatch(t -> t.startsWith("tag-0-"));
        assertThat(last.getMalwareFamilies())
                .hasSize(ContractLimits.MAX_FAMILIES)
                .allMatch(f -> f.startsWith("fam-0-"));
        assertThat(last.getCampaigns()).hasSize(ContractLimits.MAX_CAMPAIGNS);
        assertThat(last.getVendors()).hasSize(16);
        assertThat(last.getSensors()).hasSize(16);
        assertThat(changes).allSatisfy(c -> assertThat(c.getTags()).hasSizeLessThanOrEqualTo(ContractLimits.MAX_TAGS));
        assertThat(hub.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAnEventWhoseProcessingFailsAndGoOnWithTheNext() {
        // Given enrichment that fails for one value (a bug, or reference data that breaks on it)
        hub.close();
        hub = new HubTestDriver(Map.of(), new InMemorySchemaRegistryClient(), context -> new Enrichment() {
            @Override
            public List<String> canonicalFamilies(List<String> reported) {
                return reported;
            }

            @Override
            public Optional<String> benignList(IndicatorType type, String canonicalValue) {
                if (canonicalValue.startsWith("boom.")) {
                    throw new IllegalStateException("broken reference data for " + canonicalValue);
                }
                return Optional.empty();
            }

            @Override
            public Indicator enrich(Indicator indicator) {
                return indicator;
            }
        });
        hub.agreements.pipeInput("interpol", agreement("interpol", Tlp.GREEN));

        // When the failing event comes between two good ones
        hub.send(null, event("a", IndicatorType.DOMAIN, "before.example.com", Tlp.GREEN, 80, "acme"), T0);
        hub.send(null, event("b", IndicatorType.DOMAIN, "boom.example.com", Tlp.GREEN, 80, "acme"), T0);
        hub.send(null, event("c", IndicatorType.DOMAIN, "after.example.com", Tlp.GREEN, 80, "acme"), T0);

        // Then it is dead-lettered with the failure, and the others reach the partner
        DeadLetter letter = hub.deadLetters.readValue();
        assertThat(letter.getReasonCode()).isEqualTo(HubProcessingErrors.PROCESSING_FAILED);
        assertThat(letter.getReason())
                .contains("IllegalStateException")
                .contains("broken reference data for boom.example.com");
        assertThat(letter.getStage()).isEqualTo("dedup");
        assertThat(letter.getOriginalSha256()).hasSize(64);
        assertThat(hub.deadLetters.isEmpty()).isTrue();
        assertThat(hub.partner("interpol").readValuesToList())
                .extracting(p -> p.getIndicatorId() + " " + p.getAction())
                .containsExactly("domain:before.example.com NEW", "domain:after.example.com NEW");
        assertThat(hub.counters.rejectedByReason()).containsEntry(HubProcessingErrors.PROCESSING_FAILED, 1L);
    }

    private static ThreatEvent withTags(ThreatEvent event, List<String> tags) {
        return ThreatEvent.newBuilder(event).setTags(tags).build();
    }
}
