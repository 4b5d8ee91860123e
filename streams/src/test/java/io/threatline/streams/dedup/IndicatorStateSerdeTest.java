package io.threatline.streams.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerSighting;
import io.threatline.contract.Tlp;
import io.threatline.schemas.serde.ConfluentAvroSerde;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class IndicatorStateSerdeTest {

    private final ConfluentAvroSerde<Indicator> avro =
            ConfluentAvroSerde.specific(Indicator.class, new InMemorySchemaRegistryClient(), Map.of(), false);
    private final IndicatorStateSerde state = new IndicatorStateSerde(avro.deserializer());

    @Test
    void shouldEncodeEveryFieldOfTheSchemaInItsOrder() {
        assertThat(IndicatorStateSerde.FIELDS)
                .containsExactlyElementsOf(Indicator.getClassSchema().getFields().stream()
                        .map(Schema.Field::name)
                        .toList());
    }

    @Property(tries = 500)
    void shouldReadBackWhatItWrote(@ForAll("indicators") Indicator indicator, @ForAll("holders") String holders) {
        IndicatorState written = new IndicatorState(indicator, holders);
        byte[] bytes = state.serializer().serialize("t", written);
        // Format 2 byte for byte as before partners could report, unless partners reported seeing it.
        assertThat(bytes[0])
                .isEqualTo(
                        indicator.getPartnerSightings().isEmpty()
                                ? IndicatorStateSerde.FORMAT
                                : IndicatorStateSerde.FORMAT_WITH_PARTNER_SIGHTINGS);
        assertThat(state.deserializer().deserialize("t", bytes)).isEqualTo(written);
    }

    @Property(tries = 200)
    void shouldReadAStateWrittenInConfluentsWireFormatBeforeIt(@ForAll("indicators") Indicator indicator) {
        byte[] old = avro.serializer().serialize("indicator-state-changelog", indicator);
        assertThat(state.deserializer().deserialize("indicator-state-changelog", old))
                .isEqualTo(new IndicatorState(indicator, ""));
    }

    @Property(tries = 200)
    void shouldReadAStateWrittenBeforeTheHoldersWerePartOfIt(@ForAll("indicators") Indicator indicator) {
        // Format 1 was format 2 without the trailing holders: the same bytes, less the last string (empty: one byte).
        indicator.setPartnerSightings(List.of());
        byte[] current = state.serializer().serialize("t", new IndicatorState(indicator, ""));
        byte[] old = Arrays.copyOf(current, current.length - 1);
        old[0] = IndicatorStateSerde.FORMAT_WITHOUT_HOLDERS;
        assertThat(state.deserializer().deserialize("t", old)).isEqualTo(new IndicatorState(indicator, ""));
    }

    @Property(tries = 200)
    void shouldRefuseATruncatedValueWithAClearError(@ForAll("indicators") Indicator indicator) {
        byte[] bytes = state.serializer().serialize("t", new IndicatorState(indicator, "europol-ec3,interpol"));
        for (int cut = 1; cut < bytes.length; cut += Math.max(1, bytes.length / 7)) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> state.deserializer().deserialize("t", truncated))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("indicator state value");
        }
    }

    @Test
    void shouldRefuseAnUnknownFormatAndTrailingBytes() {
        assertThatThrownBy(() -> state.deserializer().deserialize("t", new byte[] {7, 1, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("format byte 7");
        byte[] bytes = state.serializer().serialize("t", new IndicatorState(sample(), ""));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> state.deserializer().deserialize("t", longer))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("after its last field");
    }

    @Test
    void shouldRefuseANullRequiredFieldNamingIt() {
        Indicator broken = sample();
        broken.setValue(null);
        assertThatThrownBy(() -> state.serializer().serialize("t", new IndicatorState(broken, "")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("value is null");
    }

    @Test
    void shouldBeNoLargerThanTheAvroRecord() {
        Indicator i = sample();
        assertThat(state.serializer().serialize("t", new IndicatorState(i, "")).length)
                .isLessThanOrEqualTo(avro.serializer().serialize("t", i).length + 40);
    }

    private static Indicator sample() {
        Instant t = Instant.parse("2026-11-29T10:00:00.123Z");
        return new Indicator(
                "domain:c2.example.com",
                IndicatorType.DOMAIN,
                "c2.example.com",
                LifecycleAction.NEW,
                t,
                t,
                3L,
                List.of("acme", "globex"),
                List.of("acme/s1"),
                80,
                Tlp.AMBER,
                List.of("Shylock"),
                List.of(),
                List.of("c2"),
                List.of(KillChainPhase.COMMAND_AND_CONTROL),
                null,
                null,
                null,
                0,
                t,
                t.plusSeconds(3600),
                t,
                List.of(new PartnerSighting("interpol", 4L, t.plusSeconds(60), Tlp.AMBER)),
                false);
    }

    @Provide
    Arbitrary<String> holders() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .withChars('-', '.')
                .ofMinLength(1)
                .ofMaxLength(20)
                .set()
                .ofMaxSize(5)
                .map(set -> String.join(",", new java.util.TreeSet<>(set)));
    }

    @Provide
    Arbitrary<Indicator> indicators() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<List<String>> texts = text.list().ofMaxSize(5);
        Arbitrary<Instant> times = Arbitraries.longs()
                .between(-62_135_596_800_000L, 253_402_300_799_999L)
                .map(Instant::ofEpochMilli);
        return Builders.withBuilder(IndicatorStateSerdeTest::sample)
                .use(text)
                .in((i, v) -> mutate(i, x -> x.setId(v)))
                .use(Arbitraries.of(IndicatorType.class))
                .in((i, v) -> mutate(i, x -> x.setType(v)))
                .use(text)
                .in((i, v) -> mutate(i, x -> x.setValue(v)))
                .use(Arbitraries.of(LifecycleAction.class))
                .in((i, v) -> mutate(i, x -> x.setAction(v)))
                .use(times)
                .in((i, v) -> mutate(i, x -> x.setFirstSeen(v)))
                .use(times)
                .in((i, v) -> mutate(i, x -> x.setLastSeen(v)))
                .use(Arbitraries.longs())
                .in((i, v) -> mutate(i, x -> x.setSightings(v)))
                .use(texts)
                .in((i, v) -> mutate(i, x -> x.setVendors(v)))
                .use(texts)
                .in((i, v) -> mutate(i, x -> x.setSensors(v)))
                .use(Arbitraries.integers())
                .in((i, v) -> mutate(i, x -> x.setConfidence(v)))
                .use(Arbitraries.of(Tlp.class))
                .in((i, v) -> mutate(i, x -> x.setTlp(v)))
                .use(texts)
                .in((i, v) -> mutate(i, x -> x.setMalwareFamilies(v)))
                .use(texts)
                .in((i, v) -> mutate(i, x -> x.setCampaigns(v)))
                .use(texts)
                .in((i, v) -> mutate(i, x -> x.setTags(v)))
                .use(Arbitraries.of(KillChainPhase.class).list().ofMaxSize(4))
                .in((i, v) -> mutate(i, x -> x.setKillChainPhases(v)))
                .use(text.injectNull(0.4))
                .in((i, v) -> mutate(i, x -> x.setCountry(v)))
                .use(Arbitraries.longs().injectNull(0.4))
                .in((i, v) -> mutate(i, x -> x.setAsn(v)))
                .use(text.injectNull(0.4))
                .in((i, v) -> mutate(i, x -> x.setAsOrganization(v)))
                .use(Arbitraries.integers())
                .in((i, v) -> mutate(i, x -> x.setScore(v)))
                .use(times)
                .in((i, v) -> mutate(i, x -> x.setUpdatedAt(v)))
                .use(times)
                .in((i, v) -> mutate(i, x -> x.setExpiresAt(v)))
                .use(times)
                .in((i, v) -> mutate(i, x -> x.setReceivedAt(v)))
                .use(Combinators.combine(text, Arbitraries.longs(), times, Arbitraries.of(Tlp.class))
                        .as(PartnerSighting::new)
                        .list()
                        .ofMaxSize(3))
                .in((i, v) -> mutate(i, x -> x.setPartnerSightings(v)))
                .build();
    }

    private static Indicator mutate(Indicator i, java.util.function.Consumer<Indicator> change) {
        change.accept(i);
        return i;
    }
}
