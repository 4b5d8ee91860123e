package io.threatline.consumer.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.OffsetRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditVerifierTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final Serializer<DeliveryReceipt> NO_BYTES = (topic, receipt) -> new byte[0];

    private MockProducer<String, DeliveryReceipt> producer;
    private AuditLog log;
    private final SequencerDriver sequencer = new SequencerDriver();
    private final List<DeliveryReceipt> chained = new ArrayList<>();
    private int handedIn;

    @BeforeEach
    void setUp() {
        producer = new MockProducer<>(true, null, new StringSerializer(), NO_BYTES);
        log = new AuditLog(producer, SequencerDriver.REQUESTS, SequencerDriver.KEY);
    }

    /** The audit topic: every request handed in so far, chained by the sequencer's topology. */
    private List<DeliveryReceipt> written() {
        List<DeliveryReceipt> requests = producer.history().stream()
                .map(ProducerRecord::value)
                .map(r -> DeliveryReceipt.newBuilder(r).build())
                .toList();
        chained.addAll(sequencer.chain(requests.subList(handedIn, requests.size())));
        handedIn = requests.size();
        return List.copyOf(chained);
    }

    @AfterEach
    void closeSequencer() {
        sequencer.close();
    }

    private void deliver(String partner, int version, int minute, String... ids) {
        log.append(
                partner,
                DeliveryChannel.SYSLOG,
                "syslog+tls://siem.example:6514",
                "MOU-" + partner,
                version,
                List.of(ids),
                List.of(new OffsetRange(
                        "ti.partner." + partner + ".indicators.v1", 0, minute * 10L, minute * 10L + ids.length - 1)),
                T0.plusSeconds(60L * minute));
    }

    @Test
    void shouldChainEachPartnersReceiptsSeparatelyAndVerifyThem() {
        // Given receipts of two partners interleaved
        deliver("interpol", 1, 0, "domain:a.example.com", "domain:b.example.com");
        deliver("nca", 1, 1, "sha256:" + "a".repeat(64));
        deliver("interpol", 1, 2, "domain:c.example.com");

        // When each chain is verified
        AuditVerifier.Report interpol = AuditVerifier.verify("interpol", written(), Instant.EPOCH, Instant.MAX);
        AuditVerifier.Report nca = AuditVerifier.verify("nca", written(), Instant.EPOCH, Instant.MAX);

        // Then both hold, with their own sequences and links
        assertThat(interpol.intact()).isTrue();
        assertThat(interpol.receipts()).isEqualTo(2);
        assertThat(interpol.recordIds())
                .containsExactly(ref("domain:a.example.com"), ref("domain:b.example.com"), ref("domain:c.example.com"));
        assertThat(nca.intact()).isTrue();
        List<DeliveryReceipt> interpolReceipts = written().stream()
                .filter(r -> r.getPartnerId().equals("interpol"))
                .toList();
        assertThat(interpolReceipts.get(0).getSequence()).isEqualTo(1);
        assertThat(interpolReceipts.get(0).getPreviousHash()).isEmpty();
        assertThat(interpolReceipts.get(1).getSequence()).isEqualTo(2);
        assertThat(interpolReceipts.get(1).getPreviousHash())
                .isEqualTo(interpolReceipts.get(0).getHash());
        assertThat(interpolReceipts.get(0).getHash()).matches("[0-9a-f]{64}");
    }

    @Test
    void shouldDetectAnAlteredReceipt() {
        // Given a chain of three where someone removed a record id from the second receipt
        deliver("interpol", 1, 0, "domain:a.example.com");
        deliver("interpol", 1, 1, "domain:b.example.com", "domain:secret.example.com");
        deliver("interpol", 1, 2, "domain:c.example.com");
        List<DeliveryReceipt> receipts = new ArrayList<>(written());
        receipts.get(1).setRecordIds(List.of("domain:b.example.com"));

        // When it is verified
        AuditVerifier.Report report = AuditVerifier.verify("interpol", receipts, Instant.EPOCH, Instant.MAX);

        // Then the break is reported at that receipt
        assertThat(report.intact()).isFalse();
        assertThat(report.breaks()).singleElement().satisfies(b -> {
            assertThat(b.sequence()).isEqualTo(2);
            assertThat(b.problem()).contains("altered");
        });
    }

    @Test
    void shouldDetectARemovedReceiptEvenWhenTheRestAreUntouched() {
        // Given a chain of three with the middle one deleted
        deliver("interpol", 1, 0, "domain:a.example.com");
        deliver("interpol", 1, 1, "domain:b.example.com");
        deliver("interpol", 1, 2, "domain:c.example.com");
        List<DeliveryReceipt> receipts = new ArrayList<>(written());
        receipts.remove(1);

        // When it is verified
        AuditVerifier.Report report = AuditVerifier.verify("interpol", receipts, Instant.EPOCH, Instant.MAX);

        // Then both the sequence gap and the broken link are named
        assertThat(report.breaks())
                .extracting(AuditVerifier.Break::problem)
                .anySatisfy(p -> assertThat(p).contains("sequence 3 where 2 was expected"))
                .anySatisfy(p -> assertThat(p).contains("previousHash"));
    }

    @Test
    void shouldDetectARewrittenChainWhoseHashesWereRecomputedFromAForgedStart() {
        // Given a forger recomputes the first receipt's hash after editing it; the second still links to the old hash
        deliver("interpol", 1, 0, "domain:a.example.com");
        deliver("interpol", 1, 1, "domain:b.example.com");
        List<DeliveryReceipt> receipts = new ArrayList<>(written());
        receipts.get(0).setRecordIds(List.of("domain:other.example.com"));
        receipts.get(0).setHash(ReceiptHash.of(receipts.get(0)));

        // When it is verified
        AuditVerifier.Report report = AuditVerifier.verify("interpol", receipts, Instant.EPOCH, Instant.MAX);

        // Then the link from the second receipt is broken
        assertThat(report.breaks()).singleElement().satisfies(b -> {
            assertThat(b.sequence()).isEqualTo(2);
            assertThat(b.problem()).contains("previousHash");
        });
    }

    @Test
    void shouldAnswerWhatWasDeliveredBetweenTwoTimesPerAgreementVersion() {
        // Given deliveries under version 1 at minutes 0 and 1 and under version 2 at minute 5
        deliver("nca", 1, 0, "url:http://a.example.com/", "url:http://b.example.com/");
        deliver("nca", 1, 1, "url:http://c.example.com/");
        deliver("nca", 2, 5, "url:http://d.example.com/");

        // When asked about [minute 1, minute 6)
        AuditVerifier.Report report = AuditVerifier.verify("nca", written(), T0.plusSeconds(60), T0.plusSeconds(360));

        // Then it names one record under v1 and one under v2, and the whole chain is still verified
        assertThat(report.receipts()).isEqualTo(3);
        assertThat(report.recordIds())
                .containsExactly(ref("url:http://c.example.com/"), ref("url:http://d.example.com/"));
        assertThat(report.delivered())
                .extracting(AuditVerifier.Delivered::agreementVersion, AuditVerifier.Delivered::records)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, 1L), org.assertj.core.groups.Tuple.tuple(2, 1L));
    }

    @Test
    void shouldSkipAnExactCopyOfAReceiptAsARetriedWriteNotABreak() {
        // Given a chain of three where the second receipt is in the topic twice, byte for byte (a retried write that
        // landed twice)
        deliver("interpol", 1, 0, "domain:a.example.com");
        deliver("interpol", 1, 1, "domain:b.example.com");
        deliver("interpol", 1, 2, "domain:c.example.com");
        List<DeliveryReceipt> receipts = new ArrayList<>(written());
        receipts.add(2, DeliveryReceipt.newBuilder(receipts.get(1)).build());

        // When it is verified
        AuditVerifier.Report report = AuditVerifier.verify("interpol", receipts, Instant.EPOCH, Instant.MAX);

        // Then it is intact, the copy counted as a duplicate and its records not counted twice
        assertThat(report.breaks()).isEmpty();
        assertThat(report.receipts()).isEqualTo(3);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(report.recordIds())
                .containsExactly(ref("domain:a.example.com"), ref("domain:b.example.com"), ref("domain:c.example.com"));
        assertThat(report.head().sequence()).isEqualTo(3);
    }

    @Test
    void shouldReportADifferentReceiptAtAnAlreadyUsedSequenceAsABreak() {
        // Given a chain of two and a second, different receipt at sequence 2 linked to the first (a fork), with a valid
        // hash
        deliver("interpol", 1, 0, "domain:a.example.com");
        deliver("interpol", 1, 1, "domain:b.example.com");
        List<DeliveryReceipt> receipts = new ArrayList<>(written());
        DeliveryReceipt fork = DeliveryReceipt.newBuilder(receipts.get(1))
                .setReceiptId("another")
                .setRecordIds(List.of("domain:x.example.com"))
                .build();
        fork.setHash(ReceiptHash.of(fork));
        receipts.add(fork);

        // When it is verified
        AuditVerifier.Report report = AuditVerifier.verify("interpol", receipts, Instant.EPOCH, Instant.MAX);

        // Then the second receipt at sequence 2 is a break
        assertThat(report.intact()).isFalse();
        assertThat(report.duplicates()).isZero();
        assertThat(report.breaks()).extracting(AuditVerifier.Break::receiptId).contains("another");
        assertThat(report.breaks())
                .extracting(AuditVerifier.Break::problem)
                .anySatisfy(p -> assertThat(p).contains("sequence 2 where 3 was expected"));
    }

    @Test
    void shouldNotTakeAnAlteredCopyWithTheOriginalsHashForADuplicate() {
        // Given a receipt copied with its hash but a record id changed
        deliver("interpol", 1, 0, "domain:a.example.com");
        List<DeliveryReceipt> receipts = new ArrayList<>(written());
        receipts.add(DeliveryReceipt.newBuilder(receipts.get(0))
                .setRecordIds(List.of("domain:forged.example.com"))
                .build());

        // When it is verified
        AuditVerifier.Report report = AuditVerifier.verify("interpol", receipts, Instant.EPOCH, Instant.MAX);

        // Then it is a break (altered), not a benign duplicate
        assertThat(report.duplicates()).isZero();
        assertThat(report.breaks())
                .extracting(AuditVerifier.Break::problem)
                .anySatisfy(p -> assertThat(p).contains("altered"));
    }

    /** A record id as receipts name it: its reference under the tests' key, never the value. */
    private static String ref(String id) {
        return SequencerDriver.KEY.ref(id);
    }
}
