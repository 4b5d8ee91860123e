package io.threatline.schemas.identity;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import io.threatline.contract.IndicatorType;
import java.net.IDN;
import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of valid indicators, each with the canonical value worked out independently of the
 * code under test where a trusted oracle exists (Guava's RFC 5952 formatter for IPv6, plain
 * arithmetic for IPv4, java.net.IDN for punycode).
 */
final class IndicatorArbitraries {

    /** A raw value as a partner might send it, and the canonical value it must become. */
    record Case(IndicatorType type, String raw, String expected) {}

    static final List<String> SUFFIXES = List.of("com", "org", "net", "de", "co.uk", "org.uk", "fr", "io", "com.au");
    static final List<String> BARE_SUFFIXES = List.of(
            "com",
            "org",
            "net",
            "de",
            "uk",
            "co.uk",
            "org.uk",
            "jp",
            "co.jp",
            "com.au",
            "io",
            "blogspot.com",
            "github.io");
    static final Set<String> SCHEMES = Set.of("http", "https", "ftp", "ftps", "sftp", "ws", "wss");

    private static final String LDH = "abcdefghijklmnopqrstuvwxyz0123456789-";
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";
    // Lower-case letters that IDNA2003 and IDNA2008 treat alike (no ß, no final sigma), no RTL scripts.
    private static final String UNICODE_LETTERS =
            "äöüéèêñçåøłžšćабвгдежзиклмнопрстуфхцчшщыэюяαβγδεζηθικλμνξοπρστυφχψω中文日本語例한국";
    private static final String PATH_CHARS = "abcxyzABCXYZ0189-._~%!$&'*+,;=:@/";
    private static final String QUERY_CHARS = "abcXYZ0189-._~%!$&'*+,;=:@/?";
    private static final String LOCAL_PART_CHARS = "abcxyzABCXYZ0189.!#$%&'*+/=?^_`|~-";

    private IndicatorArbitraries() {}

    static Arbitrary<Case> anyValid() {
        return Arbitraries.oneOf(
                ipv4Addresses(),
                ipv4Cidrs(),
                ipv6Addresses(),
                ipv6Cidrs(),
                domains(),
                unicodeDomains(),
                urls(),
                hashes(),
                emails());
    }

    // ---- IPv4

    static Arbitrary<byte[]> ipv4Bytes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(4);
    }

    static Arbitrary<Case> ipv4Addresses() {
        return ipv4Bytes().map(b -> {
            String text = dotted(b);
            return new Case(IndicatorType.IPV4, text, text);
        });
    }

    static Arbitrary<Case> ipv4Cidrs() {
        return Combinators.combine(ipv4Bytes(), Arbitraries.integers().between(0, 32))
                .as((b, prefix) -> {
                    long network = toLong(b) & ipv4Mask(prefix);
                    String text = dotted(network);
                    return new Case(IndicatorType.IPV4, text + '/' + prefix, prefix == 32 ? text : text + '/' + prefix);
                });
    }

    static long ipv4Mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    }

    static long toLong(byte[] b) {
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    static String dotted(byte[] b) {
        return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
    }

    static String dotted(long a) {
        return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    // ---- IPv6

    /** Eight groups, zero half of the time so that "::" compression gets exercised. */
    static Arbitrary<int[]> ipv6Groups() {
        Arbitrary<int[]> random = Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0xFFFF)))
                .list()
                .ofSize(8)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        Arbitrary<int[]> mapped = ipv4Bytes().map(b -> new int[] {
            0, 0, 0, 0, 0, 0xFFFF, ((b[0] & 0xFF) << 8) | (b[1] & 0xFF), ((b[2] & 0xFF) << 8) | (b[3] & 0xFF)
        });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, random), net.jqwik.api.Tuple.of(1, mapped));
    }

    static Arbitrary<Case> ipv6Addresses() {
        return Combinators.combine(ipv6Groups(), Arbitraries.randoms())
                .as((g, random) -> new Case(IndicatorType.IPV6, renderIpv6(g, random), rfc5952(g)));
    }

    static Arbitrary<Case> ipv6Cidrs() {
        return Combinators.combine(ipv6Groups(), Arbitraries.integers().between(0, 128), Arbitraries.randoms())
                .as((g, prefix, random) -> {
                    int[] network = ipv6Network(g, prefix);
                    String raw = renderIpv6(network, random) + '/' + prefix;
                    return new Case(
                            IndicatorType.IPV6,
                            raw,
                            prefix == 128 ? rfc5952(network) : rfc5952(network) + '/' + prefix);
                });
    }

    static int[] ipv6Network(int[] g, int prefix) {
        int[] network = new int[8];
        for (int i = 0; i < 8; i++) {
            int bits = Math.max(0, Math.min(16, prefix - 16 * i));
            network[i] = g[i] & (bits == 0 ? 0 : (0xFFFF << (16 - bits)) & 0xFFFF);
        }
        return network;
    }

    static boolean isMapped(int[] g) {
        return g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xFFFF;
    }

    /** The expected text: Guava's RFC 5952 formatter, plus the section 5 form for IPv4-mapped. */
    static String rfc5952(int[] g) {
        if (isMapped(g)) {
            return "::ffff:" + (g[6] >>> 8) + '.' + (g[6] & 0xFF) + '.' + (g[7] >>> 8) + '.' + (g[7] & 0xFF);
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (g[i] >>> 8);
            bytes[2 * i + 1] = (byte) g[i];
        }
        try {
            // Inet6Address keeps mapped addresses as IPv6; InetAddress.getByAddress would not.
            return InetAddresses.toAddrString(Inet6Address.getByAddress(null, bytes, -1));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Any of the many legal texts of one address: groups padded or not, upper or lower case, any
     * run of zero groups compressed or not, the last 32 bits dotted or not.
     */
    static String renderIpv6(int[] g, Random random) {
        boolean upper = random.nextBoolean();
        boolean dotted = random.nextInt(4) == 0;
        int n = dotted ? 6 : 8;
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String hex = Integer.toHexString(g[i]);
            if (random.nextInt(3) == 0) {
                hex = "0".repeat(4 - hex.length()) + hex;
            }
            parts.add(upper ? hex.toUpperCase(Locale.ROOT) : hex);
        }
        String tail = dotted ? (g[6] >>> 8) + "." + (g[6] & 0xFF) + "." + (g[7] >>> 8) + "." + (g[7] & 0xFF) : null;

        List<int[]> zeroRanges = new ArrayList<>();
        for (int start = 0; start < n; start++) {
            for (int end = start; end < n && g[end] == 0; end++) {
                zeroRanges.add(new int[] {start, end + 1});
            }
        }
        if (zeroRanges.isEmpty() || random.nextBoolean()) {
            List<String> all = new ArrayList<>(parts);
            if (tail != null) {
                all.add(tail);
            }
            return String.join(":", all);
        }
        int[] range = zeroRanges.get(random.nextInt(zeroRanges.size()));
        List<String> right = new ArrayList<>(parts.subList(range[1], n));
        if (tail != null) {
            right.add(tail);
        }
        return String.join(":", parts.subList(0, range[0])) + "::" + String.join(":", right);
    }

    // ---- domains

    static Arbitrary<String> asciiLabels() {
        return Combinators.combine(
                        Arbitraries.strings().withChars(LETTERS).ofLength(1),
                        Arbitraries.strings().withChars(LDH).ofMinLength(0).ofMaxLength(19))
                .as((first, rest) -> rest.endsWith("-") ? first + rest + 'x' : first + rest);
    }

    /** Canonical ASCII domains; the rare name that is itself a private-section suffix (uk.com) is skipped. */
    static Arbitrary<String> canonicalDomains() {
        return Combinators.combine(asciiLabels().list().ofMinSize(1).ofMaxSize(3), Arbitraries.of(SUFFIXES))
                .as((labels, suffix) -> String.join(".", labels) + '.' + suffix)
                .filter(d -> InternetDomainName.from(d).isUnderPublicSuffix());
    }

    static Arbitrary<Case> domains() {
        return Combinators.combine(canonicalDomains(), Arbitraries.randoms())
                .as((d, random) ->
                        new Case(IndicatorType.DOMAIN, randomCase(d, random) + (random.nextBoolean() ? "." : ""), d));
    }

    static Arbitrary<Case> unicodeDomains() {
        Arbitrary<String> unicodeLabel = Arbitraries.strings()
                .withChars(UNICODE_LETTERS + LETTERS)
                .ofMinLength(1)
                .ofMaxLength(8);
        return Combinators.combine(unicodeLabel, asciiLabels().list().ofMaxSize(1), Arbitraries.of(SUFFIXES))
                .as((label, more, suffix) -> {
                    List<String> labels = new ArrayList<>(more);
                    labels.add(label);
                    String unicode = String.join(".", labels) + '.' + suffix;
                    String expected =
                            IDN.toASCII(unicode, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
                    return new Case(IndicatorType.DOMAIN, unicode, expected);
                })
                .filter(c -> InternetDomainName.from(c.expected()).isUnderPublicSuffix());
    }

    // ---- URLs

    static Arbitrary<String[]> urlHosts() {
        // {raw host, canonical host}
        return Arbitraries.oneOf(
                domains().map(c -> new String[] {c.raw(), c.expected()}),
                unicodeDomains().map(c -> new String[] {c.raw(), c.expected()}),
                ipv4Addresses().map(c -> new String[] {c.raw(), c.expected()}),
                ipv6Addresses().map(c -> new String[] {'[' + c.raw() + ']', '[' + c.expected() + ']'}));
    }

    static Arbitrary<Case> urls() {
        Arbitrary<String> userinfo = Arbitraries.of("", "user@", "User:P4ss@", "a%40b:c@");
        Arbitrary<Integer> port = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(-1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(21, 22, 80, 443)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 65535)));
        Arbitrary<String> path =
                Arbitraries.strings().withChars(PATH_CHARS).ofMaxLength(30).map(p -> p.isEmpty() ? p : '/' + p);
        Arbitrary<String> query = Arbitraries.strings()
                .withChars(QUERY_CHARS)
                .ofMaxLength(20)
                .injectNull(0.5)
                .map(q -> q == null ? "" : '?' + q);
        Arbitrary<String> fragment = Arbitraries.strings()
                .withChars(QUERY_CHARS + "#")
                .ofMaxLength(10)
                .injectNull(0.5)
                .map(f -> f == null ? "" : '#' + f);
        return Combinators.combine(
                        Arbitraries.of(SCHEMES),
                        userinfo,
                        urlHosts(),
                        port,
                        path,
                        query,
                        fragment,
                        Arbitraries.randoms())
                .as((scheme, user, host, p, pth, q, frag, random) -> {
                    String raw = randomCase(scheme, random) + "://" + user + host[0] + (p < 0 ? "" : ":" + p) + pth + q
                            + frag;
                    boolean dropPort = p < 0 || p == defaultPort(scheme);
                    String expected = scheme + "://" + user + host[1] + (dropPort ? "" : ":" + p) + pth + q;
                    return new Case(IndicatorType.URL, raw, expected);
                });
    }

    static int defaultPort(String scheme) {
        switch (scheme) {
            case "http":
            case "ws":
                return 80;
            case "https":
            case "wss":
                return 443;
            case "ftp":
                return 21;
            default:
                return -1;
        }
    }

    // ---- hashes

    static Arbitrary<Case> hashes() {
        return Combinators.combine(
                        Arbitraries.of(IndicatorType.MD5, IndicatorType.SHA1, IndicatorType.SHA256),
                        Arbitraries.randoms())
                .as((type, random) -> {
                    byte[] digest = new byte[hashLength(type) / 2];
                    random.nextBytes(digest);
                    String hex = HexFormat.of().formatHex(digest);
                    String raw = randomCase(hex, random);
                    if (random.nextInt(4) == 0) {
                        raw = " \t" + raw + "\n";
                    }
                    return new Case(type, raw, hex);
                });
    }

    static int hashLength(IndicatorType type) {
        switch (type) {
            case MD5:
                return 32;
            case SHA1:
                return 40;
            case SHA256:
                return 64;
            default:
                throw new IllegalArgumentException(type.name());
        }
    }

    // ---- e-mail

    static Arbitrary<Case> emails() {
        Arbitrary<String> localPart =
                Arbitraries.strings().withChars(LOCAL_PART_CHARS).ofMinLength(1).ofMaxLength(64);
        Arbitrary<String[]> domain = Arbitraries.oneOf(
                domains().map(c -> new String[] {c.raw(), c.expected()}),
                unicodeDomains().map(c -> new String[] {c.raw(), c.expected()}),
                ipv4Addresses().map(c -> new String[] {'[' + c.raw() + ']', '[' + c.expected() + ']'}));
        return Combinators.combine(localPart, domain)
                .as((local, d) -> new Case(IndicatorType.EMAIL, local + '@' + d[0], local + '@' + d[1]));
    }

    // ---- helpers

    static String randomCase(String s, Random random) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    /**
     * Defangs a value the ways analysts do, at random: dots, at-signs, scheme and "://" (and, for
     * IPv6, colons) replaced by their bracketed forms, plus surrounding whitespace.
     */
    static String fang(IndicatorType type, String value, Random random) {
        String v = value;
        if (type == IndicatorType.URL) {
            String lower = v.toLowerCase(Locale.ROOT);
            if (lower.startsWith("https:") && random.nextBoolean()) {
                v = "hXXps" + v.substring(5);
            } else if (lower.startsWith("http:") && random.nextBoolean()) {
                v = "hxxp" + v.substring(4);
            } else if (lower.startsWith("ftp:") && random.nextBoolean()) {
                v = "fxp" + v.substring(3);
            }
            int sep = v.indexOf("://");
            if (random.nextBoolean()) {
                v = v.substring(0, sep) + (random.nextBoolean() ? "[://]" : "[:]//") + v.substring(sep + 3);
            }
        }
        StringBuilder sb = new StringBuilder();
        String[] dots = {".", "[.]", "(.)", "{.}", "[dot]", "(DOT)"};
        String[] ats = {"@", "[@]", "[at]", "(at)", "{AT}"};
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '.') {
                sb.append(dots[random.nextInt(dots.length)]);
            } else if (c == '@') {
                sb.append(ats[random.nextInt(ats.length)]);
            } else if (c == ':' && type == IndicatorType.IPV6 && random.nextBoolean()) {
                sb.append("[:]");
            } else {
                sb.append(c);
            }
        }
        String fanged = sb.toString();
        return random.nextInt(4) == 0 ? "  " + fanged + "\t" : fanged;
    }
}
