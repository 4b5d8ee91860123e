package io.threatline.app;

import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ReferenceKind;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.reference.IpRangeLoader;
import io.threatline.streams.reference.LoadResult;
import io.threatline.streams.reference.MaxMindLoader;
import io.threatline.streams.reference.MispGalaxyAliasLoader;
import io.threatline.streams.reference.ReferenceRow;
import io.threatline.streams.reference.WarninglistLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Loading reference data files into the hub's compacted reference topics, where the running hub picks
 * them up: what `threatline reference load` does, and what `run` does with its malware aliases.
 */
final class ReferenceLoading {

    private ReferenceLoading() {}

    /** What kind of reference file. */
    enum Kind {
        ALIASES,
        RANGES,
        MMDB,
        WARNINGLIST
    }

    /**
     * Loads reference files of one kind into their compacted topic (what `reference load` does, and
     * what `run` does with its aliases): bad entries are reported on {@code err} with file and line and
     * skipped, a summary per file goes to {@code out}.
     *
     * @return how many problems there were (0: every row loaded)
     */
    static int load(
            Map<String, Object> client,
            ThreatlineTopics topics,
            Kind kind,
            List<Path> files,
            PrintWriter out,
            PrintWriter err)
            throws IOException {
        Map<String, Object> props = new java.util.HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        ConfluentAvroSerializer<SpecificRecord> values = new ConfluentAvroSerializer<>();
        values.configure(props, false);
        int problems = 0;
        try (KafkaProducer<String, SpecificRecord> producer =
                new KafkaProducer<>(props, new StringSerializer(), values)) {
            for (Path file : files) {
                if (!Files.isReadable(file)) {
                    err.println(file + ": cannot read");
                    problems++;
                    continue;
                }
                String topic = topics.reference(
                        switch (kind) {
                            case ALIASES -> ReferenceKind.FAMILY_ALIASES;
                            case RANGES, MMDB -> ReferenceKind.IP_RANGES;
                            case WARNINGLIST -> ReferenceKind.BENIGN;
                        });
                Consumer<ReferenceRow<? extends SpecificRecord>> sink =
                        row -> producer.send(new ProducerRecord<>(topic, row.key(), row.value()));
                LoadResult result = loader(kind, file, sink);
                producer.flush();
                result.problems().forEach(p -> err.println(p.location() + ": " + p.message()));
                problems += result.problems().size();
                out.printf(
                        "%s: %,d rows to %s, %d problems%n",
                        file, result.rows(), topic, result.problems().size());
            }
        }
        out.flush();
        err.flush();
        return problems;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static LoadResult loader(Kind kind, Path file, Consumer<ReferenceRow<? extends SpecificRecord>> sink)
            throws IOException {
        Consumer raw = sink;
        return switch (kind) {
            case ALIASES -> new MispGalaxyAliasLoader().load(file, raw);
            case RANGES -> new IpRangeLoader().load(file, raw);
            case MMDB -> new MaxMindLoader().load(file, raw);
            case WARNINGLIST -> new WarninglistLoader().load(file, raw);
        };
    }
}
