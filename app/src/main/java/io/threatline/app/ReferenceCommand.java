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
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Loads reference data files into their compacted topics, where the running hub picks them up. */
@Command(
        name = "reference",
        mixinStandardHelpOptions = true,
        description = "Reference data for the hub's enrichment.",
        subcommands = {ReferenceCommand.Load.class})
public final class ReferenceCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What kind of reference file. */
    enum Kind {
        ALIASES,
        RANGES,
        MMDB,
        WARNINGLIST
    }

    @Command(
            name = "load",
            mixinStandardHelpOptions = true,
            description = {
                "Loads reference files into the hub's compacted reference topics; the running hub uses them at once.",
                "  aliases     MISP galaxy cluster JSON (family aliases: Caphaw -> Shylock)",
                "  ranges      CSV/TSV of IP ranges with asn, as_organization, country",
                "  mmdb        a MaxMind .mmdb database (GeoLite2-ASN, -Country, GeoIP2-City)",
                "  warninglist MISP warninglist JSON (benign values that suppress false positives)",
                "Bad entries are reported with file and line and skipped; exit 3 if there were any."
            })
    static final class Load implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @Option(names = "--kind", required = true, description = "aliases, ranges, mmdb or warninglist.")
        Kind kind;

        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Option(
                names = "--topic-prefix",
                defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
                description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() throws Exception {
            ThreatlineTopics topics = new ThreatlineTopics(topicPrefix, 1, (short) 1);
            Map<String, Object> props = connection.clientProperties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            ConfluentAvroSerializer<SpecificRecord> values = new ConfluentAvroSerializer<>();
            values.configure(props, false);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
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
                    LoadResult result = load(file, sink);
                    producer.flush();
                    result.problems().forEach(p -> err.println(p.location() + ": " + p.message()));
                    problems += result.problems().size();
                    out.printf(
                            "%s: %,d rows to %s, %d problems%n",
                            file, result.rows(), topic, result.problems().size());
                }
            }
            out.flush();
            return problems == 0 ? 0 : PublishCommand.SOME_REJECTED;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private LoadResult load(Path file, Consumer<ReferenceRow<? extends SpecificRecord>> sink) throws IOException {
            Consumer raw = sink;
            return switch (kind) {
                case ALIASES -> new MispGalaxyAliasLoader().load(file, raw);
                case RANGES -> new IpRangeLoader().load(file, raw);
                case MMDB -> new MaxMindLoader().load(file, raw);
                case WARNINGLIST -> new WarninglistLoader().load(file, raw);
            };
        }
    }
}
