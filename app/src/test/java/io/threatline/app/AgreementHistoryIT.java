package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The history of agreements against the real broker and registry, as an operator uses it: versions
 * applied, an unchanged re-apply, a changed version refused, an end, then the history read back.
 */
class AgreementHistoryIT {

    @TempDir
    Path work;

    private record Result(int exit, String out, String err) {}

    @Test
    void shouldKeepEveryVersionAndTheEndAndRefuseChangedTermsUnderAnOldVersion() throws Exception {
        // Given fresh topics and an agreement with a TAXII channel (its password a secret reference)
        String prefix = "hist" + UUID.randomUUID().toString().substring(0, 8) + ".";
        assertThat(run("init", "--replication-factor", "1", "--partitions", "1", "--topic-prefix", prefix)
                        .exit())
                .isZero();
        Path v1 = agreement("v1.yaml", 1, "TLP:GREEN", "[indicators]");
        Path v2 = agreement("v2.yaml", 2, "TLP:AMBER", "[indicators]");
        Path v2Changed = agreement("v2-changed.yaml", 2, "TLP:RED", "[indicators]");

        // When v1 and v2 are applied, v2 is applied again, then v2 with other terms, then the agreement is ended
        Result first = run(
                "agreements",
                "apply",
                v1.toString(),
                "--topic-prefix",
                prefix,
                "--partitions",
                "1",
                "--operator",
                "alice");
        Result second = run(
                "agreements",
                "apply",
                v2.toString(),
                "--topic-prefix",
                prefix,
                "--partitions",
                "1",
                "--operator",
                "alice");
        Result again = run(
                "agreements",
                "apply",
                v2.toString(),
                "--topic-prefix",
                prefix,
                "--partitions",
                "1",
                "--operator",
                "carol");
        Result changed =
                run("agreements", "apply", v2Changed.toString(), "--topic-prefix", prefix, "--partitions", "1");
        Result ended = run("agreements", "end", "acme-cert", "--topic-prefix", prefix, "--operator", "bob");

        // Then the first two apply, the re-apply changes nothing, the changed v2 is refused naming the partner and both
        // versions
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).contains("applied: acme-cert (ACME CERT) agreement ACME-2026 version 1");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).contains("applied: acme-cert (ACME CERT) agreement ACME-2026 version 2");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out())
                .contains(
                        "unchanged: acme-cert (ACME CERT) agreement ACME-2026 version 2, the same terms in force since");
        assertThat(changed.exit()).as(changed.toString()).isEqualTo(1);
        assertThat(changed.err())
                .contains(
                        "refused, nothing applied",
                        "partner acme-cert",
                        "version 2 has other terms than version 2",
                        "version 3");
        assertThat(ended.exit()).as(ended.toString()).isZero();
        assertThat(ended.out())
                .contains("ended: acme-cert", "history: the end is recorded in " + prefix + "agreements.history.v1");

        // And the history lists v1, v2 and the end, each version with its terms and until when it was in force
        Result history = run("agreements", "history", "acme-cert", "--topic-prefix", prefix);
        assertThat(history.exit()).as(history.toString()).isZero();
        assertThat(history.out())
                .contains("History of acme-cert's agreement: 2 version(s), 3 entries in " + prefix
                        + "agreements.history.v1");
        List<String> lines = history.out().lines().toList();
        assertThat(lines)
                .filteredOn(l -> l.strip().startsWith("v1 "))
                .singleElement()
                .asString()
                .contains("ACME-2026 (ACME CERT)  took effect", "by alice", "(replaced by v2)");
        assertThat(lines)
                .filteredOn(l -> l.strip().startsWith("v2 "))
                .singleElement()
                .asString()
                .contains("by alice", "(ended)");
        assertThat(lines)
                .filteredOn(l -> l.strip().startsWith("ended "))
                .singleElement()
                .asString()
                .contains("by bob");
        assertThat(history.out())
                .contains(
                        "ceiling TLP:GREEN; kinds [INDICATORS]",
                        "ceiling TLP:AMBER; kinds [INDICATORS]",
                        "scope: types any, families [shylock]",
                        "embargo PT24H",
                        "period 2026-01-01T00:00:00Z to open-ended",
                        "taxii (password=secret:acme/taxii)");
        assertThat(history.out()).doesNotContain("TLP:RED", "carol");

        // And --version 1 prints v1's full terms, --json the same for scripts, and unknown partners and versions exit 3
        Result one = run("agreements", "history", "acme-cert", "--version", "1", "--topic-prefix", prefix);
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out())
                .contains("agreement ACME-2026 version 1", "TLP:GREEN", "(replaced by v2)")
                .doesNotContain("TLP:AMBER");
        Result json = run("agreements", "history", "acme-cert", "--version", "2", "--json", "--topic-prefix", prefix);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(json.out())
                        .at("/terms/tlpCeiling")
                        .asText())
                .isEqualTo("TLP:AMBER");
        Result missingVersion = run("agreements", "history", "acme-cert", "--version", "3", "--topic-prefix", prefix);
        assertThat(missingVersion.exit()).isEqualTo(3);
        assertThat(missingVersion.err()).contains("no version 3", "(versions: [1, 2])");
        Result nobody = run("agreements", "history", "nobody", "--topic-prefix", prefix);
        assertThat(nobody.exit()).isEqualTo(3);
        assertThat(nobody.err()).contains("partner nobody has no entry in " + prefix + "agreements.history.v1");
        String noTopic = "none" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Result neverInitialised = run("agreements", "history", "acme-cert", "--topic-prefix", noTopic);
        assertThat(neverInitialised.exit()).as(neverInitialised.toString()).isEqualTo(3);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get())
                    .as("reading the history never creates its topic")
                    .doesNotContain(noTopic + "agreements.history.v1");
        }

        // And after the end the same v2 may be applied again, and is then in force again
        Result reopened = run(
                "agreements",
                "apply",
                v2.toString(),
                "--topic-prefix",
                prefix,
                "--partitions",
                "1",
                "--operator",
                "dave");
        assertThat(reopened.out())
                .as(reopened.toString())
                .contains("applied: acme-cert (ACME CERT) agreement ACME-2026 version 2");
        assertThat(run("agreements", "history", "acme-cert", "--version", "2", "--topic-prefix", prefix)
                        .out())
                .contains("by alice until", "(ended)", "by dave until now (latest)");
    }

    @Test
    void shouldKeepThePartnersFeedAsLongAsItsAgreementSaysAlsoOnTopicsThatExistAlready() throws Exception {
        // Given a partner whose first agreement states no retention (the operator's default, P30D, applies)
        String prefix = "keep" + UUID.randomUUID().toString().substring(0, 8) + ".";
        assertThat(run("init", "--replication-factor", "1", "--partitions", "1", "--topic-prefix", prefix)
                        .exit())
                .isZero();
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 1, (short) 1);
        Result first = run(
                "agreements",
                "apply",
                agreement("v1.yaml", 1, "TLP:GREEN", "[indicators]").toString(),
                "--topic-prefix",
                prefix,
                "--partitions",
                "1");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).contains("(kept PT720H, the default)");
        assertThat(retention(topics.partnerIndicators("acme-cert"))).isEqualTo(java.time.Duration.ofDays(30));

        // When a version stating `retention: P90D` is applied to the topics that exist now
        Path v2 = agreement("v2.yaml", 2, "TLP:GREEN", "[indicators]");
        Files.writeString(v2, Files.readString(v2) + "retention: P90D\n");
        Result second = run("agreements", "apply", v2.toString(), "--topic-prefix", prefix, "--partitions", "1");

        // Then the partner's feed topics keep it 90 days and roll a segment daily, so old records really go
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).contains("(kept PT2160H, as the agreement says)");
        for (String topic : List.of(topics.partnerIndicators("acme-cert"), topics.partnerStatistics("acme-cert"))) {
            assertThat(retention(topic)).as(topic).isEqualTo(java.time.Duration.ofDays(90));
            assertThat(config(topic, "segment.ms")).as(topic).isEqualTo(Long.toString(86_400_000L));
        }
    }

    private static java.time.Duration retention(String topic) throws Exception {
        return java.time.Duration.ofMillis(Long.parseLong(config(topic, "retention.ms")));
    }

    private static String config(String topic, String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource))
                    .all()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS)
                    .get(resource)
                    .get(name)
                    .value();
        }
    }

    @Test
    void shouldKeepTheHistoryEntryAndSayHowToRepairWhenTheAgreementWriteFailsAfterIt() throws Exception {
        // Given a history topic and version 1 of an agreement that may be applied
        ThreatlineTopics topics =
                new ThreatlineTopics("histfail" + UUID.randomUUID().toString().substring(0, 8) + ".", 1, (short) 1);
        Map<String, Object> client = new HashMap<>(Map.of(
                "bootstrap.servers",
                SharedPlatform.bootstrapServers(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString()));
        try (Admin admin = Admin.create(AvroSerdeConfig.kafkaOnly(client))) {
            TopicProvisioner.ensure(admin, List.of(topics.agreementsHistoryTopic()));
        }
        PartnerAgreement v1 = AgreementVersionsTest.agreement("acme", 1, Tlp.GREEN);
        try (AgreementHistory history = new AgreementHistory(client, topics.agreementsHistory(), topics.agreements())) {
            AgreementVersions.Decision first = AgreementVersions.decide(history.read("acme"), v1);

            // When the write to the agreements topic fails after the history entry
            assertThatThrownBy(() -> history.recordThenWrite(first, v1, "alice", () -> {
                        throw new java.util.concurrent.TimeoutException("broker did not answer");
                    }))

                    // Then the failure says the history has the version and that applying the same file again repairs
                    // it
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("partner acme: version 1 was added to the history at")
                    .hasMessageContaining("writing it to " + topics.agreements() + " failed (broker did not answer)")
                    .hasMessageContaining("apply the same file again");
            assertThat(history.read("acme"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.value().getAgreement()).isEqualTo(v1));

            // And applying it again is 'unchanged': the agreement is written, no second entry
            AgreementVersions.Decision again = AgreementVersions.decide(history.read("acme"), v1);
            assertThat(again.outcome()).isEqualTo(AgreementVersions.Outcome.UNCHANGED);
            java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
            history.recordThenWrite(again, v1, "alice", written::incrementAndGet);
            assertThat(written).hasValue(1);
            assertThat(history.read("acme")).hasSize(1);
        }
    }

    @Test
    void shouldHoldAnAgreementAppliedBeforeTheHistoryExistedToTheVersionRule() throws Exception {
        // Given acme-cert's version 2 (TLP:AMBER) in the agreements topic, written as before the history was kept
        String prefix = "histold" + UUID.randomUUID().toString().substring(0, 8) + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 1, (short) 1);
        assertThat(run("init", "--replication-factor", "1", "--partitions", "1", "--topic-prefix", prefix)
                        .exit())
                .isZero();
        Path v2 = agreement("v2.yaml", 2, "TLP:AMBER", "[indicators]");
        io.threatline.schemas.serde.ConfluentAvroSerializer<PartnerAgreement> serializer =
                new io.threatline.schemas.serde.ConfluentAvroSerializer<>();
        serializer.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString()),
                false);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                serializer)) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            topics.agreements(), "acme-cert", io.threatline.agreements.files.AgreementFiles.load(v2)))
                    .get();
        }

        // When version 2 is applied with TLP:RED, then as it is
        Result changed = run(
                "agreements",
                "apply",
                agreement("v2-red.yaml", 2, "TLP:RED", "[indicators]").toString(),
                "--topic-prefix",
                prefix,
                "--partitions",
                "1");
        Result same = run(
                "agreements",
                "apply",
                v2.toString(),
                "--topic-prefix",
                prefix,
                "--partitions",
                "1",
                "--operator",
                "alice");

        // Then the changed terms are refused, and the same terms are applied and from then on in the history
        assertThat(changed.exit()).as(changed.toString()).isEqualTo(1);
        assertThat(changed.err())
                .contains("partner acme-cert: version 2 has other terms than version 2, the one in force");
        assertThat(same.exit()).as(same.toString()).isZero();
        assertThat(run("agreements", "history", "acme-cert", "--topic-prefix", prefix)
                        .out())
                .contains("v2  ACME-2026 (ACME CERT)  took effect", "by alice", "ceiling TLP:AMBER")
                .doesNotContain("TLP:RED");
    }

    private Path agreement(String file, int version, String ceiling, String kinds) throws Exception {
        Path path = work.resolve(file);
        Files.writeString(
                path,
                String.join(
                        "\n",
                        "partner_id: acme-cert",
                        "partner_name: ACME CERT",
                        "agreement_id: ACME-2026",
                        "version: " + version,
                        "valid_from: 2026-01-01",
                        "data_kinds: " + kinds,
                        "tlp_ceiling: " + ceiling,
                        "embargo: PT24H",
                        "scope:",
                        "  malware_families: [shylock]",
                        "channels:",
                        "  - channel: taxii",
                        "    settings:",
                        "      password: secret:acme/taxii",
                        ""));
        return path;
    }

    private static Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (all.size() > 1 && all.get(1).equals("apply")) {
            // The test's agreements name a TAXII password secret that exists where delivery runs, not here.
            all.add("--delivery-elsewhere");
        }
        all.addAll(List.of(
                "--bootstrap-servers",
                SharedPlatform.bootstrapServers(),
                "--schema-registry-url",
                SharedPlatform.registryUrl().toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }
}
