package io.threatline.bench;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.agreements.Decision;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.identity.IndicatorIdentity;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The per-record hot paths besides the serde: canonicalising indicators and deciding an agreement. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {

    private PartnerAgreement agreement;
    private Indicator indicator;
    private Instant now;

    @Setup
    public void setUp() {
        now = Instant.parse("2026-11-29T10:00:00Z");
        agreement = PartnerAgreement.newBuilder()
                .setPartnerId("nca")
                .setPartnerName("NCA")
                .setAgreementId("mou")
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setValidUntil(Instant.parse("2027-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(Tlp.AMBER)
                .setScope(AgreementScope.newBuilder()
                        .setMalwareFamilies(List.of("Shylock"))
                        .setMinimumConfidence(50)
                        .build())
                .setRedaction(Redaction.newBuilder().build())
                .build();
        indicator = Indicator.newBuilder()
                .setId("domain:c2.shylock-example.com")
                .setType(IndicatorType.DOMAIN)
                .setValue("c2.shylock-example.com")
                .setAction(LifecycleAction.NEW)
                .setFirstSeen(now)
                .setLastSeen(now)
                .setSightings(3)
                .setVendors(List.of("acme", "northwind"))
                .setSensors(List.of("acme/s1", "northwind/s7"))
                .setConfidence(85)
                .setTlp(Tlp.GREEN)
                .setMalwareFamilies(List.of("Shylock"))
                .setCampaigns(List.of("op-shylock-2026"))
                .setTags(List.of("c2", "victim:bank-x"))
                .setUpdatedAt(now)
                .setExpiresAt(now.plusSeconds(90 * 86400))
                .build();
    }

    @Benchmark
    public Result<CanonicalIndicator> canonicalizeDefangedUrl() {
        return IndicatorIdentity.canonicalize(
                IndicatorType.URL, "hxxps://C2-Panel.Shylock-Example[.]com:443/gate.php?id=42#x");
    }

    @Benchmark
    public Result<CanonicalIndicator> canonicalizeDomain() {
        return IndicatorIdentity.canonicalize(IndicatorType.DOMAIN, "c2.shylock-example[.]com");
    }

    @Benchmark
    public Result<CanonicalIndicator> canonicalizeIpv4() {
        return IndicatorIdentity.canonicalize(IndicatorType.IPV4, "198.51.100[.]23");
    }

    @Benchmark
    public Result<CanonicalIndicator> canonicalizeSha256() {
        return IndicatorIdentity.canonicalize(
                IndicatorType.SHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
    }

    /** One partner's decision on one indicator change, redaction included (the record it would receive). */
    @Benchmark
    public Decision agreementDecision() {
        return AgreementPolicy.decide(agreement, indicator, now);
    }
}
