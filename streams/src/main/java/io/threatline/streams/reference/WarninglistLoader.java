package io.threatline.streams.reference;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.reference.BenignEntry;
import io.threatline.contract.reference.BenignMatchKind;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.identity.IndicatorIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.PatternSyntaxException;

/**
 * Loads a MISP warninglist ({@code lists/<name>/list.json} of MISP/misp-warninglists) as benign
 * entries keyed {@code <list name>|<match kind>|<value>}.
 *
 * <p>The list's {@code type} gives the match kind ({@code string}, {@code substring}, {@code
 * hostname}, {@code cidr}, {@code regex}); an unknown type skips the whole list with a problem.
 * Values are normalised so the matcher can compare them with canonical indicator values: CIDR
 * blocks and addresses are canonicalised ({@code FE80::/10} becomes {@code fe80::/10}), a block
 * with host bits set is reported and skipped rather than widened; hostnames are lower-cased and
 * canonicalised as domains (a leading {@code *.} or {@code .} and a trailing dot dropped); regexes
 * must compile; strings and substrings are kept as written (trimmed).
 *
 * <p>{@code matching_attributes} become indicator types: {@code ip-src}/{@code ip-dst}/{@code ip}
 * IPV4 and IPV6, {@code domain}/{@code hostname} DOMAIN, {@code url}/{@code uri}/{@code link} URL,
 * {@code md5}/{@code sha1}/{@code sha256}, {@code email}/{@code email-src}/{@code email-dst} EMAIL.
 * A composite attribute ({@code domain|ip}, {@code filename|md5}) contributes the types of its
 * parts; attributes Threatline has no type for ({@code sha512}, {@code ssdeep}, {@code port})
 * are ignored. No attributes means the list applies to every type; attributes of which none maps
 * to a Threatline type skip the list with a problem (it could never apply).
 */
public final class WarninglistLoader {

    private static final Map<String, Set<IndicatorType>> ATTRIBUTE_TYPES = Map.ofEntries(
            Map.entry("ip-src", EnumSet.of(IndicatorType.IPV4, IndicatorType.IPV6)),
            Map.entry("ip-dst", EnumSet.of(IndicatorType.IPV4, IndicatorType.IPV6)),
            Map.entry("ip", EnumSet.of(IndicatorType.IPV4, IndicatorType.IPV6)),
            Map.entry("domain", EnumSet.of(IndicatorType.DOMAIN)),
            Map.entry("hostname", EnumSet.of(IndicatorType.DOMAIN)),
            Map.entry("url", EnumSet.of(IndicatorType.URL)),
            Map.entry("uri", EnumSet.of(IndicatorType.URL)),
            Map.entry("link", EnumSet.of(IndicatorType.URL)),
            Map.entry("md5", EnumSet.of(IndicatorType.MD5)),
            Map.entry("sha1", EnumSet.of(IndicatorType.SHA1)),
            Map.entry("sha256", EnumSet.of(IndicatorType.SHA256)),
            Map.entry("email", EnumSet.of(IndicatorType.EMAIL)),
            Map.entry("email-src", EnumSet.of(IndicatorType.EMAIL)),
            Map.entry("email-dst", EnumSet.of(IndicatorType.EMAIL)));

    /** Loads {@code lists/<name>/list.json}; problems name it {@code <name>/list.json}. */
    public LoadResult load(Path file, Consumer<ReferenceRow<BenignEntry>> sink) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        String name = parent == null || parent.getFileName() == null
                ? file.getFileName().toString()
                : parent.getFileName() + "/" + file.getFileName();
        try (InputStream in = Files.newInputStream(file)) {
            return load(name, in, sink);
        }
    }

    /** Loads a warninglist from {@code in}; {@code fileName} names it in problems. */
    public LoadResult load(String fileName, InputStream in, Consumer<ReferenceRow<BenignEntry>> sink)
            throws IOException {
        List<LoadProblem> problems = new ArrayList<>();
        Optional<JsonNode> document = JsonFiles.read(fileName, in, problems);
        if (document.isEmpty()) {
            return new LoadResult(fileName, 0, problems);
        }
        JsonNode root = document.get();
        String listName = JsonFiles.text(root, "name");
        String type = JsonFiles.text(root, "type");
        JsonNode values = root.get("list");
        if (listName == null || listName.isBlank()) {
            problems.add(new LoadProblem(fileName, "has no \"name\"; list skipped"));
            return new LoadResult(fileName, 0, problems);
        }
        listName = listName.strip();
        BenignMatchKind kind = kind(type);
        if (kind == BenignMatchKind.UNKNOWN) {
            problems.add(new LoadProblem(
                    fileName,
                    "has type " + (type == null ? "(none)" : JsonFiles.quote(type))
                            + ", not one of string, substring, hostname, cidr, regex; list skipped"));
            return new LoadResult(fileName, 0, problems);
        }
        if (values == null || !values.isArray()) {
            problems.add(new LoadProblem(fileName, "has no \"list\" array; list skipped"));
            return new LoadResult(fileName, 0, problems);
        }
        Optional<List<IndicatorType>> types = indicatorTypes(root.get("matching_attributes"), fileName, problems);
        if (types.isEmpty()) {
            return new LoadResult(fileName, 0, problems);
        }
        Set<String> seen = new LinkedHashSet<>();
        long rows = 0;
        for (int i = 0; i < values.size(); i++) {
            JsonNode item = values.get(i);
            String at = fileName + ": list[" + i + "]";
            if (!item.isTextual() || item.asText().isBlank()) {
                problems.add(new LoadProblem(at, "is not a non-empty string; skipped"));
                continue;
            }
            String raw = item.asText();
            at = at + ' ' + JsonFiles.quote(raw);
            Result<String> value = normalise(kind, raw.strip());
            if (!value.isOk()) {
                problems.add(new LoadProblem(at, value.rejection().message() + "; skipped"));
                continue;
            }
            String key = listName + '|' + kind + '|' + value.value();
            if (seen.add(key)) {
                sink.accept(new ReferenceRow<>(key, new BenignEntry(listName, kind, value.value(), types.get())));
                rows++;
            }
        }
        return new LoadResult(fileName, rows, problems);
    }

    private static BenignMatchKind kind(String type) {
        if (type == null) {
            return BenignMatchKind.UNKNOWN;
        }
        return switch (type.strip().toLowerCase(Locale.ROOT)) {
            case "string" -> BenignMatchKind.STRING;
            case "substring" -> BenignMatchKind.SUBSTRING;
            case "hostname" -> BenignMatchKind.HOSTNAME;
            case "cidr" -> BenignMatchKind.CIDR;
            case "regex" -> BenignMatchKind.REGEX;
            default -> BenignMatchKind.UNKNOWN;
        };
    }

    private static Optional<List<IndicatorType>> indicatorTypes(
            JsonNode attributes, String fileName, List<LoadProblem> problems) {
        if (attributes == null || attributes.isNull() || (attributes.isArray() && attributes.isEmpty())) {
            return Optional.of(List.of());
        }
        if (!attributes.isArray()) {
            problems.add(new LoadProblem(fileName, "has matching_attributes that is not an array; list skipped"));
            return Optional.empty();
        }
        Set<IndicatorType> types = EnumSet.noneOf(IndicatorType.class);
        for (JsonNode attribute : attributes) {
            for (String part : attribute.asText("").toLowerCase(Locale.ROOT).split("\\|")) {
                types.addAll(ATTRIBUTE_TYPES.getOrDefault(part.strip(), Set.of()));
            }
        }
        if (types.isEmpty()) {
            problems.add(new LoadProblem(
                    fileName,
                    "has matching_attributes " + attributes
                            + " of which none is a Threatline indicator type; list skipped"));
            return Optional.empty();
        }
        return Optional.of(List.copyOf(types));
    }

    private static Result<String> normalise(BenignMatchKind kind, String value) {
        switch (kind) {
            case CIDR: {
                IndicatorType type = value.indexOf(':') >= 0 ? IndicatorType.IPV6 : IndicatorType.IPV4;
                return IndicatorIdentity.canonicalize(type, value).map(CanonicalIndicator::value);
            }
            case HOSTNAME: {
                String host = hostname(value);
                if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
                    return Result.rejected("INVALID_HOSTNAME", JsonFiles.quote(value) + " is not a hostname");
                }
                Result<CanonicalIndicator> domain = IndicatorIdentity.canonicalize(IndicatorType.DOMAIN, host);
                return Result.ok(domain.isOk() ? domain.value().value() : host);
            }
            case REGEX:
                try {
                    WarninglistRegex.compile(value);
                    return Result.ok(value);
                } catch (PatternSyntaxException e) {
                    return Result.rejected("INVALID_REGEX", "is not a valid regular expression: " + e.getDescription());
                }
            default:
                return Result.ok(value);
        }
    }

    /** A hostname entry or indicator host in the form hostname lists are compared in. */
    static String hostname(String value) {
        String host = value.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("*.")) {
            host = host.substring(2);
        } else if (host.startsWith(".")) {
            host = host.substring(1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host;
    }
}
