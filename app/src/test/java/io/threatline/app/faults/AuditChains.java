package io.threatline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.app.ThreatlineCommand;
import io.threatline.consumer.audit.AuditReader;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.OffsetRange;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/** What the fault tests check of a partner's receipts: `audit verify` finds the chain intact, and what the receipts cover. */
final class AuditChains {

    private AuditChains() {}

    /** Runs {@code threatline audit verify --partner} as an operator does; asserts exit 0 and "chain INTACT", returns what it printed. */
    static String verifyIntact(TestCluster cluster, String prefix, String partner, String context) {
        StringWriter out = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        List<String> verify =
                new ArrayList<>(List.of("audit", "verify", "--partner", partner, "--topic-prefix", prefix));
        verify.addAll(cluster.connectionArgs());
        assertThat(cli.execute(verify.toArray(String[]::new)))
                .as("audit verify: %s (%s)", out, context)
                .isZero();
        assertThat(out.toString()).as("(%s)", context).contains("chain INTACT");
        return out.toString();
    }

    /** Every receipt in the audit topic, in order. */
    static List<DeliveryReceipt> receipts(TestCluster cluster, ThreatlineTopics topics) {
        List<DeliveryReceipt> receipts = new ArrayList<>();
        Map<String, Object> client = new HashMap<>(Map.of(
                "bootstrap.servers",
                cluster.bootstrapServers(),
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                cluster.registryUrl()));
        try (AuditReader reader = AuditReader.open(client, topics.deliveryAudit())) {
            reader.readAll(receipts::add);
        }
        return receipts;
    }

    /** The records a receipt's offset ranges name, as delivery ids ({@code <topic>/<partition>/<offset>}), in order. */
    static List<String> deliveryIds(DeliveryReceipt receipt) {
        List<String> ids = new ArrayList<>();
        for (OffsetRange range : receipt.getOffsets()) {
            for (long offset = range.getFirstOffset(); offset <= range.getLastOffset(); offset++) {
                ids.add(range.getTopic() + "/" + range.getPartition() + "/" + offset);
            }
        }
        return ids;
    }

    /** Every record the receipts' offset ranges name. */
    static Set<String> covered(List<DeliveryReceipt> receipts) {
        Set<String> covered = new LinkedHashSet<>();
        receipts.forEach(r -> covered.addAll(deliveryIds(r)));
        return covered;
    }
}
