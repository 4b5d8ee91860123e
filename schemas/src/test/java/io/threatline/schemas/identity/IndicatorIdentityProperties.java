package io.threatline.schemas.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.IndicatorArbitraries.Case;
import java.util.Locale;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class IndicatorIdentityProperties {

    private static final String FORBIDDEN =
            " \t\n\r\u000B\f\u0000\u0007\u001B\u007F\u0085\u00A0\u00AD\u1680\u2007\u200B\u200D\u2028\u202E\u3000\uFEFF";

    // ---- valid values

    @Property
    void shouldCanonicalizeValidValuesToTheExpectedForm(@ForAll("valid") Case c) {
        // When a valid value, as a partner might write it, is canonicalised
        Result<CanonicalIndicator> result = IndicatorIdentity.canonicalize(c.type(), c.raw());
        // Then it becomes the independently computed canonical form
        assertThat(result.isOk()).as("%s -> %s", c, result).isTrue();
        assertThat(result.value().value()).isEqualTo(c.expected());
    }

    @Property
    void shouldBeIdempotent(@ForAll("valid") Case c) {
        String once = IndicatorIdentity.canonicalize(c.type(), c.raw()).value().value();

        Result<CanonicalIndicator> twice = IndicatorIdentity.canonicalize(c.type(), once);

        assertThat(twice.isOk()).as("%s", twice).isTrue();
        assertThat(twice.value().value()).isEqualTo(once);
    }

    @Property
    void shouldMeetFangedAndPlainFormsOnOneValue(@ForAll("valid") Case c, @ForAll Random random) {
        String fanged = IndicatorArbitraries.fang(c.type(), c.raw(), random);

        Result<CanonicalIndicator> result = IndicatorIdentity.canonicalize(c.type(), fanged);

        assertThat(result.isOk()).as("%s fanged as %s -> %s", c, fanged, result).isTrue();
        assertThat(result.value().value()).isEqualTo(c.expected());
    }

    @Property
    void shouldRoundTripIdThroughParseId(@ForAll("valid") Case c) {
        CanonicalIndicator indicator =
                IndicatorIdentity.canonicalize(c.type(), c.raw()).value();

        Result<CanonicalIndicator> parsed = IndicatorIdentity.parseId(indicator.id());

        assertThat(parsed.isOk()).as("%s -> %s", indicator.id(), parsed).isTrue();
        assertThat(parsed.value()).isEqualTo(indicator);
        assertThat(indicator.id()).startsWith(c.type().name().toLowerCase(Locale.ROOT) + ':');
    }

    @Property
    void shouldDetectTheTypeOfValidValues(@ForAll("valid") Case c) {
        // Hash-shaped domains or IP-shaped e-mails are not generated, so detection must be exact here.
        assertThat(IndicatorIdentity.detectType(c.expected())).contains(c.type());
    }

    @Provide
    Arbitrary<Case> valid() {
        return IndicatorArbitraries.anyValid();
    }

    // ---- invalid values

    @Property
    void shouldRejectValuesWithInteriorWhitespaceOrControlCharacters(
            @ForAll("valid") Case c, @ForAll("forbiddenChars") char bad, @ForAll Random random) {
        String canonical = c.expected();
        int at = 1 + random.nextInt(canonical.length() - 1);
        String broken = canonical.substring(0, at) + bad + canonical.substring(at);

        assertRejected(c.type(), broken);
    }

    @Provide
    Arbitrary<Character> forbiddenChars() {
        return Arbitraries.of(FORBIDDEN.chars().mapToObj(ch -> (char) ch).toArray(Character[]::new));
    }

    @Property
    void shouldRejectRandomTextContainingWhitespaceOrControlCharacters(
            @ForAll("types") IndicatorType type,
            @ForAll("printable") String before,
            @ForAll("forbiddenChars") char bad,
            @ForAll("printable") String after) {
        assertRejected(type, before + bad + after);
    }

    @Provide
    Arbitrary<String> printable() {
        return Arbitraries.strings()
                .ascii()
                .ofMinLength(1)
                .ofMaxLength(30)
                .filter(s -> s.chars().allMatch(ch -> ch > ' ' && ch < 0x7F));
    }

    @Provide
    Arbitrary<IndicatorType> types() {
        return Arbitraries.of(IndicatorType.class).filter(t -> t != IndicatorType.UNKNOWN);
    }

    @Property
    void shouldRejectHashesOfWrongLength(
            @ForAll("hashTypes") IndicatorType type,
            @ForAll @IntRange(min = 1, max = 100) int length,
            @ForAll Random random) {
        int expected = IndicatorArbitraries.hashLength(type);
        if (length == expected) {
            length++;
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < length; i++) {
            hex.append("0123456789abcdefABCDEF".charAt(random.nextInt(22)));
        }

        Result.Rejection rejection = assertRejected(type, hex.toString());

        assertThat(rejection.code()).isEqualTo(RejectionCodes.BAD_HASH_LENGTH);
        assertThat(rejection.message()).contains(length + " characters");
    }

    @Property
    void shouldRejectHashesWithNonHexCharacter(
            @ForAll("hashTypes") IndicatorType type, @ForAll("nonHex") char bad, @ForAll Random random) {
        char[] hex = new char[IndicatorArbitraries.hashLength(type)];
        for (int i = 0; i < hex.length; i++) {
            hex[i] = "0123456789abcdef".charAt(random.nextInt(16));
        }
        hex[random.nextInt(hex.length)] = bad;

        assertThat(assertRejected(type, new String(hex)).code()).isEqualTo(RejectionCodes.NOT_HEX);
    }

    @Provide
    Arbitrary<IndicatorType> hashTypes() {
        return Arbitraries.of(IndicatorType.MD5, IndicatorType.SHA1, IndicatorType.SHA256);
    }

    @Provide
    Arbitrary<Character> nonHex() {
        return Arbitraries.chars().range('!', '~').filter(ch -> !Chars.isHex(ch));
    }

    @Property
    void shouldRejectIpv4WithOctetAbove255(
            @ForAll("ipv4Octets") int[] octets,
            @ForAll @IntRange(min = 256, max = 99999) int big,
            @ForAll @IntRange(max = 3) int at) {
        octets[at] = big;
        String text = octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3];

        assertThat(assertRejected(IndicatorType.IPV4, text).code()).isEqualTo(RejectionCodes.INVALID_IPV4);
    }

    @Property
    void shouldRejectIpv4WithLeadingZeroOctet(
            @ForAll("ipv4Octets") int[] octets,
            @ForAll @IntRange(max = 99) int small,
            @ForAll @IntRange(max = 3) int at) {
        String[] parts = new String[4];
        for (int i = 0; i < 4; i++) {
            parts[i] = Integer.toString(octets[i]);
        }
        parts[at] = "0" + small;

        assertThat(assertRejected(IndicatorType.IPV4, String.join(".", parts)).code())
                .isEqualTo(RejectionCodes.AMBIGUOUS_IPV4_OCTET);
    }

    @Provide
    Arbitrary<int[]> ipv4Octets() {
        return Arbitraries.integers().between(0, 255).array(int[].class).ofSize(4);
    }

    @Property
    void shouldRejectIpv4CidrWithHostBitsSetAndNameTheNetwork(
            @ForAll("ipv4Octets") int[] octets, @ForAll @IntRange(max = 31) int prefix) {
        long address = ((long) octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3];
        long network = address & IndicatorArbitraries.ipv4Mask(prefix);
        net.jqwik.api.Assume.that(network != address);
        String text = IndicatorArbitraries.dotted(address) + '/' + prefix;

        Result.Rejection rejection = assertRejected(IndicatorType.IPV4, text);

        assertThat(rejection.code()).isEqualTo(RejectionCodes.HOST_BITS_SET);
        assertThat(rejection.message()).contains(IndicatorArbitraries.dotted(network) + '/' + prefix);
    }

    @Property
    void shouldRejectIpv6CidrWithHostBitsSetAndNameTheNetwork(
            @ForAll("ipv6Groups") int[] groups, @ForAll @IntRange(max = 127) int prefix, @ForAll Random random) {
        int[] network = IndicatorArbitraries.ipv6Network(groups, prefix);
        net.jqwik.api.Assume.that(!java.util.Arrays.equals(network, groups));
        String text = IndicatorArbitraries.renderIpv6(groups, random) + '/' + prefix;

        Result.Rejection rejection = assertRejected(IndicatorType.IPV6, text);

        assertThat(rejection.code()).isEqualTo(RejectionCodes.HOST_BITS_SET);
        assertThat(rejection.message()).contains(IndicatorArbitraries.rfc5952(network) + '/' + prefix);
    }

    @Provide
    Arbitrary<int[]> ipv6Groups() {
        return IndicatorArbitraries.ipv6Groups();
    }

    @Property
    void shouldRejectBarePublicSuffixAsDomainUrlHostAndEmailDomain(
            @ForAll("bareSuffixes") String suffix, @ForAll Random random) {
        String raw = IndicatorArbitraries.randomCase(suffix, random) + (random.nextBoolean() ? "." : "");

        assertThat(assertRejected(IndicatorType.DOMAIN, raw).code()).isEqualTo(RejectionCodes.NO_PUBLIC_SUFFIX);
        assertThat(assertRejected(IndicatorType.URL, "https://" + raw + "/x").code())
                .isEqualTo(RejectionCodes.INVALID_HOST);
        assertThat(assertRejected(IndicatorType.EMAIL, "a@" + raw).code()).isEqualTo(RejectionCodes.INVALID_EMAIL);
    }

    @Provide
    Arbitrary<String> bareSuffixes() {
        return Arbitraries.of(IndicatorArbitraries.BARE_SUFFIXES);
    }

    @Property
    void shouldRejectDomainWithLabelOver63Characters(
            @ForAll("domains") String domain, @ForAll @IntRange(min = 64, max = 200) int length) {
        String raw = "a".repeat(length) + '.' + domain;

        assertThat(assertRejected(IndicatorType.DOMAIN, raw).code()).isEqualTo(RejectionCodes.DOMAIN_TOO_LONG);
    }

    @Property
    void shouldRejectDomainsWithUnderscore(@ForAll("domains") String domain, @ForAll Random random) {
        int at = random.nextInt(domain.indexOf('.') + 1);
        String raw = domain.substring(0, at) + '_' + domain.substring(at);

        assertThat(assertRejected(IndicatorType.DOMAIN, raw).code()).isEqualTo(RejectionCodes.INVALID_DOMAIN);
    }

    @Provide
    Arbitrary<String> domains() {
        return IndicatorArbitraries.canonicalDomains();
    }

    @Property
    void shouldRejectUrlsWithUnsupportedScheme(
            @ForAll("unsupportedSchemes") String scheme, @ForAll("domains") String host) {
        assertThat(assertRejected(IndicatorType.URL, scheme + "://" + host + "/")
                        .code())
                .isEqualTo(RejectionCodes.UNSUPPORTED_SCHEME);
    }

    @Provide
    Arbitrary<String> unsupportedSchemes() {
        return Combinators.combine(
                        Arbitraries.strings().withCharRange('a', 'z').ofLength(1),
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .withChars("0123456789+-.")
                                .ofMaxLength(9))
                .as(String::concat)
                // hxxp and fxp are defanged http and ftp, and so accepted
                .filter(s -> !IndicatorArbitraries.SCHEMES.contains(
                        Refanger.refang(s + ":").replace(":", "")));
    }

    @Property
    void shouldRejectEmailsWithoutAtOrWithOverlongLocalPart(
            @ForAll("domains") String domain, @ForAll @IntRange(min = 65, max = 200) int localLength) {
        assertThat(assertRejected(IndicatorType.EMAIL, "user." + domain).code())
                .isEqualTo(RejectionCodes.INVALID_EMAIL);
        assertThat(assertRejected(IndicatorType.EMAIL, "a".repeat(localLength) + '@' + domain)
                        .code())
                .isEqualTo(RejectionCodes.INVALID_LOCAL_PART);
    }

    @Property
    void shouldRejectValuesOfOneTypeGivenAsAnother(@ForAll("valid") Case c, @ForAll("types") IndicatorType other) {
        net.jqwik.api.Assume.that(other != c.type() && !compatible(c, other));

        assertRejected(other, c.expected());
    }

    /**
     * Values that are legitimately valid as another type too: {@code http://u@example.com} is also
     * an e-mail address, since local parts are kept as sent and may contain "http://u".
     */
    private static boolean compatible(Case c, IndicatorType other) {
        return c.type() == IndicatorType.URL && other == IndicatorType.EMAIL;
    }

    // ---- robustness

    @Property
    void shouldNeverThrowAndStayIdempotentOnArbitraryText(
            @ForAll("types") IndicatorType type, @ForAll("anyText") String raw) {
        Result<CanonicalIndicator> result = IndicatorIdentity.canonicalize(type, raw);

        if (result.isOk()) {
            String canonical = result.value().value();
            assertThat(IndicatorIdentity.canonicalize(type, canonical).value().value())
                    .isEqualTo(canonical);
            assertThat(IndicatorIdentity.parseId(result.value().id()).value()).isEqualTo(result.value());
        } else {
            assertThat(result.rejection().code()).isNotBlank();
            assertThat(result.rejection().message()).isNotBlank();
        }
        IndicatorIdentity.detectType(raw);
        IndicatorIdentity.parseId(raw);
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings()
                        .withChars("0123456789abcdefABCDEF.:/[]()@%-_ xhtp")
                        .ofMaxLength(40),
                IndicatorArbitraries.anyValid().map(Case::raw).map(s -> s + "[" + s));
    }

    private static Result.Rejection assertRejected(IndicatorType type, String raw) {
        Result<CanonicalIndicator> result = IndicatorIdentity.canonicalize(type, raw);
        assertThat(result.isOk())
                .as("%s %s should be rejected, got %s", type, raw, result)
                .isFalse();
        assertThat(result.rejection().code()).isNotBlank();
        assertThat(result.rejection().message()).isNotBlank();
        return result.rejection();
    }
}
