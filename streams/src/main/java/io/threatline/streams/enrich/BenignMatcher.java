package io.threatline.streams.enrich;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.reference.BenignEntry;
import io.threatline.contract.reference.BenignMatchKind;
import io.threatline.schemas.Result;
import io.threatline.streams.reference.IpAddressKeys;
import io.threatline.streams.reference.IpBlock;
import io.threatline.streams.reference.WarninglistRegex;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the benign list (MISP warninglist) an indicator is on, over the benign store ({@code
 * ti.reference.benign.v1}).
 *
 * <h2>Matching</h2>
 *
 * An entry applies to an indicator if its indicator types are empty or contain the indicator's
 * type. Then, checked in this order (cheapest first), the first match wins, and within one kind
 * the alphabetically first list name, so the answer is stable:
 *
 * <ul>
 *   <li>STRING: the value equals the entry, ignoring case, except for URLs, whose path and query
 *       are case-sensitive and must equal exactly.
 *   <li>HOSTNAME: the indicator's host equals the entry or is a subdomain of it ({@code
 *       a.b.example.com} is on {@code example.com}); the host of a domain is itself, of a URL its
 *       host, of an e-mail address its domain.
 *   <li>CIDR: the address (or the whole block, for a CIDR indicator) lies inside the entry's
 *       block; IPv4 and IPv6. A URL whose host is an IP literal is checked too.
 *   <li>SUBSTRING: the value contains the entry, ignoring case.
 *   <li>REGEX: the entry's expression is found in the value (PHP-style delimiters and flags
 *       understood, see {@link WarninglistRegex}). Each expression is compiled once and cached
 *       across snapshots; one that does not compile is skipped and logged once.
 * </ul>
 *
 * <h2>Snapshot</h2>
 *
 * Scanning the store per indicator would cost a full scan (tens of thousands of entries with
 * public-dns-v4) for every event. Instead the matcher keeps an in-memory index built from one
 * scan of the store: a hash map for strings, a hash map walked label by label for hostnames, one
 * hash map per prefix length for CIDR blocks (a lookup is one probe per distinct prefix length,
 * at most 129), and lists for substrings and regexes (which are short in practice). The index is
 * rebuilt when the store's {@code approximateNumEntries()} differs from the count it was built at
 * (entries added or removed), and in any case once it is older than {@code maxAge}.
 *
 * <p>Trade-off: a change that keeps the count (an entry replaced, or one added and one removed,
 * or a RocksDB estimate that does not move) is seen only after up to {@code maxAge}; a smaller
 * {@code maxAge} shortens that at the cost of more full scans. {@code approximateNumEntries()} is
 * read on every call; on RocksDB it is a property read, far cheaper than a scan. The index holds
 * a copy of every entry: memory is about the size of the store's values, per matcher instance.
 *
 * <p>Thread-safe: lookups read an immutable snapshot; a rebuild happens on one thread at a time.
 */
public final class BenignMatcher {

    /** Default longest time a snapshot is used before it is rebuilt even if the count is unchanged. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(BenignMatcher.class);
    private static final Comparator<Candidate> BY_LIST = Comparator.comparing(Candidate::list);

    private final ReadOnlyKeyValueStore<String, BenignEntry> store;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Optional<Pattern>> regexCache = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot;

    /** A matcher rebuilding its snapshot at least every {@link #DEFAULT_MAX_AGE}. */
    public BenignMatcher(ReadOnlyKeyValueStore<String, BenignEntry> store) {
        this(store, DEFAULT_MAX_AGE, System::nanoTime);
    }

    /**
     * @param store the benign entries
     * @param maxAge longest time a snapshot is used before being rebuilt regardless of the count
     * @param nanoTime monotonic clock in nanoseconds (a test clock in tests)
     */
    public BenignMatcher(ReadOnlyKeyValueStore<String, BenignEntry> store, Duration maxAge, LongSupplier nanoTime) {
        this.store = Objects.requireNonNull(store, "store");
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The name of the benign list {@code canonicalValue} is on, if any. */
    public Optional<String> match(IndicatorType type, String canonicalValue) {
        if (type == null || canonicalValue == null || canonicalValue.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(current().match(type, canonicalValue));
    }

    /** Rebuilds the snapshot now. */
    public void refresh() {
        synchronized (this) {
            snapshot = build(store.approximateNumEntries(), nanoTime.getAsLong());
        }
    }

    /** Number of entries in the current snapshot (for metrics and tests). */
    public int snapshotSize() {
        return current().size;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        long count = store.approximateNumEntries();
        long now = nanoTime.getAsLong();
        if (s != null && s.count == count && now - s.builtAtNanos < maxAgeNanos) {
            return s;
        }
        synchronized (this) {
            s = snapshot;
            if (s == null || s.count != count || now - s.builtAtNanos >= maxAgeNanos) {
                s = build(count, now);
                snapshot = s;
            }
            return s;
        }
    }

    private Snapshot build(long count, long now) {
        Snapshot s = new Snapshot(count, now);
        Map<String, Optional<Pattern>> usedRegexes = new HashMap<>();
        try (KeyValueIterator<String, BenignEntry> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, BenignEntry> row = all.next();
                BenignEntry entry = row.value;
                if (entry == null
                        || entry.getValue() == null
                        || entry.getList() == null
                        || entry.getMatchKind() == null) {
                    continue;
                }
                Set<IndicatorType> types = entry.getIndicatorTypes() == null
                                || entry.getIndicatorTypes().isEmpty()
                        ? EnumSet.allOf(IndicatorType.class)
                        : EnumSet.copyOf(entry.getIndicatorTypes());
                Candidate candidate = new Candidate(entry.getList(), entry.getValue(), types);
                if (s.add(candidate, entry.getMatchKind(), regex(entry, usedRegexes))) {
                    s.size++;
                }
            }
        }
        // Keep only the expressions still in use, so a churning list cannot grow the cache.
        regexCache.keySet().retainAll(usedRegexes.keySet());
        s.sort();
        return s;
    }

    private Pattern regex(BenignEntry entry, Map<String, Optional<Pattern>> used) {
        if (entry.getMatchKind() != BenignMatchKind.REGEX) {
            return null;
        }
        Optional<Pattern> pattern = regexCache.computeIfAbsent(entry.getValue(), value -> {
            try {
                return Optional.of(WarninglistRegex.compile(value));
            } catch (PatternSyntaxException e) {
                LOG.warn(
                        "Benign list '{}': regex {} does not compile, skipped: {}",
                        entry.getList(),
                        value,
                        e.getDescription());
                return Optional.empty();
            }
        });
        used.put(entry.getValue(), pattern);
        return pattern.orElse(null);
    }

    /** One entry as the index holds it. */
    private record Candidate(String list, String value, Set<IndicatorType> types) {
        boolean appliesTo(IndicatorType type) {
            return types.contains(type);
        }
    }

    private record RegexCandidate(Candidate candidate, Pattern pattern) {}

    private static final class Snapshot {
        final long count;
        final long builtAtNanos;
        int size;
        final Map<String, List<Candidate>> strings = new HashMap<>();
        final Map<String, List<Candidate>> hostnames = new HashMap<>();
        final TreeMap<Integer, Map<BigInteger, List<Candidate>>> cidrsByPrefix = new TreeMap<>();
        final List<Candidate> substrings = new ArrayList<>();
        final List<RegexCandidate> regexes = new ArrayList<>();

        Snapshot(long count, long builtAtNanos) {
            this.count = count;
            this.builtAtNanos = builtAtNanos;
        }

        boolean add(Candidate c, BenignMatchKind kind, Pattern pattern) {
            switch (kind) {
                case STRING ->
                    strings.computeIfAbsent(lower(c.value()), k -> new ArrayList<>())
                            .add(c);
                case HOSTNAME ->
                    hostnames
                            .computeIfAbsent(hostnameEntry(c.value()), k -> new ArrayList<>())
                            .add(c);
                case SUBSTRING -> substrings.add(new Candidate(c.list(), lower(c.value()), c.types()));
                case CIDR -> {
                    Result<IpBlock> block = IpAddressKeys.parse(c.value());
                    if (!block.isOk()) {
                        return false;
                    }
                    cidrsByPrefix
                            .computeIfAbsent(block.value().prefixLength(), k -> new HashMap<>())
                            .computeIfAbsent(block.value().first(), k -> new ArrayList<>())
                            .add(c);
                }
                case REGEX -> {
                    if (pattern == null) {
                        return false;
                    }
                    regexes.add(new RegexCandidate(c, pattern));
                }
                default -> {
                    return false; // UNKNOWN never matches
                }
            }
            return true;
        }

        void sort() {
            strings.values().forEach(l -> l.sort(BY_LIST));
            hostnames.values().forEach(l -> l.sort(BY_LIST));
            cidrsByPrefix.values().forEach(m -> m.values().forEach(l -> l.sort(BY_LIST)));
            substrings.sort(BY_LIST);
            regexes.sort(Comparator.comparing(r -> r.candidate().list()));
        }

        String match(IndicatorType type, String value) {
            String lower = lower(value);
            String list = first(
                    strings.get(lower),
                    type,
                    c -> type != IndicatorType.URL || c.value().equals(value));
            if (list != null) {
                return list;
            }
            String host = host(type, value);
            if (host != null && !hostnames.isEmpty() && !isIpLiteral(host)) {
                for (String h = host; h != null; h = parent(h)) {
                    list = first(hostnames.get(h), type, c -> true);
                    if (list != null) {
                        return list;
                    }
                }
            }
            if (!cidrsByPrefix.isEmpty()) {
                String address = type == IndicatorType.IPV4 || type == IndicatorType.IPV6
                        ? value
                        : type == IndicatorType.URL && host != null ? host : null;
                list = address == null ? null : cidr(type, address);
                if (list != null) {
                    return list;
                }
            }
            for (Candidate c : substrings) {
                if (c.appliesTo(type) && lower.contains(c.value())) {
                    return c.list();
                }
            }
            for (RegexCandidate r : regexes) {
                if (r.candidate().appliesTo(type) && r.pattern().matcher(value).find()) {
                    return r.candidate().list();
                }
            }
            return null;
        }

        private String cidr(IndicatorType type, String address) {
            String text = address.startsWith("[") && address.endsWith("]")
                    ? address.substring(1, address.length() - 1)
                    : address;
            Result<IpBlock> parsed = IpAddressKeys.parse(text);
            if (!parsed.isOk()) {
                return null;
            }
            IpBlock block = parsed.value();
            for (Map.Entry<Integer, Map<BigInteger, List<Candidate>>> byPrefix : cidrsByPrefix.entrySet()) {
                int prefix = byPrefix.getKey();
                if (prefix > block.prefixLength()) {
                    break; // a narrower entry cannot hold the whole block
                }
                BigInteger network = block.first()
                        .andNot(BigInteger.ONE.shiftLeft(128 - prefix).subtract(BigInteger.ONE));
                String list = first(byPrefix.getValue().get(network), type, c -> true);
                if (list != null) {
                    return list;
                }
            }
            return null;
        }

        private static String first(
                List<Candidate> candidates, IndicatorType type, java.util.function.Predicate<Candidate> also) {
            if (candidates != null) {
                for (Candidate c : candidates) {
                    if (c.appliesTo(type) && also.test(c)) {
                        return c.list();
                    }
                }
            }
            return null;
        }
    }

    /** The host a HOSTNAME entry is compared with, or null if the type has none. */
    static String host(IndicatorType type, String value) {
        switch (type) {
            case DOMAIN:
                return lower(value);
            case EMAIL: {
                int at = value.lastIndexOf('@');
                return at < 0 ? null : lower(value.substring(at + 1));
            }
            case URL: {
                int scheme = value.indexOf("://");
                if (scheme < 0) {
                    return null;
                }
                int start = scheme + 3;
                int end = start;
                while (end < value.length() && "/?#".indexOf(value.charAt(end)) < 0) {
                    end++;
                }
                String authority = value.substring(start, end);
                authority = authority.substring(authority.lastIndexOf('@') + 1);
                if (authority.startsWith("[")) {
                    int close = authority.indexOf(']');
                    return close < 0 ? null : lower(authority.substring(0, close + 1));
                }
                int colon = authority.indexOf(':');
                return lower(colon < 0 ? authority : authority.substring(0, colon));
            }
            default:
                return null;
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.startsWith("[") || host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    }

    private static String parent(String host) {
        int dot = host.indexOf('.');
        return dot < 0 || dot == host.length() - 1 ? null : host.substring(dot + 1);
    }

    private static String hostnameEntry(String value) {
        String host = lower(value.strip());
        if (host.startsWith("*.")) {
            host = host.substring(2);
        } else if (host.startsWith(".")) {
            host = host.substring(1);
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
