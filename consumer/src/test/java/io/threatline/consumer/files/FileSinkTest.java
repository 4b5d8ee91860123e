package io.threatline.consumer.files;

import static io.threatline.consumer.delivery.TestRecords.AGREEMENT;
import static io.threatline.consumer.delivery.TestRecords.PARTNER;
import static io.threatline.consumer.delivery.TestRecords.VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSettingsException;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.consumer.delivery.TestRecords;
import io.threatline.consumer.delivery.TestRecords.MutableClock;
import io.threatline.consumer.formats.RecordFields;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerIndicator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Commas, quotes, CR/LF, a non-ASCII letter: what CSV and JSON must carry unchanged. */
    private static final String AWKWARD = "a,b \"quoted\"\r\nsecond line\nthird, ünïcode";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:15:00Z"));

    private ChannelSink sink(String format, String... more) {
        return sink(dir, format, more);
    }

    private ChannelSink sink(Path directory, String format, String... more) {
        Map<String, String> values = new HashMap<>(Map.of("directory", directory.toString(), "format", format));
        for (int i = 0; i < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return new FileSinkFactory(clock)
                .create(new ChannelSettings(
                        PARTNER, DeliveryChannel.FILES, values, new Secrets(Optional.empty(), Map.of())));
    }

    private List<Path> files(String glob) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p ->
                            dir.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .sorted()
                    .toList();
        }
    }

    private static PartnerIndicator awkwardIndicator() {
        return TestRecords.indicatorBuilder(IndicatorType.URL, "http://x.example/?q=" + AWKWARD)
                .setTags(List.of(AWKWARD, "plain"))
                .setRedistributionScope(AWKWARD)
                .build();
    }

    @Test
    void jsonlHoldsOneObjectPerRecordWithDeliveryIdAndAgreement() throws Exception {
        // Given a jsonl sink and a batch of every indicator type plus an awkward value
        DeliveryBatch batch = TestRecords.batch(
                DeliveryChannel.FILES,
                100,
                Stream.concat(TestRecords.types().stream().map(TestRecords::indicator), Stream.of(awkwardIndicator()))
                        .toList());
        ChannelSink sink = sink("jsonl");

        // When it is delivered and the file completed
        sink.deliver(batch);
        sink.close();

        // Then the completed file parses line by line with Jackson, one object per record
        List<Path> completed = files("indicators-*.jsonl");
        assertThat(completed).hasSize(1);
        assertThat(completed.get(0).getFileName().toString()).isEqualTo("indicators-20261129T100000Z-0001.jsonl");
        List<String> lines = Files.readAllLines(completed.get(0), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(batch.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            PartnerIndicator expected = batch.records().get(i).indicator();
            assertThat(line.get("delivery_id").asText())
                    .isEqualTo(batch.records().get(i).deliveryId());
            assertThat(line.get("agreement_id").asText()).isEqualTo(AGREEMENT);
            assertThat(line.get("agreement_version").asInt()).isEqualTo(VERSION);
            assertThat(line.get("partner_id").asText()).isEqualTo(PARTNER);
            assertThat(line.get("indicator_id").asText()).isEqualTo(expected.getIndicatorId());
            assertThat(line.get("type").asText()).isEqualTo(expected.getType().name());
            assertThat(line.get("value").asText()).isEqualTo(expected.getValue());
            assertThat(line.get("tlp").asText()).isEqualTo("AMBER");
            assertThat(line.get("first_seen").asText()).isEqualTo(TestRecords.FIRST_SEEN.toString());
            assertThat(line.get("asn").asLong()).isEqualTo(64500L);
            assertThat(JSON.convertValue(line.get("tags"), List.class)).isEqualTo(expected.getTags());
            assertThat(line.get("redistribution_scope").asText()).isEqualTo(expected.getRedistributionScope());
        }
        assertThat(JSON.readTree(lines.get(lines.size() - 1)).get("value").asText())
                .endsWith(AWKWARD);
    }

    @Test
    void anErasedRevokeRewritesTheOutboxWithoutEveryEarlierRecordOfTheIndicatorButItself() throws Exception {
        for (String format : List.of("jsonl", "csv")) {
            // Given an outbox holding, in a completed file and in the open one, records of an e-mail address and of
            // another indicator
            Path formatDir = dir.resolve(format);
            ChannelSink sink = sink(formatDir, format);
            PartnerIndicator victim = TestRecords.indicatorBuilder(IndicatorType.EMAIL, "victim,\"x\"@example.org")
                    .build();
            // another indicator whose tag happens to spell the erased id: it stays
            PartnerIndicator other = TestRecords.indicatorBuilder(IndicatorType.DOMAIN, "bad.example.com")
                    .setTags(List.of(victim.getIndicatorId()))
                    .build();
            sink.deliver(TestRecords.batch(DeliveryChannel.FILES, 1, List.of(victim, other)));
            clock.advance(Duration.ofHours(1));
            sink.deliver(TestRecords.batch(DeliveryChannel.FILES, 3, List.of(victim)));

            // When its erased REVOKE is delivered
            PartnerIndicator erased = PartnerIndicator.newBuilder(victim)
                    .setAction(io.threatline.contract.LifecycleAction.REVOKE)
                    .setErased(true)
                    .build();
            sink.deliver(TestRecords.batch(DeliveryChannel.FILES, 4, List.of(erased)));
            sink.close();

            // Then no file in the outbox holds the address but in the REVOKE itself, which tells the partner to delete
            // it; the other indicator is untouched
            StringBuilder all = new StringBuilder();
            try (Stream<Path> files = Files.list(formatDir)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    all.append(Files.readString(f));
                }
            }
            String text = all.toString();
            String needle = format.equals("jsonl") ? "victim,\\\"x\\\"@example.org" : "victim,\"\"x\"\"@example.org";
            assertThat(text.split(java.util.regex.Pattern.quote(needle), -1))
                    .as(format + ": " + text)
                    .hasSize(4); // value and id in the one REVOKE record, and the other indicator's tag
            assertThat(text).as(format).contains("REVOKE").contains(other.getValue());
        }
    }

    @Test
    void anErasureLeavesAFileLargerThanTheChannelEverWritesAloneAndTheBatchIsDelivered() throws Exception {
        // Given a jsonl outbox (max_bytes 4096) holding a planted file far beyond what the channel writes
        ChannelSink sink = sink("jsonl", "max_bytes", "4096");
        Path planted = dir.resolve("indicators-20261129T000000Z-0001.jsonl");
        long size = 4096 + RotatingFile.LEFTOVER_SLACK + 1;
        // (it names the indicator in its first line, so a rewrite would change it)
        Files.writeString(planted, "{\"indicator_id\":\"email:victim@example.org\"}\n");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(planted.toFile(), "rw")) {
            f.setLength(size);
        }
        PartnerIndicator victim = TestRecords.indicatorBuilder(IndicatorType.EMAIL, "victim@example.org")
                .build();
        sink.deliver(TestRecords.batch(DeliveryChannel.FILES, 1, List.of(victim)));

        // When an erased REVOKE of an indicator it holds is delivered
        sink.deliver(TestRecords.batch(
                DeliveryChannel.FILES,
                2,
                List.of(PartnerIndicator.newBuilder(victim)
                        .setAction(io.threatline.contract.LifecycleAction.REVOKE)
                        .setErased(true)
                        .build())));
        sink.close();

        // Then the batch is delivered, the planted file is not read or changed, and the other files lose the record
        assertThat(Files.size(planted)).isEqualTo(size);
        String written =
                Files.readString(files("indicators-20261129T100000Z-*.jsonl").get(0));
        assertThat(written.lines().toList())
                .singleElement()
                .satisfies(l -> assertThat(l).contains("\"REVOKE\""));
    }

    @Test
    void theOutboxKeepsNoFileLongerThanTheAgreementsRetention() throws Exception {
        // Given a jsonl outbox whose agreement keeps the feed a day, with a file completed two days ago
        ChannelSink sink = sink("jsonl", ChannelSettings.AGREEMENT_RETENTION, "P1D");
        sink.deliver(TestRecords.batch(DeliveryChannel.FILES, 1, List.of(TestRecords.indicator(IndicatorType.DOMAIN))));
        sink.close();
        Path old = files("indicators-*.jsonl").get(0);
        Files.setLastModifiedTime(
                old, java.nio.file.attribute.FileTime.from(clock.instant().minus(Duration.ofDays(2))));
        Path recent = Files.writeString(dir.resolve("indicators-20261129T090000Z-0001.jsonl"), "{}\n");

        // When the sink is next idle
        ChannelSink again = sink("jsonl", ChannelSettings.AGREEMENT_RETENTION, "P1D");
        again.idle();

        // Then the old file is gone and the recent one stays
        assertThat(files("indicators-*.jsonl")).containsExactly(recent);
        again.close();
    }

    @Test
    void feedFilesAndDirectoriesAreReadableByOwnerAndGroupOnly() throws Exception {
        // Given a sink whose directory does not exist yet, and a feed of each file format
        Path feed = dir.resolve("outbox").resolve(PARTNER);
        for (String format : List.of("jsonl", "csv", "stix", "misp")) {
            Path formatDir = feed.resolve(format);
            ChannelSink sink = new FileSinkFactory(clock)
                    .create(new ChannelSettings(
                            PARTNER,
                            DeliveryChannel.FILES,
                            Map.of("directory", formatDir.toString(), "format", format),
                            new Secrets(Optional.empty(), Map.of())));

            // When a batch is delivered and the file completed
            sink.deliver(
                    TestRecords.batch(DeliveryChannel.FILES, 1, List.of(TestRecords.indicator(IndicatorType.DOMAIN))));
            sink.close();

            // Then nothing in it is readable by other users, whatever the umask
            try (Stream<Path> all = Files.walk(formatDir)) {
                List<Path> paths = all.toList();
                assertThat(paths).as(format).hasSizeGreaterThan(1);
                for (Path p : paths) {
                    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                            .as("%s", p)
                            .isEqualTo(Files.isDirectory(p) ? "rwxr-x---" : "rw-r-----");
                }
            }
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(feed)))
                .isEqualTo("rwxr-x---");
    }

    @Test
    void csvHasDocumentedHeaderAndValuesWithCommasQuotesAndNewlinesRoundTrip() throws Exception {
        // Given a csv sink and a batch with awkward values
        DeliveryBatch batch = TestRecords.batch(
                DeliveryChannel.FILES, 7, List.of(TestRecords.indicator(IndicatorType.IPV4), awkwardIndicator()));
        ChannelSink sink = sink("csv");

        // When delivered and completed
        sink.deliver(batch);
        sink.close();

        // Then an independent RFC 4180 reader gives back the header and every value unchanged
        List<Path> completed = files("indicators-*.csv");
        assertThat(completed).hasSize(1);
        String text = Files.readString(completed.get(0), StandardCharsets.UTF_8);
        assertThat(text).endsWith("\r\n");
        List<List<String>> rows = Rfc4180Reader.read(text);
        assertThat(rows.get(0)).isEqualTo(RecordFields.INDICATOR_COLUMNS);
        assertThat(rows).hasSize(3);
        Map<String, String> awkward = row(rows.get(0), rows.get(2));
        assertThat(awkward.get("delivery_id")).isEqualTo(TestRecords.TOPIC + "/0/8");
        assertThat(awkward.get("value")).isEqualTo("http://x.example/?q=" + AWKWARD);
        assertThat(awkward.get("redistribution_scope")).isEqualTo(AWKWARD);
        assertThat(awkward.get("tags")).isEqualTo(AWKWARD + ";plain");
        assertThat(awkward.get("agreement_id")).isEqualTo(AGREEMENT);
        assertThat(awkward.get("agreement_version")).isEqualTo("3");
        Map<String, String> ip = row(rows.get(0), rows.get(1));
        assertThat(ip.get("value")).isEqualTo("203.0.113.7");
        assertThat(ip.get("malware_families")).isEqualTo("Emotet;TrickBot");
        assertThat(ip.get("sensors")).isEmpty();
        assertThat(ip.get("country")).isEqualTo("NL");
    }

    private static Map<String, String> row(List<String> header, List<String> values) {
        assertThat(values).hasSameSizeAs(header);
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            row.put(header.get(i), values.get(i));
        }
        return row;
    }

    @Test
    void statisticsGoToTheirOwnFilesWithTheirOwnColumns() throws Exception {
        // Given jsonl and csv sinks in separate folders
        DeliveryBatch batch = TestRecords.batch(
                DeliveryChannel.FILES,
                0,
                List.of(TestRecords.indicator(IndicatorType.DOMAIN), TestRecords.statistic("Emo,tet \"x\"", 50)));
        Path root = dir;
        for (String format : List.of("jsonl", "csv")) {
            dir = root.resolve(format);
            ChannelSink sink = sink(format);
            assertThat(sink.cannotExpress(batch.records().get(1))).isEmpty();

            // When a batch mixing an indicator and a statistic is delivered
            sink.deliver(batch);
            sink.close();

            // Then each lands in its own file
            assertThat(files("indicators-*." + format)).hasSize(1);
            List<Path> statistics = files("statistics-*." + format);
            assertThat(statistics).hasSize(1);
            String text = Files.readString(statistics.get(0));
            if (format.equals("jsonl")) {
                JsonNode s = JSON.readTree(text.strip());
                assertThat(s.get("delivery_id").asText()).isEqualTo(TestRecords.TOPIC + "/0/1");
                assertThat(s.get("dimension_value").asText()).isEqualTo("Emo,tet \"x\"");
                assertThat(s.get("count").asLong()).isEqualTo(50);
                assertThat(s.get("change_ratio").asDouble()).isEqualTo(0.25);
            } else {
                List<List<String>> rows = Rfc4180Reader.read(text);
                assertThat(rows.get(0)).isEqualTo(RecordFields.STATISTIC_COLUMNS);
                Map<String, String> s = row(rows.get(0), rows.get(1));
                assertThat(s.get("dimension_value")).isEqualTo("Emo,tet \"x\"");
                assertThat(s.get("window")).isEqualTo("HOURLY");
                assertThat(s.get("previous_count")).isEqualTo("40");
            }
        }
    }

    @Test
    void anOpenFileIsOnlyVisibleUnderItsPartNameUntilItIsComplete() throws Exception {
        // Given a jsonl sink that has confirmed a batch
        ChannelSink sink = sink("jsonl");
        sink.deliver(TestRecords.everyType(DeliveryChannel.FILES, 0));

        // Then the data is on disk, but only under the .part name
        assertThat(files("*.jsonl")).isEmpty();
        List<Path> parts = files("*.jsonl.part");
        assertThat(parts).hasSize(1);
        assertThat(Files.readAllLines(parts.get(0))).hasSize(TestRecords.types().size());

        // When the sink closes, the file is renamed into place
        sink.close();
        assertThat(files("*.part")).isEmpty();
        assertThat(files("*.jsonl")).hasSize(1);
    }

    @Test
    void aBatchAfterTheRotationWindowStartsANewFileAndCompletesTheOldOne() throws Exception {
        // Given an hourly csv sink that wrote a batch at 10:15
        ChannelSink sink = sink("csv", "rotate", "PT1H");
        sink.deliver(TestRecords.everyType(DeliveryChannel.FILES, 0));

        // When the next batch comes at 11:05
        clock.advance(Duration.ofMinutes(50));
        sink.deliver(TestRecords.everyType(DeliveryChannel.FILES, 100));

        // Then the 10:00 file is complete and the 11:00 file is being written
        assertThat(files("*.csv"))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("indicators-20261129T100000Z-0001.csv");
        assertThat(files("*.part"))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("indicators-20261129T110000Z-0001.csv.part");
        sink.close();
        for (Path file : files("*.csv")) {
            List<List<String>> rows = Rfc4180Reader.read(Files.readString(file));
            assertThat(rows.get(0)).isEqualTo(RecordFields.INDICATOR_COLUMNS);
            assertThat(rows).hasSize(1 + TestRecords.types().size());
        }
    }

    @Test
    void aQuietFeedsFileIsCompletedWhenItsWindowEndsWithoutANewBatch() throws Exception {
        // Given an hourly jsonl sink that wrote a batch at 10:15
        ChannelSink sink = sink("jsonl", "rotate", "PT1H");
        sink.deliver(TestRecords.everyType(DeliveryChannel.FILES, 0));

        // When the worker finds nothing new at 10:59, then at 11:00
        clock.advance(Duration.ofMinutes(44));
        sink.idle();
        assertThat(files("*.part")).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        sink.idle();

        // Then the 10:00 file is in place without waiting for another batch
        assertThat(files("*.part")).isEmpty();
        assertThat(files("*.jsonl"))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("indicators-20261129T100000Z-0001.jsonl");
        sink.close();
    }

    @Test
    void aFileThatReachesMaxBytesIsCompletedAndTheNextOneGetsTheNextSequenceNumber() throws Exception {
        // Given a jsonl sink with the smallest size limit
        ChannelSink sink = sink("jsonl", "max_bytes", "4096");

        // When more than 4096 bytes are delivered in several batches within one window
        for (int i = 0; i < 6; i++) {
            sink.deliver(TestRecords.everyType(DeliveryChannel.FILES, i * 100L));
        }
        sink.close();

        // Then several files of the same window exist, each complete and parseable, none lost
        List<Path> completed = files("indicators-20261129T100000Z-*.jsonl");
        assertThat(completed.size()).isGreaterThan(1);
        long lines = 0;
        for (Path file : completed) {
            for (String line : Files.readAllLines(file)) {
                JSON.readTree(line);
                lines++;
            }
        }
        assertThat(lines).isEqualTo(6L * TestRecords.types().size());
        assertThat(completed.get(1).getFileName().toString()).endsWith("-0002.jsonl");
    }

    @Test
    void aPartFileLeftByACrashIsCompletedOnStartWithoutItsHalfWrittenRecord() throws Exception {
        // Given a .part file with one confirmed CSV record and half of another (quoted newline inside)
        CsvFormat csv = new CsvFormat();
        byte[] header = csv.header(RecordFields.INDICATOR_COLUMNS);
        byte[] whole = csv.encode(TestRecords.record(1, awkwardIndicator()));
        byte[] second = csv.encode(TestRecords.record(2, awkwardIndicator()));
        byte[] half = java.util.Arrays.copyOf(second, second.length / 2);
        Path part = dir.resolve("indicators-20261129T090000Z-0001.csv.part");
        Files.write(part, concat(header, whole, half));

        // When a sink starts on the folder
        sink("csv").close();

        // Then the file is complete under its final name and holds only the whole record
        Path completed = dir.resolve("indicators-20261129T090000Z-0001.csv");
        assertThat(part).doesNotExist();
        assertThat(Files.readAllBytes(completed)).isEqualTo(concat(header, whole));
        assertThat(Rfc4180Reader.read(Files.readString(completed))).hasSize(2);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void missingDirectoryNamesTheSetting() {
        // Given settings without a directory
        ChannelSettings settings = new ChannelSettings(
                PARTNER, DeliveryChannel.FILES, Map.of("format", "csv"), new Secrets(Optional.empty(), Map.of()));

        // When / Then
        assertThatThrownBy(() -> new FileSinkFactory(clock).create(settings))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("setting 'directory' is required")
                .hasMessageContaining(PARTNER);
    }

    @Test
    void unknownFormatAndBadRotateAndTooSmallMaxBytesNameTheirSetting() {
        assertThatThrownBy(() -> sink("xml"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("setting 'format' is 'xml'")
                .hasMessageContaining("jsonl");
        assertThatThrownBy(() -> sink("jsonl", "rotate", "1h"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("setting 'rotate'");
        assertThatThrownBy(() -> sink("jsonl", "max_bytes", "10"))
                .isInstanceOf(ChannelSettingsException.class)
                .hasMessageContaining("setting 'max_bytes'");
    }

    @Test
    void aFailedWriteIsTransientAndTheSameBatchSucceedsOnceTheFolderIsBack() throws Exception {
        // Given a jsonl sink whose folder was replaced by a plain file after start (fails for root too)
        ChannelSink sink = sink("jsonl");
        try (var stream = Files.list(dir)) {
            for (Path p : stream.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
        Files.writeString(dir, "not a folder");
        var batch = TestRecords.everyType(DeliveryChannel.FILES, 0);

        // When / Then the write fails transiently
        assertThatThrownBy(() -> sink.deliver(batch))
                .isInstanceOfSatisfying(
                        DeliveryException.class,
                        e -> assertThat(e.isPermanent()).isFalse());

        // When the folder is back, the retried batch is written
        Files.delete(dir);
        Files.createDirectory(dir);
        sink.deliver(batch);
        sink.close();
        try (var stream = Files.list(dir)) {
            assertThat(stream.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                            .toList())
                    .hasSize(1);
        }
    }
}
