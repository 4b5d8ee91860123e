package io.threatline.producer.simulator;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The indicators a simulated fleet can see, precomputed as arrays so that producing an event costs
 * a few array reads. Index {@code i} is the indicator's popularity rank: rank 0 is drawn most
 * often. Everything about an indicator is fixed here: its type, its value (plain, and one
 * defanged form), its malware family (none for about a fifth), its campaign, kill-chain phase,
 * base confidence and tags.
 *
 * <p>Values are realistic and canonicalisable: IPv4 addresses in public unicast space (private,
 * shared, loopback, link-local, documentation, benchmark and multicast ranges are avoided), IPv6
 * addresses in {@code 2a00::/12}-style production space (not the {@code 2001:db8::/32}
 * documentation prefix), domains from syllables and words under real public suffixes, URLs on such
 * hosts with paths like {@code /gate.php?id=17}, hashes of the right length (some in upper-case
 * hex, as some tools print them), e-mail addresses on such domains. No two indicators share a
 * canonical id.
 *
 * <p>Built from {@link SimulatorSettings#seed()}, {@link SimulatorSettings#distinctIndicators()}
 * and {@link SimulatorSettings#zipfExponent()} only; immutable, so one universe may be shared by
 * the simulators of several threads.
 */
public final class IndicatorUniverse {

    /** Type mix of the universe, in this order: IPv4 35%, domain 25%, URL 20%, SHA-256 10%, MD5 4%, SHA-1 3%, IPv6 2%, e-mail 1%. */
    private static final IndicatorType[] MIX_TYPES = {
        IndicatorType.IPV4, IndicatorType.DOMAIN, IndicatorType.URL, IndicatorType.SHA256,
        IndicatorType.MD5, IndicatorType.SHA1, IndicatorType.IPV6, IndicatorType.EMAIL,
    };

    private static final double[] MIX_SHARES = {0.35, 0.25, 0.20, 0.10, 0.04, 0.03, 0.02, 0.01};

    static final String[] SUFFIXES = {"com", "net", "org", "info", "biz", "ru", "cn", "de", "co.uk", "xyz", "top"};
    private static final double[] SUFFIX_WEIGHTS = {30, 12, 6, 6, 4, 10, 6, 5, 4, 9, 8};
    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ne", "ra", "to", "vi", "zu", "ber", "dex", "fin", "gal", "hub", "jet", "kor",
        "lum", "max", "nex", "pix", "qua", "rin", "sol", "tek", "ul", "vor", "wex", "yan", "zer", "on", "ix",
    };
    private static final String[] WORDS = {
        "secure", "login", "update", "cdn", "mail", "cloud", "pay", "bank", "verify", "account", "portal",
        "service", "support", "office", "docs", "drive", "track", "invoice", "apps", "sync", "static", "auth",
    };
    private static final String[] SUBDOMAINS = {"www", "cdn", "mail", "api", "update", "login", "static", "dl"};
    private static final String[] MAILBOXES = {
        "billing",
        "invoice",
        "hr",
        "payroll",
        "support",
        "noreply",
        "admin",
        "accounts",
        "j.smith",
        "m.mueller",
        "info",
        "it-helpdesk",
        "dhl-notify",
        "office",
        "ceo",
    };
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

    private final long seed;
    private final int size;
    private final double zipfExponent;
    private final IndicatorType[] types;
    private final String[] values;
    private final String[] defanged; // null where the type has no defanged form
    private final SimulatedFamily[] families; // null entries: no family
    private final String[] campaigns;
    private final KillChainPhase[] phases;
    private final byte[] baseConfidence;
    private final List<?>[] tags;
    /** cumulative[r] = sum of (k + 1)^-s for k <= r. */
    private final double[] cumulative;

    private IndicatorUniverse(SimulatorSettings settings) {
        this.seed = settings.seed();
        this.size = settings.distinctIndicators();
        this.zipfExponent = settings.zipfExponent();
        this.types = new IndicatorType[size];
        this.values = new String[size];
        this.defanged = new String[size];
        this.families = new SimulatedFamily[size];
        this.campaigns = new String[size];
        this.phases = new KillChainPhase[size];
        this.baseConfidence = new byte[size];
        this.tags = new List<?>[size];
        this.cumulative = new double[size];

        SplittableRandom rnd = new SplittableRandom(Mix.mix64(seed ^ 0x0123_4567_89AB_CDEFL));
        Set<String> seen = new HashSet<>(size * 2);
        Map<String, List<String>> tagLists = new HashMap<>();
        StringBuilder sb = new StringBuilder(128);
        SimulatedFamily[] allFamilies = SimulatedFamily.values();
        double sum = 0;
        for (int i = 0; i < size; i++) {
            IndicatorType type = MIX_TYPES[pick(MIX_SHARES, rnd.nextDouble())];
            types[i] = type;
            generate(i, type, rnd, seen, sb);
            SimulatedFamily family = null;
            double f = rnd.nextDouble();
            for (SimulatedFamily candidate : allFamilies) {
                f -= candidate.share;
                if (f < 0) {
                    family = candidate;
                    break;
                }
            }
            families[i] = family;
            campaigns[i] =
                    family != null && family.campaign() != null && rnd.nextDouble() < 0.6 ? family.campaign() : null;
            phases[i] = phase(type, rnd.nextDouble());
            baseConfidence[i] = (byte) (40 + rnd.nextInt(56));
            tags[i] = tagList(family, phases[i], tagLists);
            sum += Math.pow(i + 1, -zipfExponent);
            cumulative[i] = sum;
        }
    }

    /** Builds the universe {@code settings} describe. Costs roughly a microsecond per indicator. */
    public static IndicatorUniverse of(SimulatorSettings settings) {
        return new IndicatorUniverse(settings);
    }

    /** Whether this universe is the one {@code settings} describe, so a simulator may use it. */
    public boolean matches(SimulatorSettings settings) {
        return settings.seed() == seed
                && settings.distinctIndicators() == size
                && Double.compare(settings.zipfExponent(), zipfExponent) == 0;
    }

    public int size() {
        return size;
    }

    public IndicatorType type(int rank) {
        return types[rank];
    }

    /** The value as sensors send it when they do not defang it (hashes may be upper-case hex). */
    public String value(int rank) {
        return values[rank];
    }

    /** The defanged form of the value ({@code evil[.]com}, {@code hxxp://…}), or null for hashes. */
    public String defangedValue(int rank) {
        return defanged[rank];
    }

    /** The indicator's malware family, or null if it has none. */
    public SimulatedFamily family(int rank) {
        return families[rank];
    }

    /** The campaign the indicator is tied to, or null. */
    public String campaign(int rank) {
        return campaigns[rank];
    }

    /** The kill-chain phase sensors report, or null. Never {@code UNKNOWN}. */
    public KillChainPhase killChainPhase(int rank) {
        return phases[rank];
    }

    /** Confidence before each sensor's jitter, 40..95. */
    public int baseConfidence(int rank) {
        return baseConfidence[rank];
    }

    /** Tags sensors attach (immutable, shared between events). */
    @SuppressWarnings("unchecked")
    public List<String> tags(int rank) {
        return (List<String>) tags[rank];
    }

    /** Share of draws that fall on the {@code top} most popular of the first {@code prefix} ranks. */
    public double zipfMass(int top, int prefix) {
        return cumulative[Math.min(top, prefix) - 1] / cumulative[prefix - 1];
    }

    /**
     * A rank in {@code [0, prefix)} drawn with probability proportional to {@code (rank + 1)^-s},
     * by binary search on the cumulative weights: {@code u} is uniform in [0, 1).
     */
    int sample(double u, int prefix) {
        double target = u * cumulative[prefix - 1];
        int lo = 0;
        int hi = prefix - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    // ---------------------------------------------------------------- generation (construction only)

    private void generate(int i, IndicatorType type, SplittableRandom rnd, Set<String> seen, StringBuilder sb) {
        for (int attempt = 0; ; attempt++) {
            String plain;
            String fanged;
            switch (type) {
                case IPV4: {
                    long a = publicIpv4(rnd);
                    plain = ipv4(a);
                    fanged = rnd.nextBoolean() ? defangLastDot(plain) : plain.replace(".", "[.]");
                    break;
                }
                case IPV6: {
                    plain = ipv6(rnd, sb);
                    fanged = rnd.nextBoolean() ? plain.replace(":", "[:]") : plain.replaceFirst(":", "[:]");
                    break;
                }
                case DOMAIN: {
                    String domain = domain(rnd, sb, attempt);
                    plain = domain;
                    fanged = defangDomain(domain, rnd);
                    break;
                }
                case URL: {
                    boolean https = rnd.nextInt(10) < 3;
                    String host = rnd.nextInt(10) == 0 ? ipv4(publicIpv4(rnd)) : domain(rnd, sb, attempt);
                    String port = rnd.nextInt(20) == 0 ? (rnd.nextBoolean() ? ":8080" : ":8443") : "";
                    String path = urlPath(rnd, sb);
                    plain = (https ? "https://" : "http://") + host + port + path;
                    fanged = rnd.nextBoolean()
                            ? (https ? "hxxps://" : "hxxp://") + host.replace(".", "[.]") + port + path
                            : (https ? "https[://]" : "http[://]") + defangLastDot(host) + port + path;
                    break;
                }
                case MD5:
                    plain = hex(rnd, 32, sb);
                    fanged = null;
                    break;
                case SHA1:
                    plain = hex(rnd, 40, sb);
                    fanged = null;
                    break;
                case SHA256:
                    plain = hex(rnd, 64, sb);
                    fanged = null;
                    break;
                case EMAIL: {
                    String local = MAILBOXES[rnd.nextInt(MAILBOXES.length)]
                            + (rnd.nextBoolean() ? Integer.toString(rnd.nextInt(1000)) : "");
                    String domain = domain(rnd, sb, attempt);
                    plain = local + '@' + domain;
                    fanged = rnd.nextBoolean() ? local + "[@]" + domain : local + "[at]" + defangLastDot(domain);
                    break;
                }
                default:
                    throw new IllegalStateException("no generator for " + type);
            }
            // Upper-case hex is the same hash: compare canonical (lower-case) text.
            boolean hash = type == IndicatorType.MD5 || type == IndicatorType.SHA1 || type == IndicatorType.SHA256;
            String key = type.ordinal() + ":" + (hash ? plain.toLowerCase(java.util.Locale.ROOT) : plain);
            if (seen.add(key)) {
                values[i] = plain;
                defanged[i] = fanged;
                return;
            }
        }
    }

    static long publicIpv4(SplittableRandom rnd) {
        while (true) {
            long a = rnd.nextInt() & 0xFFFF_FFFFL;
            if (isPublicUnicast(a) && (a & 0xFF) != 0 && (a & 0xFF) != 255) {
                return a;
            }
        }
    }

    static boolean isPublicUnicast(long a) {
        int o1 = (int) (a >>> 24);
        int o2 = (int) (a >>> 16) & 0xFF;
        int o3 = (int) (a >>> 8) & 0xFF;
        return !(o1 == 0
                || o1 == 10
                || o1 == 127
                || o1 >= 224
                || (o1 == 100 && o2 >= 64 && o2 < 128)
                || (o1 == 169 && o2 == 254)
                || (o1 == 172 && o2 >= 16 && o2 < 32)
                || (o1 == 192 && o2 == 0 && (o3 == 0 || o3 == 2))
                || (o1 == 192 && o2 == 88 && o3 == 99)
                || (o1 == 192 && o2 == 168)
                || (o1 == 198 && (o2 == 18 || o2 == 19))
                || (o1 == 198 && o2 == 51 && o3 == 100)
                || (o1 == 203 && o2 == 0 && o3 == 113));
    }

    static String ipv4(long a) {
        return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    /** {@code 2a0X:gggg:gggg:gggg::h} in RFC 5952 form: four non-zero groups, three zero groups, a host. */
    private static String ipv6(SplittableRandom rnd, StringBuilder sb) {
        sb.setLength(0);
        sb.append("2a0").append(HEX[rnd.nextInt(16)]);
        for (int g = 0; g < 3; g++) {
            sb.append(':').append(Integer.toHexString(1 + rnd.nextInt(0xFFFF)));
        }
        sb.append("::").append(Integer.toHexString(1 + rnd.nextInt(rnd.nextBoolean() ? 0xFF : 0xFFFF)));
        return sb.toString();
    }

    static String domain(SplittableRandom rnd, StringBuilder sb, int attempt) {
        sb.setLength(0);
        if (rnd.nextInt(5) == 0) {
            sb.append(SUBDOMAINS[rnd.nextInt(SUBDOMAINS.length)]).append('.');
        }
        switch (rnd.nextInt(4)) {
            case 0:
                sb.append(WORDS[rnd.nextInt(WORDS.length)]).append('-').append(WORDS[rnd.nextInt(WORDS.length)]);
                break;
            case 1:
                sb.append(WORDS[rnd.nextInt(WORDS.length)]);
                syllables(rnd, sb, 1 + rnd.nextInt(2));
                break;
            default:
                syllables(rnd, sb, 2 + rnd.nextInt(3));
                break;
        }
        if (attempt > 4) {
            sb.append(rnd.nextInt(100_000)); // crowded name space: make room with digits
        } else if (rnd.nextInt(8) == 0) {
            sb.append(rnd.nextInt(100));
        }
        sb.append('.').append(SUFFIXES[pick(SUFFIX_WEIGHTS, rnd.nextDouble() * 100)]);
        return sb.toString();
    }

    private static void syllables(SplittableRandom rnd, StringBuilder sb, int n) {
        for (int k = 0; k < n; k++) {
            sb.append(SYLLABLES[rnd.nextInt(SYLLABLES.length)]);
        }
    }

    private static String urlPath(SplittableRandom rnd, StringBuilder sb) {
        sb.setLength(0);
        switch (rnd.nextInt(7)) {
            case 0:
            case 1:
                return sb.append("/gate.php?id=").append(rnd.nextInt(100)).toString();
            case 2:
                sb.append("/wp-content/plugins/");
                syllables(rnd, sb, 2);
                sb.append('/');
                syllables(rnd, sb, 2);
                return sb.append(".php").toString();
            case 3:
                sb.append("/admin/get.php?bot=");
                for (int k = 0; k < 8; k++) {
                    sb.append(HEX[rnd.nextInt(16)]);
                }
                return sb.toString();
            case 4:
                sb.append("/images/");
                syllables(rnd, sb, 2);
                return sb.append(".gif").toString();
            case 5:
                return sb.append("/download/invoice_")
                        .append(1000 + rnd.nextInt(9000))
                        .append(".doc")
                        .toString();
            default:
                sb.append('/');
                syllables(rnd, sb, 2);
                return sb.append("/index.html").toString();
        }
    }

    private static String hex(SplittableRandom rnd, int length, StringBuilder sb) {
        char[] digits = rnd.nextInt(5) == 0 ? HEX_UPPER : HEX;
        sb.setLength(0);
        for (int k = 0; k < length; k++) {
            sb.append(digits[rnd.nextInt(16)]);
        }
        return sb.toString();
    }

    private static String defangLastDot(String s) {
        int dot = s.lastIndexOf('.');
        return s.substring(0, dot) + "[.]" + s.substring(dot + 1);
    }

    private static String defangDomain(String domain, SplittableRandom rnd) {
        switch (rnd.nextInt(3)) {
            case 0:
                return domain.replace(".", "[.]");
            case 1:
                int dot = domain.lastIndexOf('.');
                return domain.substring(0, dot) + "[dot]" + domain.substring(dot + 1);
            default:
                return domain.replace(".", "(.)");
        }
    }

    private static KillChainPhase phase(IndicatorType type, double u) {
        switch (type) {
            case IPV4:
            case IPV6:
                return u < 0.70
                        ? KillChainPhase.COMMAND_AND_CONTROL
                        : u < 0.80
                                ? KillChainPhase.RECONNAISSANCE
                                : u < 0.90 ? KillChainPhase.ACTIONS_ON_OBJECTIVES : null;
            case DOMAIN:
                return u < 0.60 ? KillChainPhase.COMMAND_AND_CONTROL : u < 0.85 ? KillChainPhase.DELIVERY : null;
            case URL:
                return u < 0.50
                        ? KillChainPhase.DELIVERY
                        : u < 0.85 ? KillChainPhase.COMMAND_AND_CONTROL : u < 0.90 ? KillChainPhase.EXPLOITATION : null;
            case EMAIL:
                return u < 0.90 ? KillChainPhase.DELIVERY : null;
            default: // hashes
                return u < 0.50
                        ? KillChainPhase.INSTALLATION
                        : u < 0.70 ? KillChainPhase.WEAPONIZATION : u < 0.85 ? KillChainPhase.DELIVERY : null;
        }
    }

    private static List<String> tagList(SimulatedFamily family, KillChainPhase phase, Map<String, List<String>> cache) {
        String key = (family == null ? "-" : family.name()) + '/' + phase;
        return cache.computeIfAbsent(key, k -> {
            List<String> list = new ArrayList<>(3);
            if (family != null) {
                list.add(family.categoryTag());
            }
            if (phase != null) {
                list.add("kill-chain:"
                        + phase.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            }
            list.add("source:threatline-simulator");
            return List.copyOf(list);
        });
    }

    /** Index into {@code weights} of cumulative position {@code u} (in units of the weights' sum). */
    static int pick(double[] weights, double u) {
        for (int k = 0; k < weights.length - 1; k++) {
            u -= weights[k];
            if (u < 0) {
                return k;
            }
        }
        return weights.length - 1;
    }
}
