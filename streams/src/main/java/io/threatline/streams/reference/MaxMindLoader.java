package io.threatline.streams.reference;

import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.InvalidNetworkException;
import com.maxmind.db.Network;
import com.maxmind.db.Networks;
import com.maxmind.db.Reader;
import io.threatline.contract.reference.IpRange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Loads the networks of a MaxMind DB file ({@code .mmdb}: GeoLite2-ASN, GeoLite2-Country,
 * GeoIP2-City and compatible) as IP range rows, iterating every network in the database with the
 * reader's {@link Reader#networks(boolean, Class)} iterator (maxmind-db 3.x).
 *
 * <p>Fields read: {@code autonomous_system_number} and {@code autonomous_system_organization}
 * (ASN databases, or {@code traits.*} of enterprise City databases), and {@code country.iso_code},
 * falling back to {@code registered_country.iso_code} (Country and City databases). A network
 * with none of them (for example an anonymous proxy with no country) is skipped without a
 * problem and counted in {@link #skippedEmpty()}.
 *
 * <p>IPv4 networks are iterated once, not again under each of their IPv6 aliases ({@code
 * ::ffff:0:0/96}, 6to4 {@code 2002::/16}, Teredo); their rows are written in IPv4 text and keyed
 * as IPv4-mapped addresses. MaxMind networks never overlap (they are leaves of one trie), so the
 * rows satisfy the IP range lookup's one-range-per-address assumption.
 *
 * <p>One topic holds one range per start key: loading an ASN database and a Country database
 * into the same topic makes the later one overwrite rows that start at the same address. Load the
 * database that carries the fields the hub needs (GeoIP2/GeoLite2 City or a merged CSV), or one
 * of them only.
 */
public final class MaxMindLoader {

    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

    private long skippedEmpty;

    /** Number of networks of the last load that carried neither an ASN nor a country. */
    public long skippedEmpty() {
        return skippedEmpty;
    }

    /**
     * Loads every network of the database at {@code file}.
     *
     * @throws IOException if the file cannot be opened as a MaxMind DB; a bad record or an error
     *     while iterating is reported as a problem instead
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public LoadResult load(Path file, Consumer<ReferenceRow<IpRange>> sink) throws IOException {
        String source = file.getFileName().toString();
        List<LoadProblem> problems = new ArrayList<>();
        skippedEmpty = 0;
        long rows = 0;
        try (Reader reader = new Reader(file.toFile())) {
            Networks<Map> networks;
            try {
                networks = reader.networks(false, Map.class);
            } catch (InvalidNetworkException e) {
                problems.add(new LoadProblem(source, "cannot iterate its networks: " + e.getMessage()));
                return new LoadResult(source, 0, problems);
            }
            String at = source;
            try {
                while (networks.hasNext()) {
                    DatabaseRecord<Map> record = networks.next();
                    Network network = record.getNetwork();
                    at = source + ": network " + network;
                    ReferenceRow<IpRange> row =
                            row(network, (Map<String, Object>) record.getData(), source, at, problems);
                    if (row != null) {
                        sink.accept(row);
                        rows++;
                    }
                }
            } catch (RuntimeException e) {
                // NetworksIterationException and decoding errors: the tree cannot be walked further.
                problems.add(new LoadProblem(
                        at,
                        "cannot read further networks (" + e.getMessage() + "); " + rows + " rows loaded before it"));
            }
        }
        return new LoadResult(source, rows, problems);
    }

    private ReferenceRow<IpRange> row(
            Network network, Map<String, Object> data, String source, String at, List<LoadProblem> problems) {
        if (data == null) {
            skippedEmpty++;
            return null;
        }
        Object number = data.get("autonomous_system_number");
        Object organization = data.get("autonomous_system_organization");
        if (number == null && data.get("traits") instanceof Map<?, ?> traits) {
            number = traits.get("autonomous_system_number");
            organization = traits.get("autonomous_system_organization");
        }
        Long asn = null;
        if (number instanceof Number n) {
            asn = n.longValue();
        } else if (number != null) {
            problems.add(new LoadProblem(at, "autonomous_system_number is not a number: " + number + "; ignored"));
        }
        String country = isoCode(data.get("country"));
        if (country == null) {
            country = isoCode(data.get("registered_country"));
        }
        String org = organization instanceof String s && !s.isBlank() ? s : null;
        if (asn == null && org == null && country == null) {
            skippedEmpty++;
            return null;
        }
        IpBlock block = IpAddressKeys.block(network.getNetworkAddress(), network.getPrefixLength());
        return new ReferenceRow<>(
                block.firstKey(), new IpRange(block.firstText(), block.lastText(), asn, org, country, source));
    }

    private static String isoCode(Object country) {
        if (country instanceof Map<?, ?> map && map.get("iso_code") instanceof String code) {
            String upper = code.toUpperCase(Locale.ROOT);
            return COUNTRY.matcher(upper).matches() ? upper : null;
        }
        return null;
    }
}
