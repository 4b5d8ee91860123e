package io.threatline.consumer.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.consumer.audit.AuditVerifier;
import io.threatline.consumer.delivery.DeliveryConfig;
import io.threatline.consumer.delivery.DeliveryFixture;
import io.threatline.consumer.delivery.DeliveryService;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TAXII server as `threatline deliver` runs it: partners and their passwords from the
 * agreements topic, every page receipted in the audit chain, access ending with the agreement.
 */
class TaxiiAgreementsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration RECHECK = Duration.ofMillis(300);

    @TempDir
    Path work;

    private DeliveryFixture fixture;
    private DeliveryService service;
    private TaxiiServer server;
    private TaxiiTestClient client;
    private Path password;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new DeliveryFixture();
        Path secrets = Files.createDirectories(work.resolve("secrets"));
        password = secrets.resolve("alpha-taxii");
        Files.writeString(password, "alpha-correct-horse");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        fixture.createPartnerTopics("alpha", "bravo");
        fixture.putAgreement(
                DeliveryFixture.agreement("alpha", 1, DeliveryChannel.TAXII, Map.of("password", "secret:alpha-taxii")));
        // bravo has an agreement but no TAXII channel
        fixture.putAgreement(
                DeliveryFixture.agreement("bravo", 1, DeliveryChannel.SYSLOG, Map.of("host", "127.0.0.1")));
        Map<String, Object> settings = fixture.deliverySettings();
        settings.put(DeliveryConfig.SECRETS_DIR, secrets.toString());
        settings.put(DeliveryConfig.RECHECK_INTERVAL, "PT1S");
        service = new DeliveryService(settings, List.of());
        service.start();
        Path keystore = TaxiiFixture.keystore();
        Map<String, Object> config = TaxiiFixture.serverConfig(fixture.topics.prefix(), keystore);
        server = TaxiiServer.start(
                new TaxiiServerConfig(config),
                new AgreementTaxiiPartners(service.agreements(), service.secrets(), Clock.systemUTC(), RECHECK),
                new TaxiiAuditListener(service.audit()));
        client = new TaxiiTestClient(server.baseUrl(), keystore, TaxiiFixture.KEYSTORE_PASSWORD);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        if (service != null) {
            service.close();
        }
        fixture.close();
    }

    @Test
    void shouldServeAPartnerWithTheAgreementsPasswordAndReceiptEveryPage() throws Exception {
        // Given 25 indicators for alpha
        List<String> ids = fixture.publishIndicators("alpha", 0, 25, 1);

        // When alpha pages through its collection 10 at a time
        List<JsonNode> objects = new ArrayList<>();
        String next = null;
        do {
            String query = "?limit=10" + (next == null ? "" : "&next=" + next);
            TaxiiTestClient.Response page =
                    client.get("/alpha/collections/indicators/objects/" + query, "alpha", "alpha-correct-horse");
            assertThat(page.status()).isEqualTo(200);
            page.body().path("objects").forEach(objects::add);
            next = page.body().path("more").asBoolean()
                    ? page.body().path("next").asText()
                    : null;
        } while (next != null);

        // Then it got all 25, and the audit chain names each of them under agreement v1, via TAXII
        assertThat(objects)
                .extracting(o -> o.path("x_threatline_indicator_id").asText())
                .containsExactlyInAnyOrderElementsOf(ids);
        List<DeliveryReceipt> receipts = fixture.receipts(service);
        AuditVerifier.Report report = AuditVerifier.verify("alpha", receipts, Instant.EPOCH, Instant.MAX);
        assertThat(report.intact()).isTrue();
        assertThat(report.recordIds()).containsExactlyInAnyOrderElementsOf(DeliveryFixture.refs(ids));
        assertThat(report.delivered()).singleElement().satisfies(d -> {
            assertThat(d.channel()).isEqualTo("TAXII");
            assertThat(d.target()).isEqualTo("taxii:/alpha/collections/indicators/objects/");
            assertThat(d.agreementVersion()).isEqualTo(1);
            assertThat(d.receipts()).isEqualTo(3);
        });
    }

    @Test
    void shouldRefuseAWrongPasswordAndAPartnerWithoutATaxiiChannel() throws Exception {
        assertThat(client.get("/alpha/collections/", "alpha", "wrong").status()).isEqualTo(401);
        assertThat(client.get("/bravo/collections/", "bravo", "alpha-correct-horse")
                        .status())
                .isEqualTo(401);
        assertThat(client.get("/bravo/collections/", "alpha", "alpha-correct-horse")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void shouldEndAccessWhenTheAgreementEnds() throws Exception {
        // Given alpha can read its collections
        assertThat(client.get("/alpha/collections/", "alpha", "alpha-correct-horse")
                        .status())
                .isEqualTo(200);

        // When its agreement ends
        fixture.endAgreement("alpha");

        // Then the same credentials are refused
        await().atMost(WAIT)
                .until(() -> client.get("/alpha/collections/", "alpha", "alpha-correct-horse")
                                .status()
                        == 401);
    }

    @Test
    void shouldAcceptAChangedPasswordWithoutRestartAndRefuseTheOldOne() throws Exception {
        // Given alpha reads its collections with its password
        assertThat(client.get("/alpha/collections/", "alpha", "alpha-correct-horse")
                        .status())
                .isEqualTo(200);

        // When the operator replaces the password in its secret file, the server still running
        Files.writeString(password, "alpha-battery-staple");

        // Then the new password is accepted soon after, without a restart
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> client.get("/alpha/collections/", "alpha", "alpha-battery-staple")
                                .status()
                        == 200);
        // And the old one is refused, though it was verified and cached before
        assertThat(client.get("/alpha/collections/", "alpha", "alpha-correct-horse")
                        .status())
                .isEqualTo(401);
    }
}
