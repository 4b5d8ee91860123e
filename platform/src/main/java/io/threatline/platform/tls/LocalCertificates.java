package io.threatline.platform.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The local certificate authority of the partners' mutual-TLS listener: for partners whose Kafka
 * client cannot use SASL/SCRAM against Kafka 4 (librdkafka before 2.6.1), the broker also listens
 * for TLS with client certificates, and a certificate this authority issued to {@code CN=<partner
 * id>,OU=threatline-partner} authenticates as {@code User:<partner id>} — the same principal, so the
 * same ACLs, as the partner's SCRAM user ({@link #principalMappingRules}).
 *
 * <p>Kept in one directory, created on first use: the authority's key and certificate
 * ({@value #CA_STORE}, PKCS#12) and the broker's key store and trust store, under one generated
 * password ({@value #PASSWORD_FILE}); all of it readable by its owner only. EC P-256 keys, SHA-256
 * signatures; the authority lives ten years, what it issues two.
 */
public final class LocalCertificates {

    /** The organisational unit every partner certificate carries, and the principal mapping requires. */
    public static final String PARTNER_UNIT = "threatline-partner";

    /**
     * The listener's principal mapping: a partner certificate's subject ({@code CN=<partner id>,
     * OU=threatline-partner,O=Threatline}) becomes {@code User:<partner id>}; any other certificate —
     * and one that names {@code superUser}, which the authority never issues — keeps its whole
     * distinguished name as principal, which no ACL names, so it may do nothing.
     */
    public static String principalMappingRules(String superUser) {
        if (!superUser.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("not a user name: " + superUser);
        }
        // No backslash in a rule (Kafka's rule parser reads them as escapes): '.' is matched as [.]
        return "RULE:^CN=(?!" + superUser.replace(".", "[.]") + ",)([a-z0-9][a-z0-9._-]{0,63}),OU=" + PARTNER_UNIT
                + ",O=Threatline$/$1/,DEFAULT";
    }

    static final String CA_STORE = "ca.p12";
    static final String BROKER_STORE = "broker.p12";
    static final String TRUST_STORE = "truststore.p12";
    static final String PASSWORD_FILE = "stores.password";
    static final String LOCK_FILE = ".lock";
    private static final String CA_ALIAS = "threatline-local-ca";
    private static final Pattern PARTNER_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final char[] password;
    private final PrivateKey caKey;
    private final X509Certificate caCertificate;

    private LocalCertificates(Path dir, char[] password, PrivateKey caKey, X509Certificate caCertificate) {
        this.dir = dir;
        this.password = password;
        this.caKey = caKey;
        this.caCertificate = caCertificate;
    }

    /** The broker's side of the listener: its key store and trust store, and their password. */
    public record BrokerStores(Path keyStore, Path trustStore, String password) {
        @Override
        public String toString() {
            return "BrokerStores[" + keyStore + ", " + trustStore + ", password hidden]";
        }
    }

    /** What a partner's client needs, in PEM (what librdkafka reads): its key, its certificate, the authority's. */
    public record PartnerFiles(Path key, Path certificate, Path authority) {}

    /**
     * Opens the authority kept in {@code dir}, creating it (and the directory) on first use. The nodes
     * of a cluster, in one JVM or several, may open it at once: a lock on {@value #LOCK_FILE} makes
     * one of them create it and the others read it.
     */
    public static LocalCertificates open(Path dir) {
        try {
            Files.createDirectories(dir);
            return locked(dir, () -> load(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the local certificate authority in " + dir, e);
        }
    }

    private static LocalCertificates load(Path dir) {
        try {
            Path passwordFile = dir.resolve(PASSWORD_FILE);
            if (!Files.exists(passwordFile)) {
                writePrivate(
                        passwordFile, HexFormat.of().formatHex(randomBytes(18)).getBytes(StandardCharsets.UTF_8));
            }
            char[] password = Files.readString(passwordFile, StandardCharsets.UTF_8)
                    .strip()
                    .toCharArray();
            Path caStore = dir.resolve(CA_STORE);
            if (!Files.exists(caStore)) {
                KeyPair ca = newKeyPair();
                X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                        .addRDN(BCStyle.O, "Threatline")
                        .addRDN(BCStyle.CN, "Threatline local partner CA")
                        .build();
                X509Certificate certificate = sign(
                        new JcaX509v3CertificateBuilder(
                                        name,
                                        serial(),
                                        notBefore(),
                                        notAfter(Duration.ofDays(3650)),
                                        name,
                                        ca.getPublic())
                                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                                .addExtension(
                                        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                                .addExtension(
                                        Extension.subjectKeyIdentifier,
                                        false,
                                        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(ca.getPublic())),
                        ca.getPrivate());
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry(CA_ALIAS, ca.getPrivate(), password, new Certificate[] {certificate});
                save(store, caStore, password);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(caStore)) {
                store.load(in, password);
            }
            return new LocalCertificates(dir, password, (PrivateKey) store.getKey(CA_ALIAS, password), (X509Certificate)
                    store.getCertificate(CA_ALIAS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the local certificate authority in " + dir, e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot open the local certificate authority in " + dir + ": " + e, e);
        }
    }

    public X509Certificate authority() {
        return caCertificate;
    }

    /**
     * The broker's key store (a certificate for {@code hosts}, each a DNS name or an IP address, signed
     * by this authority) and its trust store (this authority alone: only its certificates get in).
     * Made once; an existing pair is reused when its certificate names every host.
     */
    public BrokerStores brokerStores(List<String> hosts) {
        try {
            return locked(dir, () -> writeBrokerStores(hosts));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker's TLS stores in " + dir, e);
        }
    }

    private BrokerStores writeBrokerStores(List<String> hosts) {
        try {
            Path keyStore = dir.resolve(BROKER_STORE);
            Path trustStore = dir.resolve(TRUST_STORE);
            if (!Files.exists(keyStore) || !names(keyStore, hosts)) {
                KeyPair broker = newKeyPair();
                List<GeneralName> names = new ArrayList<>();
                for (String host : hosts) {
                    names.add(
                            host.matches("[0-9.]+|.*:.*")
                                    ? new GeneralName(
                                            GeneralName.iPAddress,
                                            InetAddress.getByName(host).getHostAddress())
                                    : new GeneralName(GeneralName.dNSName, host));
                }
                X509Certificate certificate = issue(
                        new X500NameBuilder(BCStyle.INSTANCE)
                                .addRDN(BCStyle.O, "Threatline")
                                .addRDN(BCStyle.CN, hosts.get(0))
                                .build(),
                        broker,
                        KeyPurposeId.id_kp_serverAuth,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry(
                        "broker", broker.getPrivate(), password, new Certificate[] {certificate, caCertificate});
                save(store, keyStore, password);
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(CA_ALIAS, caCertificate);
            save(trust, trustStore, password);
            return new BrokerStores(keyStore, trustStore, new String(password));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker's TLS stores in " + dir, e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot make the broker's TLS certificate: " + e, e);
        }
    }

    /**
     * Issues a client certificate to {@code partnerId} ({@code CN=<partner id>,OU=threatline-partner,
     * O=Threatline}) and writes it, its private key (mode 600) and the authority's certificate as PEM
     * files into {@code outDir}: {@code <id>.key.pem}, {@code <id>.cert.pem}, {@code ca.pem}. An
     * existing pair is kept.
     *
     * @throws IllegalArgumentException when {@code partnerId} is not a partner id
     */
    public PartnerFiles issuePartner(String partnerId, Path outDir) {
        Objects.requireNonNull(partnerId, "partnerId");
        if (!PARTNER_ID.matcher(partnerId).matches()) {
            throw new IllegalArgumentException(
                    "'" + partnerId + "' is not a partner id (lower-case letters, digits, '.', '_', '-')");
        }
        try {
            Files.createDirectories(outDir);
            PartnerFiles files = new PartnerFiles(
                    outDir.resolve(partnerId + ".key.pem"),
                    outDir.resolve(partnerId + ".cert.pem"),
                    outDir.resolve("ca.pem"));
            Files.writeString(files.authority(), pem(caCertificate));
            if (!Files.exists(files.key()) || !Files.exists(files.certificate())) {
                KeyPair partner = newKeyPair();
                X509Certificate certificate = issue(
                        new X500NameBuilder(BCStyle.INSTANCE)
                                .addRDN(BCStyle.O, "Threatline")
                                .addRDN(BCStyle.OU, PARTNER_UNIT)
                                .addRDN(BCStyle.CN, partnerId)
                                .build(),
                        partner,
                        KeyPurposeId.id_kp_clientAuth,
                        null);
                writePrivate(files.key(), pem(partner.getPrivate()).getBytes(StandardCharsets.UTF_8));
                Files.writeString(files.certificate(), pem(certificate));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + partnerId + "'s certificate into " + outDir, e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot issue " + partnerId + "'s certificate: " + e, e);
        }
    }

    /** Runs {@code action} holding the directory's lock, against other JVMs and other threads. */
    private static <T> T locked(Path dir, java.util.function.Supplier<T> action) throws IOException {
        synchronized (LocalCertificates.class) {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(
                            dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    java.nio.channels.FileLock lock = channel.lock()) {
                return action.get();
            }
        }
    }

    private X509Certificate issue(X500Name subject, KeyPair keys, KeyPurposeId purpose, GeneralNames altNames)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                        caCertificate, serial(), notBefore(), notAfter(Duration.ofDays(730)), subject, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                .addExtension(
                        Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCertificate))
                .addExtension(
                        Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        return sign(builder, caKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private boolean names(Path keyStore, List<String> hosts) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password);
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate("broker");
        if (certificate == null || certificate.getSubjectAlternativeNames() == null) {
            return false;
        }
        List<String> named = certificate.getSubjectAlternativeNames().stream()
                .map(n -> n.get(1).toString())
                .toList();
        for (String host : hosts) {
            String expected =
                    host.matches("[0-9.]+|.*:.*") ? InetAddress.getByName(host).getHostAddress() : host;
            if (!named.contains(expected)) {
                return false;
            }
        }
        return true;
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(1, randomBytes(16));
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date notAfter(Duration lifetime) {
        return Date.from(Instant.now().plus(lifetime));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(
                    object instanceof PrivateKey key
                            ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate()
                            : object);
        }
        return text.toString();
    }

    private static void save(KeyStore store, Path file, char[] password) throws IOException, GeneralSecurityException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.TRUNCATE_EXISTING)) {
            store.store(out, password);
        }
        Files.move(
                partial,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(partial, content, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(
                partial,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
