package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.consumer.ConsumerSerdes;
import io.threatline.consumer.audit.AuditLog;
import io.threatline.consumer.audit.AuditReader;
import io.threatline.consumer.audit.AuditSequencer;
import io.threatline.consumer.audit.AuditSigningKeys;
import io.threatline.consumer.audit.ReceiptHash;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.OffsetRange;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `threatline audit head` and `audit verify --head` against the shared broker: a partner keeps a
 * signed head of a real receipt chain; a copy of that chain cut short, or rewritten with every hash
 * recomputed, still verifies on its own but not against the kept head; the chain growing past the
 * head, or holding an exact copy of a receipt, does not count as a break.
 */
class AuditHeadCommandsIT {

    private static final String PARTNER = "nca-tovar";

    @TempDir
    Path work;

    private final String[] connection = {
        "--bootstrap-servers",
        SharedPlatform.bootstrapServers(),
        "--schema-registry-url",
        SharedPlatform.registryUrl().toString()
    };

    @Test
    void shouldDetectACutAndARewrittenChainAgainstAKeptSignedHeadButNotARetriedReceipt() throws Exception {
        // Given three receipts written by the audit log to a fresh audit topic
        String prefix = newAuditTopic();
        Path secrets = work.resolve("secrets");
        appendChained(prefix, 0, 1, 2);

        // When the operator exports a signed head (the key is made on first use)
        Path head = work.resolve("head.json");
        Result exported = run(
                "audit",
                "head",
                "--partner",
                PARTNER,
                "--out",
                head.toString(),
                "--secrets-dir",
                secrets.toString(),
                "--topic-prefix",
                prefix);

        // Then the head names sequence 3 and the private key is private to its owner
        assertThat(exported.exit()).as(exported.out()).isZero();
        assertThat(exported.out()).contains("Generated the deployment's audit signing key", "sequence 3");
        assertThat(Files.readString(head)).contains("\"sequence\" : 3", "\"signature\"");
        assertThat(Files.getPosixFilePermissions(secrets.resolve(AuditKeys.PRIVATE_FILE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        Path publicKey = secrets.resolve(AuditKeys.PUBLIC_FILE);

        // When the chain grows by two receipts and an exact copy of one of them (a retried write), and is verified
        // against the head
        List<DeliveryReceipt> chain;
        appendChained(prefix, 3, 4);
        chain = read(prefix);
        write(prefix, List.of(chain.get(4)));
        Result grown = verify(prefix, head, publicKey);

        // Then it holds, the copy skipped
        assertThat(grown.exit()).as(grown.out()).isZero();
        assertThat(grown.out())
                .contains(
                        "5 receipt(s)",
                        "1 exact copy(ies) of retried writes, skipped",
                        "chain INTACT",
                        "signature valid, the chain reaches and matches it");

        // When a copy of the chain without its newest receipts (cut) is verified
        String cut = newAuditTopic();
        write(cut, chain.subList(0, 2));
        Result plainCut =
                run(concat(new String[] {"audit", "verify", "--partner", PARTNER, "--topic-prefix", cut}, connection));
        Result cutAgainstHead = verify(cut, head, publicKey);

        // Then on its own it looks whole, but against the kept head the cut is named
        assertThat(plainCut.exit()).as(plainCut.out()).isZero();
        assertThat(cutAgainstHead.exit()).as(cutAgainstHead.out()).isEqualTo(3);
        assertThat(cutAgainstHead.out())
                .contains(
                        "chain BROKEN",
                        "BREAK at sequence 3",
                        "the chain ends at sequence 2",
                        "receipts 3..3 were removed");

        // When a rewritten copy (receipt 2 edited, every later hash recomputed, as anyone without the key can) is
        // verified
        String rewritten = newAuditTopic();
        List<DeliveryReceipt> forged = new ArrayList<>();
        for (DeliveryReceipt r : chain) {
            forged.add(DeliveryReceipt.newBuilder(r).build());
        }
        forged.get(1).setRecordIds(List.of("domain:never-sent.example.com"));
        for (int i = 1; i < forged.size(); i++) {
            forged.get(i).setPreviousHash(forged.get(i - 1).getHash());
            forged.get(i).setHash(ReceiptHash.of(forged.get(i)));
        }
        write(rewritten, forged);
        Result plainRewritten = run(concat(
                new String[] {"audit", "verify", "--partner", PARTNER, "--topic-prefix", rewritten}, connection));
        Result rewrittenAgainstHead = verify(rewritten, head, publicKey);

        // Then on its own it verifies, but against the head the rewrite shows at the head's sequence
        assertThat(plainRewritten.exit()).as(plainRewritten.out()).isZero();
        assertThat(rewrittenAgainstHead.exit()).as(rewrittenAgainstHead.out()).isEqualTo(3);
        assertThat(rewrittenAgainstHead.out()).contains("BREAK at sequence 3", "the chain up to there was rewritten");

        // When the head file itself is edited to an earlier sequence, or checked with another key
        Path edited = work.resolve("edited.json");
        Files.writeString(edited, Files.readString(head).replace("\"sequence\" : 3", "\"sequence\" : 2"));
        Path otherKey = work.resolve("other.pub.pem");
        Files.writeString(
                otherKey, AuditSigningKeys.publicPem(AuditSigningKeys.generate().getPublic()));
        Result editedHead = verify(prefix, edited, publicKey);
        Result wrongKey = verify(prefix, head, otherKey);

        // Then neither is trusted
        assertThat(editedHead.exit()).as(editedHead.out()).isEqualTo(3);
        assertThat(editedHead.out()).contains("SIGNATURE INVALID", "altered");
        assertThat(wrongKey.exit()).as(wrongKey.out()).isEqualTo(3);
        assertThat(wrongKey.out()).contains("SIGNATURE INVALID", "another key");

        // And a second head is signed with the same key, which is not made again
        Result again = run(
                "audit", "head", "--partner", PARTNER, "--secrets-dir", secrets.toString(), "--topic-prefix", prefix);
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(again.out())
                .doesNotContain("Generated")
                .contains(
                        "\"sequence\" : 5",
                        AuditSigningKeys.keyId(AuditSigningKeys.publicKey(Files.readString(publicKey))));
    }

    @Test
    void shouldRefuseToSignAHeadOverABrokenChainAndNameABadHeadFileAsAUsageError() throws Exception {
        // Given a chain whose second receipt was altered in the topic
        String prefix = newAuditTopic();
        appendChained(prefix, 0);
        DeliveryReceipt altered = DeliveryReceipt.newBuilder(read(prefix).get(0))
                .setSequence(2)
                .setRecordIds(List.of("domain:x.example.com"))
                .build();
        write(prefix, List.of(altered));
        Path secrets = work.resolve("secrets");

        // When a head is asked for
        Path head = work.resolve("head.json");
        Result refused = run(
                "audit",
                "head",
                "--partner",
                PARTNER,
                "--out",
                head.toString(),
                "--secrets-dir",
                secrets.toString(),
                "--topic-prefix",
                prefix);

        // Then none is signed (and no key is made for nothing)
        assertThat(refused.exit()).as(refused.out()).isEqualTo(3);
        assertThat(refused.out()).contains("BROKEN", "no head signed");
        assertThat(head).doesNotExist();
        assertThat(secrets).doesNotExist();

        // When verify is given a head file that is not one, or no public key to check it with
        Path junk = work.resolve("junk.json");
        Files.writeString(junk, "{\"format\": \"something-else\"}");
        Result badHead = run(concat(
                new String[] {
                    "audit",
                    "verify",
                    "--partner",
                    PARTNER,
                    "--topic-prefix",
                    prefix,
                    "--head",
                    junk.toString(),
                    "--secrets-dir",
                    secrets.toString()
                },
                connection));

        // Then it is a usage error naming the file
        assertThat(badHead.exit()).as(badHead.out()).isEqualTo(2);
        assertThat(badHead.out()).contains("--head " + junk, "format");
    }

    /**
     * Receipts of {@code batches} the way delivery writes them: handed in to the requests topic and
     * chained into the audit topic by the audit sequencer, which this waits for.
     */
    private static void appendChained(String prefix, int... batches) throws Exception {
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 1, (short) 1);
        try (ConsumerSerdes serdes = ConsumerSerdes.from(client());
                AuditSequencer sequencer = AuditSequencer.start(new HashMap<>(client()), topics, serdes.receipt);
                AuditLog log = AuditLog.open(
                        client(),
                        topics.deliveryReceiptRequests(),
                        serializer(),
                        io.threatline.schemas.privacy.IndicatorKey.of(new byte[32]))) {
            for (int batch : batches) {
                append(log, batch);
            }
            assertThat(sequencer.awaitChained(Duration.ofSeconds(60)))
                    .as("receipts not chained")
                    .isZero();
        }
    }

    private static void append(AuditLog log, int batch) {
        log.append(
                PARTNER,
                DeliveryChannel.TAXII,
                "taxii:" + PARTNER,
                "NCA-2026",
                1,
                List.of("domain:c2-" + batch + ".example.com"),
                List.of(new OffsetRange("ti.partner." + PARTNER + ".indicators.v1", 0, (long) batch, (long) batch)),
                Instant.now());
    }

    private Result verify(String prefix, Path head, Path publicKey) {
        return run(concat(
                new String[] {
                    "audit",
                    "verify",
                    "--partner",
                    PARTNER,
                    "--topic-prefix",
                    prefix,
                    "--head",
                    head.toString(),
                    "--public-key",
                    publicKey.toString()
                },
                connection));
    }

    private Result run(String... args) {
        String[] all = args[0].equals("audit") && args[1].equals("head") ? concat(args, connection) : args;
        StringWriter out = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(all);
        return new Result(exit, out.toString());
    }

    private record Result(int exit, String out) {}

    private static String auditTopic(String prefix) {
        return new ThreatlineTopics(prefix, 1, (short) 1).deliveryAudit();
    }

    private static String newAuditTopic() throws Exception {
        String prefix = "head" + UUID.randomUUID().toString().substring(0, 8) + ".";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(auditTopic(prefix), 1, (short) 1),
                            new NewTopic(
                                    new ThreatlineTopics(prefix, 1, (short) 1).deliveryReceiptRequests(), 1, (short)
                                            1)))
                    .all()
                    .get();
        }
        return prefix;
    }

    private static Map<String, Object> client() {
        return Map.of(
                "bootstrap.servers",
                SharedPlatform.bootstrapServers(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
    }

    private static ConfluentAvroSerializer<DeliveryReceipt> serializer() {
        ConfluentAvroSerializer<DeliveryReceipt> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString()),
                false);
        return serializer;
    }

    private static List<DeliveryReceipt> read(String prefix) {
        List<DeliveryReceipt> receipts = new ArrayList<>();
        try (AuditReader reader = AuditReader.open(client(), auditTopic(prefix))) {
            reader.readAll(receipts::add);
        }
        return receipts;
    }

    /** Writes receipts as they are, the way anyone with write access to an audit topic could. */
    private static void write(String prefix, List<DeliveryReceipt> receipts) throws Exception {
        try (KafkaProducer<String, DeliveryReceipt> producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()),
                new StringSerializer(),
                serializer())) {
            for (DeliveryReceipt r : receipts) {
                producer.send(new ProducerRecord<>(auditTopic(prefix), PARTNER, r))
                        .get();
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
