package io.threatline.platform.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void shouldIssueAPartnerCertificateThatKafkasMappingTurnsIntoThePartnersUser() throws Exception {
        // Given the authority and a certificate it issued to INTERPOL
        LocalCertificates authority = LocalCertificates.open(dir.resolve("ca"));
        LocalCertificates.PartnerFiles files = authority.issuePartner("interpol", dir.resolve("interpol"));

        // Then the certificate is signed by the authority, for client authentication, its key private to its owner
        X509Certificate certificate = read(files.certificate());
        certificate.verify(authority.authority().getPublicKey());
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(read(files.authority())).isEqualTo(authority.authority());
        assertThat(Files.getPosixFilePermissions(files.key()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(files.key())).startsWith("-----BEGIN PRIVATE KEY-----");
        // and Kafka's own principal mapper, with the listener's rules, makes it User:interpol
        SslPrincipalMapper mapper = SslPrincipalMapper.fromRules(LocalCertificates.principalMappingRules("admin"));
        String subject = certificate.getSubjectX500Principal().getName();
        assertThat(subject).isEqualTo("CN=interpol,OU=threatline-partner,O=Threatline");
        assertThat(mapper.getName(subject)).isEqualTo("interpol");
    }

    @Test
    void shouldMapNoCertificateToTheSuperUserOrAnyUserOutsideThePartnerUnit() throws Exception {
        SslPrincipalMapper mapper = SslPrincipalMapper.fromRules(LocalCertificates.principalMappingRules("ops.admin"));
        // The super user's name in a partner certificate stays the whole name, which no ACL names
        assertThat(mapper.getName("CN=ops.admin,OU=threatline-partner,O=Threatline"))
                .isEqualTo("CN=ops.admin,OU=threatline-partner,O=Threatline");
        // and so does a certificate of another unit, or with more to its name
        assertThat(mapper.getName("CN=interpol,OU=operators,O=Threatline"))
                .isEqualTo("CN=interpol,OU=operators,O=Threatline");
        assertThat(mapper.getName("CN=interpol,OU=threatline-partner,O=Threatline,C=FR"))
                .isEqualTo("CN=interpol,OU=threatline-partner,O=Threatline,C=FR");
        // while a name only like the super user's is a partner
        assertThat(mapper.getName("CN=opsxadmin,OU=threatline-partner,O=Threatline"))
                .isEqualTo("opsxadmin");
    }

    @Test
    void shouldRefuseWhatIsNotAPartnerIdAndKeepOneAuthorityAcrossOpens() throws Exception {
        LocalCertificates authority = LocalCertificates.open(dir.resolve("ca"));
        assertThatThrownBy(() -> authority.issuePartner("CN=x,OU=threatline-partner", dir.resolve("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a partner id");
        assertThatThrownBy(() -> LocalCertificates.principalMappingRules("a,b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LocalCertificates.open(dir.resolve("ca")).authority()).isEqualTo(authority.authority());
        LocalCertificates.BrokerStores stores = authority.brokerStores(List.of("localhost", "127.0.0.1"));
        assertThat(Files.getPosixFilePermissions(stores.keyStore()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(stores.toString()).doesNotContain(stores.password());
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
