package io.threatline.streams.reference;

import io.threatline.contract.reference.IpRange;
import io.threatline.schemas.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Loads IP ranges with their autonomous system and country from a CSV or TSV file with a header.
 *
 * <p>Columns (case-insensitive, any order, others ignored): either {@code start} and {@code end}
 * (single addresses) or {@code network} (a CIDR block or single address), and any of {@code asn},
 * {@code as_organization}, {@code country}. The names MaxMind uses in its GeoLite2-ASN CSV ({@code
 * autonomous_system_number}, {@code autonomous_system_organization}) and {@code country_code} are
 * accepted too, so those files load as they are. The delimiter is a tab if the header has one,
 * else a comma. Fields may be double-quoted (RFC 4180, {@code ""} for a quote; a field cannot span
 * lines). Empty lines and lines starting with {@code #} are skipped.
 *
 * <p>IPv4 and IPv6 are accepted, and must be canonical-parsable by the indicator identity rules
 * (no octal-looking octets, no host bits set in a block). An ASN may be written {@code AS15169}.
 * A country must be an ISO 3166-1 alpha-2 code ({@code ZZ}/{@code --} style placeholders are
 * rejected). A line with any bad field is skipped and reported as {@code file:line}.
 *
 * <p>The key of each row is the range start as 32 hex digits ({@link IpAddressKeys}).
 */
public final class IpRangeLoader {

    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    private static final Map<String, String> COLUMN_ALIASES = Map.of(
            "autonomous_system_number", "asn",
            "as_number", "asn",
            "autonomous_system_organization", "as_organization",
            "as_org", "as_organization",
            "country_code", "country",
            "cidr", "network");

    /** Loads one range file. */
    public LoadResult load(Path file, Consumer<ReferenceRow<IpRange>> sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(file.getFileName().toString(), in, sink);
        }
    }

    /** Loads ranges from {@code in} (UTF-8); {@code fileName} names the file in rows and problems. */
    public LoadResult load(String fileName, InputStream in, Consumer<ReferenceRow<IpRange>> sink) throws IOException {
        List<LoadProblem> problems = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNumber = 0;
        Map<String, Integer> columns = null;
        char delimiter = ',';
        long rows = 0;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            String at = fileName + ':' + lineNumber;
            if (columns == null) {
                delimiter = line.indexOf('\t') >= 0 ? '\t' : ',';
                columns = header(split(line, delimiter));
                String missing = missingColumns(columns);
                if (missing != null) {
                    problems.add(new LoadProblem(at, "header " + missing + "; file skipped"));
                    return new LoadResult(fileName, 0, problems);
                }
                continue;
            }
            List<String> fields = split(line, delimiter);
            if (fields == null) {
                problems.add(new LoadProblem(at, "has an unterminated quoted field; line skipped"));
                continue;
            }
            try {
                sink.accept(parse(fields, columns, fileName));
                rows++;
            } catch (BadLine e) {
                problems.add(new LoadProblem(at, e.getMessage() + "; line skipped"));
            }
        }
        if (columns == null) {
            problems.add(new LoadProblem(fileName, "has no header line"));
        }
        return new LoadResult(fileName, rows, problems);
    }

    private static ReferenceRow<IpRange> parse(List<String> fields, Map<String, Integer> columns, String source) {
        IpBlock block;
        if (columns.containsKey("network")) {
            String network = field(fields, columns, "network");
            if (network == null) {
                throw new BadLine("has no network");
            }
            block = orFail(IpAddressKeys.parse(network), "network");
        } else {
            String start = field(fields, columns, "start");
            String end = field(fields, columns, "end");
            if (start == null || end == null) {
                throw new BadLine("needs both start and end");
            }
            block = orFail(IpAddressKeys.range(start, end), "range");
        }
        Long asn = asn(field(fields, columns, "asn"));
        String organization = field(fields, columns, "as_organization");
        String country = field(fields, columns, "country");
        if (country != null) {
            if (!COUNTRY.matcher(country).matches()) {
                throw new BadLine("country '" + country + "' is not an ISO 3166-1 alpha-2 code");
            }
            country = country.toUpperCase(Locale.ROOT);
        }
        return new ReferenceRow<>(
                block.firstKey(), new IpRange(block.firstText(), block.lastText(), asn, organization, country, source));
    }

    private static IpBlock orFail(Result<IpBlock> block, String what) {
        if (!block.isOk()) {
            throw new BadLine(what + ": " + block.rejection().message());
        }
        return block.value();
    }

    private static Long asn(String text) {
        if (text == null) {
            return null;
        }
        String digits = text.regionMatches(true, 0, "AS", 0, 2) ? text.substring(2) : text;
        try {
            long asn = Long.parseLong(digits);
            if (asn < 0 || asn > 0xFFFF_FFFFL) {
                throw new BadLine("asn " + text + " is outside 0..4294967295");
            }
            return asn;
        } catch (NumberFormatException e) {
            throw new BadLine("asn '" + text + "' is not a number");
        }
    }

    private static String field(List<String> fields, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        if (index == null || index >= fields.size()) {
            return null;
        }
        String value = fields.get(index).strip();
        return value.isEmpty() ? null : value;
    }

    private static Map<String, Integer> header(List<String> names) {
        Map<String, Integer> columns = new HashMap<>();
        if (names == null) {
            return columns;
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).strip().toLowerCase(Locale.ROOT);
            columns.putIfAbsent(COLUMN_ALIASES.getOrDefault(name, name), i);
        }
        return columns;
    }

    private static String missingColumns(Map<String, Integer> columns) {
        boolean network = columns.containsKey("network");
        boolean range = columns.containsKey("start") && columns.containsKey("end");
        if (!network && !range) {
            return "has neither a network column nor start and end columns";
        }
        if (!columns.containsKey("asn") && !columns.containsKey("as_organization") && !columns.containsKey("country")) {
            return "has none of the columns asn, as_organization, country";
        }
        return null;
    }

    /** Splits one line into fields; null if a quoted field is not closed. */
    static List<String> split(String line, char delimiter) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        fields.add(field.toString());
        return fields;
    }

    /** A line that cannot be loaded; only used inside this loader, never escapes it. */
    private static final class BadLine extends RuntimeException {
        BadLine(String message) {
            super(message, null, false, false);
        }
    }
}
