package io.threatline.consumer.files;

import static io.threatline.consumer.delivery.TestRecords.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSettingsException;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.consumer.delivery.TestRecords;
import io.threatline.consumer.delivery.TestRecords.MutableClock;
import io.threatline.consumer.formats.RecordFields;
import io.threatline.consumer.formats.StixBatchBundle;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a files channel does with what others left in or around a partner's outbox: symbolic links
 * (never followed), another partner's outbox (never shared nor nested), and leftovers from an
 * earlier run (read with a bound, streamed). Real files and links in a temporary folder.
 */
class FileOutboxSafetyTest {

    private static final String VICTIM_CONTENT = "the operator's file, which no feed may touch\n";

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:15:00Z"));

    private ChannelSink sink(String partner, Path directory, String format, String... more) {
        Map<String, String> values = new HashMap<>(Map.of("directory", directory.toString(), "format", format));
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return new FileSinkFactory(clock)
                .create(new ChannelSettings(
                        partner, DeliveryChannel.FILES, values, new Secrets(Optional.empty(), Map.of())));
    }

    private Path victim() throws IOException {
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        return Files.writeString(elsewhere.resolve("victim.txt"), VICTIM_CONTENT);
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> all = Files.list(directory)) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- symbolic links ----

    @Test
    void shouldRefuseAnOutboxDirectoryThatIsASymbolicLink() throws Exception {
        // Given the configured outbox is a link to another directory
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Path outbox = Files.createSymbolicLink(root.resolve("outbox"), elsewhere);

        // When the channel is built / Then it is refused naming partner, setting and the link, and nothing lands
        // elsewhere
        assertThatThrownBy(() -> sink(PARTNER, outbox, "jsonl"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("partner '" + PARTNER + "'")
                .hasMessageContaining("setting 'directory'")
                .hasMessageContaining("a symbolic link");
        assertThat(names(elsewhere)).isEmpty();
    }

    @Test
    void shouldRefuseToWriteWhenTheOutboxIsSwappedForASymbolicLinkAfterStart() throws Exception {
        // Given a running jsonl sink whose outbox is then replaced by a link to another directory
        Path outbox = root.resolve("outbox");
        ChannelSink sink = sink(PARTNER, outbox, "jsonl");
        Files.delete(outbox.resolve(OutboxOwner.MARKER));
        Files.delete(outbox);
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Files.createSymbolicLink(outbox, elsewhere);

        // When a batch is delivered / Then it fails (transiently, it is retried) naming the link, and nothing lands
        // elsewhere
        assertThatThrownBy(() -> sink.deliver(TestRecords.everyType(DeliveryChannel.FILES, 0)))
                .isInstanceOfSatisfying(
                        DeliveryException.class,
                        e -> assertThat(e.isPermanent()).isFalse())
                .hasMessageContaining("is a symbolic link; refusing");
        assertThat(names(elsewhere)).isEmpty();
    }

    @Test
    void shouldNotWriteThroughALinkPlantedAtTheTemporaryNameOfAStixBundle() throws Exception {
        // Given a stix sink and a link planted at the temporary name its next bundle will be written under
        Path outbox = root.resolve("outbox");
        ChannelSink sink = sink(PARTNER, outbox, "stix");
        Path victim = victim();
        DeliveryBatch batch = TestRecords.everyType(DeliveryChannel.FILES, 0);
        String bundle = StixBatchBundle.bundleId(batch) + ".json";
        Files.createSymbolicLink(outbox.resolve(AtomicFiles.TEMP_PREFIX + bundle), victim);

        // When the batch is delivered / Then it is refused naming the link, and the victim is untouched
        assertThatThrownBy(() -> sink.deliver(batch))
                .isInstanceOfSatisfying(
                        DeliveryException.class,
                        e -> assertThat(e.isPermanent()).isFalse())
                .hasMessageContaining("is a symbolic link; refusing");
        assertThat(Files.readString(victim)).isEqualTo(VICTIM_CONTENT);

        // And once the link is removed, the same batch is written
        Files.delete(outbox.resolve(AtomicFiles.TEMP_PREFIX + bundle));
        sink.deliver(batch);
        assertThat(Files.isRegularFile(outbox.resolve(bundle), LinkOption.NOFOLLOW_LINKS))
                .isTrue();
        sink.close();
    }

    @Test
    void shouldReplaceALinkPlantedAtTheFinalNameOfAStixBundleWithoutWritingThroughIt() throws Exception {
        // Given a stix sink and a link planted at the final name of its next bundle
        Path outbox = root.resolve("outbox");
        ChannelSink sink = sink(PARTNER, outbox, "stix");
        Path victim = victim();
        DeliveryBatch batch = TestRecords.everyType(DeliveryChannel.FILES, 0);
        Path bundle = outbox.resolve(StixBatchBundle.bundleId(batch) + ".json");
        Files.createSymbolicLink(bundle, victim);

        // When the batch is delivered
        sink.deliver(batch);
        sink.close();

        // Then the rename replaced the link itself: the bundle is a regular file and the victim is untouched
        assertThat(Files.isSymbolicLink(bundle)).isFalse();
        assertThat(Files.readString(bundle)).contains("\"type\":\"bundle\"");
        assertThat(Files.readString(victim)).isEqualTo(VICTIM_CONTENT);
    }

    @Test
    void shouldSkipANamePlantedAsALinkInsteadOfOpeningItForAppending() throws Exception {
        // Given a jsonl sink, and links planted at the names its first file would get (one dangling)
        Path outbox = root.resolve("outbox");
        ChannelSink sink = sink(PARTNER, outbox, "jsonl");
        Path victim = victim();
        Files.createSymbolicLink(outbox.resolve("indicators-20261129T100000Z-0001.jsonl.part"), victim);
        Files.createSymbolicLink(
                outbox.resolve("indicators-20261129T100000Z-0002.jsonl.part"),
                root.resolve("elsewhere/created-by-link"));

        // When a batch is delivered and the file completed
        sink.deliver(TestRecords.everyType(DeliveryChannel.FILES, 0));
        sink.close();

        // Then the records are in the next free name, the victim is untouched and the dangling link created nothing
        assertThat(Files.readAllLines(outbox.resolve("indicators-20261129T100000Z-0003.jsonl")))
                .hasSize(TestRecords.types().size());
        assertThat(Files.readString(victim)).isEqualTo(VICTIM_CONTENT);
        assertThat(root.resolve("elsewhere/created-by-link")).doesNotExist();
    }

    @Test
    void shouldSetAsideALeftoverPartFileThatIsALinkWithoutTruncatingItsTarget() throws Exception {
        // Given a link planted as a leftover .part file, pointing at a file with no complete record
        Path outbox = Files.createDirectories(root.resolve("outbox"));
        Path victim = victim();
        Path planted = Files.createSymbolicLink(outbox.resolve("indicators-20261129T090000Z-0001.csv.part"), victim);

        // When a sink starts on the folder
        sink(PARTNER, outbox, "csv").close();

        // Then the link is set aside, not followed: its target is neither cut nor renamed into the feed
        assertThat(Files.readString(victim)).isEqualTo(VICTIM_CONTENT);
        assertThat(planted).doesNotExist();
        Path aside = outbox.resolve("indicators-20261129T090000Z-0001.csv.part" + RotatingFile.SET_ASIDE_SUFFIX);
        assertThat(Files.isSymbolicLink(aside)).isTrue();
        assertThat(outbox.resolve("indicators-20261129T090000Z-0001.csv")).doesNotExist();
    }

    @Test
    void shouldRefuseAMispManifestThatIsALinkSoThatItsTargetIsNeverCopiedIntoTheFeed() throws Exception {
        // Given a MISP outbox whose manifest.json is a link to a file of the operator
        Path outbox = Files.createDirectories(root.resolve("outbox"));
        Path victim = victim();
        Files.createSymbolicLink(outbox.resolve(MispFeedWriter.MANIFEST), victim);

        // When the channel starts / Then it is refused naming the setting and the link
        assertThatThrownBy(() -> sink(PARTNER, outbox, "misp"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("partner '" + PARTNER + "'")
                .hasMessageContaining("setting 'directory'")
                .hasMessageContaining("manifest.json")
                .hasMessageContaining("is a symbolic link; refusing");
        assertThat(Files.readString(victim)).isEqualTo(VICTIM_CONTENT);
    }

    // ---- no two partners share an outbox ----

    @Test
    void shouldRefuseASecondPartnerInTheSameOutboxNamingBothPartners() throws Exception {
        // Given partner A's outbox
        Path outbox = root.resolve("outbox");
        sink("partner-a", outbox, "jsonl").close();

        // When partner B is given the same directory (spelled differently) / Then it is refused naming both
        assertThatThrownBy(() -> sink("partner-b", root.resolve("outbox/./"), "csv"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("partner 'partner-b'")
                .hasMessageContaining("setting 'directory'")
                .hasMessageContaining("is the outbox of partner 'partner-a'")
                .hasMessageContaining("partner 'partner-b' and partner 'partner-a' may not share an outbox");

        // And partner A's own second channel (another format) is fine
        sink("partner-a", outbox, "csv").close();
    }

    @Test
    void shouldRefuseAnOutboxInsideOrAroundAnotherPartnersOutbox() throws Exception {
        // Given partner A's outbox
        Path a = root.resolve("feeds/a");
        sink("partner-a", a, "jsonl").close();

        // When partner B's outbox lies inside it, or holds it / Then each is refused naming both partners
        assertThatThrownBy(() -> sink("partner-b", a.resolve("b"), "jsonl"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("lies inside the outbox of partner 'partner-a'")
                .hasMessageContaining("partner 'partner-b'");
        assertThatThrownBy(() -> sink("partner-b", root.resolve("feeds"), "jsonl"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("holds the outbox of partner 'partner-a'")
                .hasMessageContaining("partner 'partner-b'");

        // And a sibling directory is fine
        sink("partner-b", root.resolve("feeds/b"), "jsonl").close();
    }

    @Test
    void shouldRefuseAnotherPartnerEvenThroughALinkedParentSpellingOfTheSameOutbox() throws Exception {
        // Given partner A's outbox, and a link to its parent
        Path a = root.resolve("feeds/a");
        sink("partner-a", a, "jsonl").close();
        Path alias = Files.createSymbolicLink(root.resolve("alias"), root.resolve("feeds"));

        // When partner B names the same directory through the link / Then it is refused
        assertThatThrownBy(() -> sink("partner-b", alias.resolve("a"), "jsonl"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("partner 'partner-a'");
    }

    // ---- leftovers are read with a bound ----

    @Test
    void shouldSetAsideALeftoverLargerThanTheChannelCanWriteWithoutReadingIt() throws Exception {
        // Given a sparse .part leftover one byte over the limit of a channel with the smallest max_bytes
        Path outbox = Files.createDirectories(root.resolve("outbox"));
        Path part = outbox.resolve("indicators-20261129T090000Z-0001.jsonl.part");
        long limit = 4096 + RotatingFile.LEFTOVER_SLACK;
        try (RandomAccessFile file = new RandomAccessFile(part.toFile(), "rw")) {
            file.setLength(limit + 1);
        }

        // When a sink starts on the folder, and delivers
        ChannelSink sink = sink(PARTNER, outbox, "jsonl", "max_bytes", "4096");
        sink.deliver(TestRecords.everyType(DeliveryChannel.FILES, 0));
        sink.close();

        // Then the leftover is kept aside, whole, under a name no collector reads, and delivery goes on
        Path aside = outbox.resolve(part.getFileName() + RotatingFile.SET_ASIDE_SUFFIX);
        assertThat(part).doesNotExist();
        assertThat(Files.size(aside)).isEqualTo(limit + 1);
        assertThat(names(outbox)).contains("indicators-20261129T100000Z-0001.jsonl");
    }

    @Test
    void shouldCompleteALeftoverOfSeveralBufferFullsCuttingOnlyItsHalfWrittenRecord() throws Exception {
        // Given a CSV .part of ~1 MiB of records with quoted line breaks, ending in half a record
        Path outbox = Files.createDirectories(root.resolve("outbox"));
        CsvFormat csv = new CsvFormat();
        var out = new java.io.ByteArrayOutputStream();
        out.write(csv.header(RecordFields.INDICATOR_COLUMNS));
        var awkward = TestRecords.indicatorBuilder(
                        IndicatorType.URL, "http://x.example/?q=\"a,b\"\r\n" + "x".repeat(500))
                .build();
        int records = 0;
        while (out.size() < 1024 * 1024) {
            out.write(csv.encode(TestRecords.record(records++, awkward)));
        }
        byte[] whole = out.toByteArray();
        byte[] next = csv.encode(TestRecords.record(records, awkward));
        out.write(next, 0, next.length / 2);
        Path part = outbox.resolve("indicators-20261129T090000Z-0001.csv.part");
        Files.write(part, out.toByteArray());

        // When a sink starts on the folder
        sink(PARTNER, outbox, "csv").close();

        // Then the completed file holds exactly the whole records
        Path completed = outbox.resolve("indicators-20261129T090000Z-0001.csv");
        assertThat(Files.readAllBytes(completed)).isEqualTo(whole);
        assertThat(Rfc4180Reader.read(Files.readString(completed, StandardCharsets.UTF_8)))
                .hasSize(1 + records);
    }
}
