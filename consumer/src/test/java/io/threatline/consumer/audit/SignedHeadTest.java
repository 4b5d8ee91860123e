package io.threatline.consumer.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.OffsetRange;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class SignedHeadTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final Serializer<DeliveryReceipt> NO_BYTES = (topic, receipt) -> new byte[0];
    private static final KeyPair DEPLOYMENT = AuditSigningKeys.generate();

    private final MockProducer<String, DeliveryReceipt> producer =
            new MockProducer<>(true, null, new StringSerializer(), NO_BYTES);
    private final AuditLog log = new AuditLog(producer, SequencerDriver.REQUESTS, SequencerDriver.KEY);

    private List<DeliveryReceipt> chainOf(int receipts) {
        for (int i = 0; i < receipts; i++) {
            log.append(
                    "nca",
                    DeliveryChannel.TAXII,
                    "taxii:nca",
                    "MOU-NCA",
                    1,
                    List.of("ipv4:192.0.2." + i),
                    List.of(new OffsetRange("ti.partner.nca.indicators.v1", 0, (long) i, (long) i)),
                    T0.plusSeconds(i));
        }
        try (SequencerDriver sequencer = new SequencerDriver()) {
            return new ArrayList<>(sequencer.chain(producer.history().stream()
                    .map(ProducerRecord::value)
                    .map(r -> DeliveryReceipt.newBuilder(r).build())
                    .toList()));
        }
    }

    private static SignedHead headOf(List<DeliveryReceipt> chain) {
        AuditVerifier.Report report = AuditVerifier.verify("nca", chain, Instant.EPOCH, Instant.MAX);
        return SignedHead.sign(
                "nca", report.head(), T0.plusSeconds(3600), DEPLOYMENT.getPrivate(), DEPLOYMENT.getPublic());
    }

    @Test
    void shouldVerifyAHeadSignedWithTheDeploymentKeyAfterAJsonRoundTrip() {
        // Given a head of a chain of three, exported as JSON
        List<DeliveryReceipt> chain = chainOf(3);
        String json = headOf(chain).toJson();

        // When it is read back, its signature checked with the public key, and the chain checked against it
        SignedHead kept = SignedHead.fromJson(json);
        AuditVerifier.Report report = AuditVerifier.verify("nca", chain, Instant.EPOCH, Instant.MAX, kept);

        // Then the signature holds and so does the chain
        assertThat(kept.signatureProblem(DEPLOYMENT.getPublic())).isEmpty();
        assertThat(kept.sequence()).isEqualTo(3);
        assertThat(kept.hash()).isEqualTo(chain.get(2).getHash());
        assertThat(kept.keyId())
                .isEqualTo(AuditSigningKeys.keyId(DEPLOYMENT.getPublic()))
                .startsWith("SHA256:");
        assertThat(report.breaks()).isEmpty();
    }

    @Test
    void shouldRefuseAHeadWhoseSequenceOrHashWasEditedAfterSigning() {
        // Given a signed head moved back to sequence 2 (to hide receipt 3) with receipt 2's hash
        List<DeliveryReceipt> chain = chainOf(3);
        SignedHead head = headOf(chain);
        SignedHead edited = new SignedHead(
                head.partnerId(), 2, chain.get(1).getHash(), head.issuedAt(), head.keyId(), head.signature());

        // When its signature is checked, Then it does not verify
        assertThat(edited.signatureProblem(DEPLOYMENT.getPublic()))
                .hasValueSatisfying(p -> assertThat(p).contains("altered"));
        // and neither does one with another partner or another time
        assertThat(new SignedHead(
                                "interpol",
                                head.sequence(),
                                head.hash(),
                                head.issuedAt(),
                                head.keyId(),
                                head.signature())
                        .signatureProblem(DEPLOYMENT.getPublic()))
                .isPresent();
        assertThat(new SignedHead(
                                "nca",
                                head.sequence(),
                                head.hash(),
                                head.issuedAt().plusMillis(1),
                                head.keyId(),
                                head.signature())
                        .signatureProblem(DEPLOYMENT.getPublic()))
                .isPresent();
    }

    @Test
    void shouldRefuseAHeadSignedWithAnotherKeyEvenWhenItNamesTheDeploymentsKey() {
        // Given a forger's own key pair signing a head of a rewritten chain
        List<DeliveryReceipt> chain = chainOf(2);
        KeyPair forger = AuditSigningKeys.generate();
        SignedHead forged = SignedHead.sign(
                "nca", new ReceiptChain.Head(2, chain.get(1).getHash()), T0, forger.getPrivate(), forger.getPublic());
        SignedHead claimingDeploymentKey = new SignedHead(
                forged.partnerId(),
                forged.sequence(),
                forged.hash(),
                forged.issuedAt(),
                AuditSigningKeys.keyId(DEPLOYMENT.getPublic()),
                forged.signature());

        // When checked with the deployment's public key, Then neither verifies
        assertThat(forged.signatureProblem(DEPLOYMENT.getPublic()))
                .hasValueSatisfying(p -> assertThat(p).contains("another key"));
        assertThat(claimingDeploymentKey.signatureProblem(DEPLOYMENT.getPublic()))
                .hasValueSatisfying(p -> assertThat(p).contains("does not verify"));
    }

    @Test
    void shouldDetectAChainCutBeforeTheKeptHead() {
        // Given a head kept at sequence 5, and the chain's newest two receipts dropped afterwards
        List<DeliveryReceipt> chain = chainOf(5);
        SignedHead kept = headOf(chain);
        List<DeliveryReceipt> cut = chain.subList(0, 3);

        // When the cut chain is verified on its own it still holds; against the kept head it does not
        assertThat(AuditVerifier.verify("nca", cut, Instant.EPOCH, Instant.MAX).intact())
                .isTrue();
        AuditVerifier.Report report = AuditVerifier.verify("nca", cut, Instant.EPOCH, Instant.MAX, kept);

        // Then the break names the missing range
        assertThat(report.breaks()).singleElement().satisfies(b -> {
            assertThat(b.sequence()).isEqualTo(5);
            assertThat(b.problem()).contains("ends at sequence 3", "receipts 4..5 were removed");
        });
    }

    @Test
    void shouldDetectAChainRewrittenWithEveryHashRecomputedWithoutTheKey() {
        // Given a head kept at sequence 3, then receipt 2 edited and the chain's hashes recomputed from there on
        List<DeliveryReceipt> chain = chainOf(3);
        SignedHead kept = headOf(chain);
        chain.get(1).setRecordIds(List.of("ipv4:198.51.100.1"));
        for (int i = 1; i < chain.size(); i++) {
            chain.get(i).setPreviousHash(chain.get(i - 1).getHash());
            chain.get(i).setHash(ReceiptHash.of(chain.get(i)));
        }

        // When verified without the head it holds (the rewrite is consistent); against the head it does not
        assertThat(AuditVerifier.verify("nca", chain, Instant.EPOCH, Instant.MAX)
                        .intact())
                .isTrue();
        AuditVerifier.Report report = AuditVerifier.verify("nca", chain, Instant.EPOCH, Instant.MAX, kept);

        // Then the break is at the head's sequence and says the chain was rewritten
        assertThat(report.breaks()).singleElement().satisfies(b -> {
            assertThat(b.sequence()).isEqualTo(3);
            assertThat(b.problem()).contains("rewritten");
        });
    }

    @Test
    void shouldAcceptAChainThatGrewPastTheKeptHead() {
        // Given a head kept at sequence 2 and two more receipts written since
        List<DeliveryReceipt> early = chainOf(2);
        SignedHead kept = headOf(early);
        List<DeliveryReceipt> grown = chainOf(2);

        // When the grown chain is verified against the old head, Then it holds
        assertThat(grown).hasSize(4);
        assertThat(AuditVerifier.verify("nca", grown, Instant.EPOCH, Instant.MAX, kept)
                        .breaks())
                .isEmpty();
    }

    @Test
    void shouldRefuseToSignTheHeadOfAnEmptyChainAndToCheckAnotherPartnersHead() {
        assertThatThrownBy(() -> SignedHead.sign(
                        "nca", ReceiptChain.Head.EMPTY, T0, DEPLOYMENT.getPrivate(), DEPLOYMENT.getPublic()))
                .hasMessageContaining("no receipt yet");
        SignedHead kept = headOf(chainOf(1));
        assertThatThrownBy(() -> AuditVerifier.verify("interpol", List.of(), Instant.EPOCH, Instant.MAX, kept))
                .hasMessageContaining("partner nca's, not interpol's");
    }

    @Test
    void shouldNameWhatIsWrongWithAMalformedHeadFile() {
        String good = headOf(chainOf(1)).toJson();
        assertThatThrownBy(() -> SignedHead.fromJson("{not json")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> SignedHead.fromJson(good.replace("\"sequence\" : 1", "\"sequence\" : \"one\"")))
                .hasMessageContaining("'sequence'");
        assertThatThrownBy(() -> SignedHead.fromJson(good.replace("threatline-audit-head/1", "other/9")))
                .hasMessageContaining("format");
        assertThatThrownBy(
                        () -> SignedHead.fromJson(good.replaceAll("\"signature\" : \"[^\"]*\"", "\"signature\" : 7")))
                .hasMessageContaining("'signature'");
    }

    @Test
    void shouldReadBackTheKeysItWritesAsPemAndRefuseAnythingElse() {
        KeyPair pair = AuditSigningKeys.generate();
        assertThat(AuditSigningKeys.publicKey(AuditSigningKeys.publicPem(pair.getPublic())))
                .isEqualTo(pair.getPublic());
        assertThat(AuditSigningKeys.privateKey(AuditSigningKeys.privatePem(pair.getPrivate()))
                        .getEncoded())
                .isEqualTo(pair.getPrivate().getEncoded());
        assertThatThrownBy(() -> AuditSigningKeys.publicKey(AuditSigningKeys.privatePem(pair.getPrivate())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        AuditSigningKeys.privateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Ed25519");
    }
}
