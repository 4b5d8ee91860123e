package io.threatline.agreements.files;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.schemas.tlp.Tlp2;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.threatline.contract.AgreementEnd;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DataKind;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.schemas.Result;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Partner agreements as files: one agreement per YAML or JSON file, read into a
 * {@link PartnerAgreement} and written back as YAML for {@code agreements show}.
 *
 * <h2>Format</h2>
 *
 * <p>A file holds one object whose field names are snake_case. YAML is detected by the extension
 * {@code .yaml} or {@code .yml}, JSON by {@code .json}; any other name is JSON when its first
 * non-blank character is <code>{</code> and YAML otherwise. Every field, with an example:
 *
 * <pre>{@code
 * partner_id: interpol                  # required. 1-63 of a-z, 0-9 and '-', starting with a letter
 *                                       #   or digit; used in topic names and ACLs
 * partner_name: INTERPOL IGCI           # required. Free text
 * agreement_id: MOU-2026-INTERPOL-01    # required. Id of the memorandum this file implements
 * version: 1                            # required. Integer >= 1; increase it on every change.
 *                                       #   Every delivered record carries agreement_id and version.
 *                                       #   `agreements apply` refuses the partner's latest version
 *                                       #   (or an older one) with other terms (see History below)
 * valid_from: 2026-01-01                # required. ISO date (midnight UTC) or an instant with an
 *                                       #   offset, such as 2026-01-01T08:00:00Z or ...T09:00+01:00
 * valid_until: 2029-01-01               # optional, exclusive end, same forms. Absent: open-ended
 * # term: P3Y                           # instead of valid_until (never both): ISO period (P3Y,
 *                                       #   P18M, P90D) or duration (PT72H) added to valid_from in UTC
 * data_kinds: [indicators]              # required, at least one of indicators, statistics, trends
 * tlp_ceiling: TLP:GREEN                # required. Most restrictive TLP 2.0 marking delivered:
 *                                       #   TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT,
 *                                       #   TLP:RED; the prefix and case are optional (amber+strict,
 *                                       #   AMBER_STRICT). TLP 1.0 WHITE is refused: write CLEAR
 * scope:                                # optional. An absent or empty list does not restrict
 *   indicator_types: [ipv4, domain, url, sha256]  # ipv4 ipv6 domain url md5 sha1 sha256 email
 *   malware_families: [Shylock]         # canonical names (the hub resolves aliases); any case
 *   campaigns: [Tovar]                  # campaign names; any case
 *   minimum_confidence: 60              # 0 to 100, default 0
 *   countries: [DE, FR]                 # ISO 3166-1 alpha-2, upper case. When given, indicators
 *                                       #   without a country are withheld
 * redaction:                            # optional. Every flag defaults to true (redact)
 *   drop_provider_attribution: true     # remove the reporting vendors
 *   drop_sensor_ids: true               # remove the reporting sensors
 *   obfuscate_affected_parties: true    # remove victim tags (see AgreementPolicy)
 * embargo: PT6H                         # optional, default PT0S. ISO-8601 duration after the
 *                                       #   first sighting during which nothing is delivered
 * redistribution:                       # optional. Default: allowed false, no scope
 *   allowed: true
 *   scope: INTERPOL member countries    # to whom; only together with allowed: true
 * statistics_minimum_count: 5           # optional, default 5, >= 1. Smaller counts are
 *                                       #   suppressed (k-anonymity)
 * on_end: revoke                        # optional, default revoke. When the agreement ends (ended,
 *                                       #   term over): revoke every indicator the partner holds,
 *                                       #   or keep them (no further record)
 * channels:                             # optional, default none
 *   - channel: taxii                    # kafka, taxii, syslog, webhook or files
 *     settings:                         # optional map of settings; numbers and booleans become
 *       password: secret:interpol/taxii-password   # text. Secrets only as references
 *   - channel: webhook
 *     settings:
 *       url: https://hooks.example.org/threatline
 *       format: ecs
 *       hmac_key: ${THREATLINE_SECRET_INTERPOL_WEBHOOK_HMAC}
 * }</pre>
 *
 * <p>The same agreement as JSON uses the same names:
 * <code>{"partner_id": "interpol", "version": 1, "tlp_ceiling": "TLP:GREEN", ...}</code>.
 *
 * <h2>Validation</h2>
 *
 * <p>A file is refused, with a message that names the file, the line (when the parser knows it)
 * and the field, when it has: a field this format does not know (at any level); a required field
 * missing or empty; a field of the wrong type; a partner id outside
 * {@link ThreatlineTopics#PARTNER_ID}; a version below 1; a date that is not ISO; both
 * {@code valid_until} and {@code term}; {@code valid_until} not after {@code valid_from}; an unknown
 * TLP, data kind, indicator type or channel; a confidence outside 0 to 100; a country that is not
 * two upper-case letters; a negative embargo; a redistribution scope without {@code allowed: true};
 * a {@code statistics_minimum_count} below 1; a duplicate key; or more than one document.
 *
 * <p>Secrets live elsewhere: a channel setting whose name has the word {@code password},
 * {@code passphrase}, {@code secret}, {@code token}, {@code key} or {@code credential} (any case;
 * words split at {@code _}, {@code -}, {@code .} and camel-case humps, so {@code hmac_key} is a
 * secret and {@code keystore}, a file path, is not)
 * must be a reference, exactly <code>${THREATLINE_SECRET_&lt;NAME&gt;}</code> (upper-case letters,
 * digits and {@code _}) or {@code secret:<name>}; a literal value is refused, as is any URL with a
 * password in it ({@code https://user:pw@host}). No setting may name any other environment
 * variable: an agreement must not be able to send a receiver the process's own credentials.
 *
 * <h2>Errors</h2>
 *
 * <p>{@link #load} and {@link #parse} throw {@link InvalidAgreementException} (unchecked; it
 * carries code, file, line and field); {@link #check} returns the same outcome as a
 * {@link Result}, with the exception's code and message in the rejection, for callers that
 * prefer a value.
 */
public final class AgreementFiles {

    /** The two file formats. */
    public enum Format { YAML, JSON }

    // Codes of InvalidAgreementException / Result rejections. Stable: CLI output and tests key on them.
    public static final String UNREADABLE = "UNREADABLE";
    public static final String NOT_PARSEABLE = "NOT_PARSEABLE";
    public static final String EMPTY_FILE = "EMPTY_FILE";
    public static final String MULTIPLE_DOCUMENTS = "MULTIPLE_DOCUMENTS";
    public static final String DUPLICATE_FIELD = "DUPLICATE_FIELD";
    public static final String UNKNOWN_FIELD = "UNKNOWN_FIELD";
    public static final String MISSING_FIELD = "MISSING_FIELD";
    public static final String WRONG_TYPE = "WRONG_TYPE";
    public static final String INVALID_PARTNER_ID = "INVALID_PARTNER_ID";
    public static final String INVALID_VERSION = "INVALID_VERSION";
    public static final String INVALID_DATE = "INVALID_DATE";
    public static final String INVALID_DURATION = "INVALID_DURATION";
    public static final String CONFLICTING_FIELDS = "CONFLICTING_FIELDS";
    public static final String INVALID_PERIOD = "INVALID_PERIOD";
    public static final String INVALID_TLP = "INVALID_TLP";
    public static final String UNKNOWN_DATA_KIND = "UNKNOWN_DATA_KIND";
    public static final String UNKNOWN_INDICATOR_TYPE = "UNKNOWN_INDICATOR_TYPE";
    public static final String UNKNOWN_CHANNEL = "UNKNOWN_CHANNEL";
    public static final String CONFIDENCE_OUT_OF_RANGE = "CONFIDENCE_OUT_OF_RANGE";
    public static final String INVALID_COUNTRY = "INVALID_COUNTRY";
    public static final String NEGATIVE_EMBARGO = "NEGATIVE_EMBARGO";
    public static final String INVALID_VALUE = "INVALID_VALUE";
    public static final String LITERAL_SECRET = "LITERAL_SECRET";
    public static final String DUPLICATE_PARTNER = "DUPLICATE_PARTNER";

    private static final Set<String> TOP_FIELDS = orderedSet("partner_id", "partner_name", "agreement_id",
            "version", "valid_from", "valid_until", "term", "data_kinds", "tlp_ceiling", "scope", "redaction",
            "embargo", "redistribution", "statistics_minimum_count", "on_end", "channels");
    private static final Set<String> SCOPE_FIELDS = orderedSet("indicator_types", "malware_families", "campaigns",
            "minimum_confidence", "countries");
    private static final Set<String> REDACTION_FIELDS = orderedSet("drop_provider_attribution", "drop_sensor_ids",
            "obfuscate_affected_parties");
    private static final Set<String> REDISTRIBUTION_FIELDS = orderedSet("allowed", "scope");
    private static final Set<String> CHANNEL_FIELDS = orderedSet("channel", "settings");

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    /** Only variables meant for agreements may be referenced, not any of the process's (docs/security.md). */
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{THREATLINE_SECRET_[A-Z0-9_]+}");
    private static final Pattern ANY_ENV_REFERENCE = Pattern.compile("\\$\\{[^}]*}");
    private static final Pattern SECRET_REFERENCE = Pattern.compile("secret:\\S+");
    /**
     * A word of a setting name (split at {@code _}, {@code -}, {@code .} and camel-case humps) that
     * marks a secret: {@code hmac_key}, {@code keystore_password}, {@code apiToken}; not
     * {@code keystore}, which names a file.
     */
    private static final Pattern SECRET_WORD =
            Pattern.compile("(?i)(password|passphrase|secret|token|key|credential)s?");
    private static final Pattern URL_WITH_PASSWORD = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://[^/@\\s:]*:[^/@\\s]+@.*");

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper(JSON);
    private static final ObjectMapper YAML_MAPPER = new ObjectMapper(YAML);
    private static final YAMLMapper YAML_WRITER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private AgreementFiles() {
    }

    /**
     * Reads and validates one agreement file.
     *
     * @throws InvalidAgreementException if the file cannot be read or is not a valid agreement
     */
    public static PartnerAgreement load(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidAgreementException(UNREADABLE, file.toString(), 0, null,
                    "cannot read the file: " + e.getMessage());
        }
        return parse(content, file.toString());
    }

    /**
     * Reads every {@code .yaml}, {@code .yml} and {@code .json} file directly in {@code directory}
     * (other files, such as a README, are ignored), in file-name order.
     *
     * @throws InvalidAgreementException if any file is invalid, or two files are for the same partner
     */
    public static List<PartnerAgreement> loadAll(Path directory) {
        List<Path> files;
        try (Stream<Path> s = Files.list(directory)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> formatOfName(p.getFileName().toString()) != null)
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new InvalidAgreementException(UNREADABLE, directory.toString(), 0, null,
                    "cannot list the directory: " + e.getMessage());
        }
        Map<String, Path> seen = new HashMap<>();
        List<PartnerAgreement> agreements = new ArrayList<>();
        for (Path file : files) {
            PartnerAgreement a = load(file);
            Path earlier = seen.putIfAbsent(a.getPartnerId(), file);
            if (earlier != null) {
                throw new InvalidAgreementException(DUPLICATE_PARTNER, file.toString(), 0, "partner_id",
                        "partner '" + a.getPartnerId() + "' already has an agreement in " + earlier
                                + "; one file per partner");
            }
            agreements.add(a);
        }
        return agreements;
    }

    /** {@link #load} as a {@link Result}: the rejection has the exception's code and full message. */
    public static Result<PartnerAgreement> check(Path file) {
        try {
            return Result.ok(load(file));
        } catch (InvalidAgreementException e) {
            return Result.rejected(e.code(), e.getMessage());
        }
    }

    /**
     * Parses and validates agreement text. The format comes from {@code sourceName}'s extension,
     * or from the content when the name has none of the known ones.
     *
     * @param sourceName file name used for the format and in error messages
     * @throws InvalidAgreementException if the text is not a valid agreement
     */
    public static PartnerAgreement parse(String content, String sourceName) {
        return parse(content, sourceName, detect(sourceName, content));
    }

    /** Parses and validates agreement text in a given format. */
    public static PartnerAgreement parse(String content, String sourceName, Format format) {
        String source = sourceName == null ? "<agreement>" : sourceName;
        if (content == null || content.isBlank()) {
            throw new InvalidAgreementException(EMPTY_FILE, source, 0, null, "the file is empty");
        }
        JsonFactory factory = format == Format.JSON ? JSON : YAML;
        ObjectMapper mapper = format == Format.JSON ? JSON_MAPPER : YAML_MAPPER;
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root;
        try {
            recordLines(factory, content, lines, source);
            root = mapper.readTree(content);
        } catch (JsonProcessingException e) {
            throw syntaxError(source, format, e);
        } catch (IOException e) {
            throw new InvalidAgreementException(UNREADABLE, source, 0, null, e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new InvalidAgreementException(EMPTY_FILE, source, 0, null, "the file holds no agreement");
        }
        return new Reader(source, lines).agreement(new Field("", "", root));
    }

    /** The format of a file: by extension, else JSON when the content starts with '{', else YAML. */
    public static Format detect(String sourceName, String content) {
        Format byName = sourceName == null ? null : formatOfName(sourceName);
        if (byName != null) {
            return byName;
        }
        if (content != null) {
            String s = content.stripLeading();
            if (s.startsWith("\uFEFF")) {
                s = s.substring(1).stripLeading();
            }
            if (s.startsWith("{")) {
                return Format.JSON;
            }
        }
        return Format.YAML;
    }

    private static Format formatOfName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".yaml") || n.endsWith(".yml")) {
            return Format.YAML;
        }
        if (n.endsWith(".json")) {
            return Format.JSON;
        }
        return null;
    }

    // ---- line numbers

    /**
     * Streams the document once to remember the line of every field and array element, keyed by
     * JSON pointer, and to refuse files with more than one document.
     */
    private static void recordLines(JsonFactory factory, String content, Map<String, Integer> lines, String source)
            throws IOException {
        try (JsonParser p = factory.createParser(content)) {
            JsonToken t;
            int depth = 0;
            boolean rootDone = false;
            while ((t = p.nextToken()) != null) {
                if (rootDone) {
                    throw new InvalidAgreementException(MULTIPLE_DOCUMENTS, source, p.currentTokenLocation().getLineNr(),
                            null, "more than one document; one agreement per file");
                }
                JsonStreamContext ctx = p.getParsingContext();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    ctx = ctx.getParent();
                }
                if (ctx != null && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
                    lines.putIfAbsent(ctx.pathAsPointer().toString(), p.currentTokenLocation().getLineNr());
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
                if (depth == 0 && t != JsonToken.FIELD_NAME) {
                    rootDone = true;
                }
            }
        }
    }

    private static InvalidAgreementException syntaxError(String source, Format format, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        String msg = e.getOriginalMessage();
        if (msg != null && msg.startsWith("Duplicate field '")) {
            int end = msg.indexOf('\'', 17);
            String name = end > 17 ? msg.substring(17, end) : null;
            return new InvalidAgreementException(DUPLICATE_FIELD, source, line, name,
                    "given more than once");
        }
        String first = msg == null ? e.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg);
        return new InvalidAgreementException(NOT_PARSEABLE, source, line, null,
                "not valid " + format + ": " + first);
    }

    // ---- reading the tree

    /** A node with its display path ({@code channels[1].settings.url}) and JSON pointer. */
    private record Field(String path, String pointer, JsonNode node) {
        Field child(String name) {
            return new Field(path.isEmpty() ? name : path + "." + name,
                    pointer + "/" + name.replace("~", "~0").replace("/", "~1"), node.get(name));
        }

        Field element(int i) {
            return new Field(path + "[" + i + "]", pointer + "/" + i, node.get(i));
        }

        boolean absent() {
            return node == null || node.isNull() || node.isMissingNode();
        }
    }

    private static final class Reader {
        private final String source;
        private final Map<String, Integer> lines;

        Reader(String source, Map<String, Integer> lines) {
            this.source = source;
            this.lines = lines;
        }

        InvalidAgreementException error(String code, Field f, String detail) {
            Integer line = lines.get(f.pointer());
            return new InvalidAgreementException(code, source, line == null ? 0 : line,
                    f.path().isEmpty() ? null : f.path(), detail);
        }

        PartnerAgreement agreement(Field root) {
            if (!root.node().isObject()) {
                throw error(WRONG_TYPE, root, "an agreement file holds one object (field: value pairs), found "
                        + describe(root.node()));
            }
            knownFields(root, TOP_FIELDS);

            PartnerAgreement.Builder b = PartnerAgreement.newBuilder();

            Field partnerId = root.child("partner_id");
            String id = text(partnerId, true);
            if (!ThreatlineTopics.PARTNER_ID.matcher(id).matches()) {
                throw error(INVALID_PARTNER_ID, partnerId, "'" + id + "' must be 1-63 lower-case letters, digits"
                        + " or '-', starting with a letter or digit (it is used in topic names)");
            }
            if (ThreatlineTopics.RESERVED_PARTNER_IDS.contains(id)) {
                // The partner id is also its Kafka user: "admin" would take over the super user.
                throw error(INVALID_PARTNER_ID, partnerId, "'" + id + "' is reserved: Threatline uses it for itself (reserved: "
                        + ThreatlineTopics.RESERVED_PARTNER_IDS.stream().sorted().toList() + ")");
            }
            b.setPartnerId(id);
            b.setPartnerName(text(root.child("partner_name"), true));
            b.setAgreementId(text(root.child("agreement_id"), true));

            Field version = root.child("version");
            int v = integer(version, true, 0);
            if (v < 1) {
                throw error(INVALID_VERSION, version, "must be 1 or more, was " + v);
            }
            b.setVersion(v);

            Field validFrom = root.child("valid_from");
            Instant from = instant(validFrom, true);
            b.setValidFrom(from);
            Field validUntil = root.child("valid_until");
            Field term = root.child("term");
            Instant until = null;
            if (!validUntil.absent() && !term.absent()) {
                throw error(CONFLICTING_FIELDS, term, "give either valid_until or term, not both");
            }
            if (!validUntil.absent()) {
                until = instant(validUntil, false);
                if (!until.isAfter(from)) {
                    throw error(INVALID_PERIOD, validUntil, "must be after valid_from (" + from + "), was " + until);
                }
            } else if (!term.absent()) {
                until = addTerm(term, from);
            }
            b.setValidUntil(until);

            b.setDataKinds(dataKinds(root.child("data_kinds")));

            Field ceiling = root.child("tlp_ceiling");
            String tlpText = text(ceiling, true);
            Tlp tlp = Tlp2.parse(tlpText).orElseThrow(() -> error(INVALID_TLP, ceiling, "'" + tlpText
                    + "' is not a TLP 2.0 marking; use TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED"
                    + (tlpText.toUpperCase(Locale.ROOT).contains("WHITE") ? " (TLP 1.0 WHITE is TLP:CLEAR)" : "")));
            b.setTlpCeiling(tlp);

            b.setScope(scope(root.child("scope")));
            b.setRedaction(redaction(root.child("redaction")));

            Field embargo = root.child("embargo");
            long embargoMillis = 0;
            if (!embargo.absent()) {
                Duration d = duration(embargo);
                if (d.isNegative()) {
                    throw error(NEGATIVE_EMBARGO, embargo, "must not be negative, was " + d);
                }
                try {
                    embargoMillis = d.toMillis();
                } catch (ArithmeticException e) {
                    throw error(INVALID_DURATION, embargo, "is too long: " + d);
                }
            }
            b.setEmbargoMillis(embargoMillis);

            Field redistribution = root.child("redistribution");
            boolean allowed = false;
            String redistributionScope = null;
            if (!redistribution.absent()) {
                object(redistribution);
                knownFields(redistribution, REDISTRIBUTION_FIELDS);
                allowed = bool(redistribution.child("allowed"), false);
                Field rs = redistribution.child("scope");
                if (!rs.absent()) {
                    redistributionScope = text(rs, true);
                    if (!allowed) {
                        throw error(INVALID_VALUE, rs, "a redistribution scope needs allowed: true");
                    }
                }
            }
            b.setRedistributionAllowed(allowed);
            b.setRedistributionScope(redistributionScope);

            Field minCount = root.child("statistics_minimum_count");
            int k = integer(minCount, false, 5);
            if (k < 1) {
                throw error(INVALID_VALUE, minCount, "must be 1 or more, was " + k);
            }
            b.setStatisticsMinimumCount(k);

            Field onEnd = root.child("on_end");
            if (!onEnd.absent()) {
                String name = text(onEnd, true);
                AgreementEnd end = enumValue(AgreementEnd.class, name);
                if (end == null) {
                    throw error(INVALID_VALUE, onEnd, "'" + name + "' is not revoke or keep");
                }
                b.setOnEnd(end);
            }

            b.setChannels(channels(root.child("channels")));
            return b.build();
        }

        private Instant addTerm(Field term, Instant from) {
            String t = text(term, true);
            try {
                Instant until;
                if (t.toUpperCase(Locale.ROOT).contains("T")) {
                    Duration d = Duration.parse(t);
                    until = d.isNegative() || d.isZero() ? null : from.plus(d);
                } else {
                    Period p = Period.parse(t);
                    until = p.isNegative() || p.isZero() ? null
                            : from.atOffset(ZoneOffset.UTC).plus(p).toInstant();
                }
                if (until == null) {
                    throw error(INVALID_PERIOD, term, "must be positive, was " + t);
                }
                return until;
            } catch (DateTimeParseException | ArithmeticException e) {
                throw error(INVALID_DURATION, term, "'" + t + "' is not an ISO-8601 period or duration such as P3Y,"
                        + " P18M or PT72H");
            }
        }

        private List<DataKind> dataKinds(Field f) {
            List<String> names = strings(f, true);
            if (names.isEmpty()) {
                throw error(MISSING_FIELD, f, "grant at least one of indicators, statistics, trends");
            }
            LinkedHashSet<DataKind> kinds = new LinkedHashSet<>();
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                DataKind kind = enumValue(DataKind.class, n);
                if (kind == null || kind == DataKind.UNKNOWN) {
                    throw error(UNKNOWN_DATA_KIND, f.element(i), "'" + n
                            + "' is not a data kind; use indicators, statistics or trends");
                }
                kinds.add(kind);
            }
            return new ArrayList<>(kinds);
        }

        private AgreementScope scope(Field f) {
            AgreementScope.Builder s = AgreementScope.newBuilder();
            if (f.absent()) {
                return s.build();
            }
            object(f);
            knownFields(f, SCOPE_FIELDS);
            Field types = f.child("indicator_types");
            List<String> typeNames = strings(types, false);
            LinkedHashSet<IndicatorType> ts = new LinkedHashSet<>();
            for (int i = 0; i < typeNames.size(); i++) {
                String n = typeNames.get(i);
                IndicatorType type = enumValue(IndicatorType.class, n);
                if (type == null || type == IndicatorType.UNKNOWN) {
                    throw error(UNKNOWN_INDICATOR_TYPE, types.element(i), "'" + n
                            + "' is not an indicator type; use ipv4, ipv6, domain, url, md5, sha1, sha256 or email");
                }
                ts.add(type);
            }
            s.setIndicatorTypes(new ArrayList<>(ts));
            s.setMalwareFamilies(distinct(strings(f.child("malware_families"), false)));
            s.setCampaigns(distinct(strings(f.child("campaigns"), false)));
            Field conf = f.child("minimum_confidence");
            int c = integer(conf, false, 0);
            if (c < 0 || c > 100) {
                throw error(CONFIDENCE_OUT_OF_RANGE, conf, "must be 0 to 100, was " + c);
            }
            s.setMinimumConfidence(c);
            Field countries = f.child("countries");
            List<String> cs = strings(countries, false);
            for (int i = 0; i < cs.size(); i++) {
                if (!COUNTRY.matcher(cs.get(i)).matches()) {
                    throw error(INVALID_COUNTRY, countries.element(i), "'" + cs.get(i)
                            + "' is not an ISO 3166-1 alpha-2 code in two upper-case letters, such as DE");
                }
            }
            s.setCountries(distinct(cs));
            return s.build();
        }

        private Redaction redaction(Field f) {
            Redaction.Builder r = Redaction.newBuilder();
            if (f.absent()) {
                return r.build();
            }
            object(f);
            knownFields(f, REDACTION_FIELDS);
            r.setDropProviderAttribution(bool(f.child("drop_provider_attribution"), true));
            r.setDropSensorIds(bool(f.child("drop_sensor_ids"), true));
            r.setObfuscateAffectedParties(bool(f.child("obfuscate_affected_parties"), true));
            return r.build();
        }

        private List<ChannelSettings> channels(Field f) {
            List<ChannelSettings> result = new ArrayList<>();
            if (f.absent()) {
                return result;
            }
            if (!f.node().isArray()) {
                throw error(WRONG_TYPE, f, "must be a list of {channel, settings}, found " + describe(f.node()));
            }
            for (int i = 0; i < f.node().size(); i++) {
                Field c = f.element(i);
                object(c);
                knownFields(c, CHANNEL_FIELDS);
                Field ch = c.child("channel");
                String name = text(ch, true);
                DeliveryChannel channel = enumValue(DeliveryChannel.class, name);
                if (channel == null || channel == DeliveryChannel.UNKNOWN) {
                    throw error(UNKNOWN_CHANNEL, ch, "'" + name
                            + "' is not a delivery channel; use kafka, taxii, syslog, webhook or files");
                }
                result.add(ChannelSettings.newBuilder().setChannel(channel).setSettings(settings(c.child("settings")))
                        .build());
            }
            return result;
        }

        private Map<String, String> settings(Field f) {
            Map<String, String> settings = new LinkedHashMap<>();
            if (f.absent()) {
                return settings;
            }
            object(f);
            Iterator<Map.Entry<String, JsonNode>> it = f.node().fields();
            while (it.hasNext()) {
                String key = it.next().getKey();
                Field s = f.child(key);
                if (s.absent() || !s.node().isValueNode()) {
                    throw error(WRONG_TYPE, s, "a setting must be a single value (text, number or boolean), found "
                            + describe(s.node()));
                }
                String value = s.node().asText();
                boolean reference = ENV_REFERENCE.matcher(value).matches() || SECRET_REFERENCE.matcher(value).matches();
                if (ANY_ENV_REFERENCE.matcher(value).find() && !ENV_REFERENCE.matcher(value).matches()) {
                    throw error(LITERAL_SECRET, s, "an agreement may refer only to variables meant for agreements, "
                            + "${THREATLINE_SECRET_<NAME>}, as the whole value; give ${THREATLINE_SECRET_" + envName(key)
                            + "} or secret:<name>");
                }
                if (namesSecret(key) && !reference) {
                    throw error(LITERAL_SECRET, s, "secrets live elsewhere: give a reference such as ${THREATLINE_SECRET_"
                            + envName(key) + "} or secret:<name> instead of a literal value");
                }
                if (URL_WITH_PASSWORD.matcher(value).matches()) {
                    throw error(LITERAL_SECRET, s, "secrets live elsewhere: the URL carries a password;"
                            + " put it in a separate setting as ${THREATLINE_SECRET_<NAME>} or secret:<name>");
                }
                settings.put(key, value);
            }
            return settings;
        }

        private static boolean namesSecret(String key) {
            for (String word : key.split("[_.-]|(?<=[a-z0-9])(?=[A-Z])")) {
                if (SECRET_WORD.matcher(word).matches()) {
                    return true;
                }
            }
            return false;
        }

        // ---- primitives

        private void object(Field f) {
            if (f.absent() || !f.node().isObject()) {
                throw error(WRONG_TYPE, f, "must be an object (field: value pairs), found " + describe(f.node()));
            }
        }

        private void knownFields(Field f, Set<String> known) {
            Iterator<String> names = f.node().fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!known.contains(name)) {
                    String suggestion = closest(name, known);
                    throw error(UNKNOWN_FIELD, f.child(name), "unknown field"
                            + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
                            + "; known here: " + String.join(", ", known));
                }
            }
        }

        private String text(Field f, boolean required) {
            if (f.absent()) {
                if (required) {
                    throw error(MISSING_FIELD, f, "required field is missing");
                }
                return null;
            }
            if (!f.node().isTextual() && !f.node().isNumber()) {
                throw error(WRONG_TYPE, f, "must be text, found " + describe(f.node()));
            }
            String s = f.node().asText().strip();
            if (s.isEmpty()) {
                throw error(MISSING_FIELD, f, "must not be empty");
            }
            return s;
        }

        private int integer(Field f, boolean required, int dflt) {
            if (f.absent()) {
                if (required) {
                    throw error(MISSING_FIELD, f, "required field is missing");
                }
                return dflt;
            }
            if (!f.node().isIntegralNumber()) {
                throw error(WRONG_TYPE, f, "must be a whole number, found " + describe(f.node()));
            }
            if (!f.node().canConvertToInt()) {
                throw error(INVALID_VALUE, f, "is out of range: " + f.node().asText());
            }
            return f.node().intValue();
        }

        private boolean bool(Field f, boolean dflt) {
            if (f.absent()) {
                return dflt;
            }
            if (!f.node().isBoolean()) {
                throw error(WRONG_TYPE, f, "must be true or false, found " + describe(f.node()));
            }
            return f.node().booleanValue();
        }

        private List<String> strings(Field f, boolean required) {
            if (f.absent()) {
                if (required) {
                    throw error(MISSING_FIELD, f, "required field is missing");
                }
                return List.of();
            }
            if (!f.node().isArray()) {
                throw error(WRONG_TYPE, f, "must be a list, found " + describe(f.node()));
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < f.node().size(); i++) {
                Field e = f.element(i);
                if (e.absent()) {
                    throw error(MISSING_FIELD, e, "list entry must not be empty");
                }
                out.add(text(e, true));
            }
            return out;
        }

        private Instant instant(Field f, boolean required) {
            String s = text(f, required);
            try {
                if (DATE.matcher(s).matches()) {
                    return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
                }
                Instant i = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
                return Instant.ofEpochMilli(i.toEpochMilli());
            } catch (DateTimeException | ArithmeticException e) {
                throw error(INVALID_DATE, f, "'" + s + "' is not an ISO date (2026-01-01) or an instant with an"
                        + " offset (2026-01-01T08:00:00Z)");
            }
        }

        private Duration duration(Field f) {
            String s = text(f, true);
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw error(INVALID_DURATION, f, "'" + s + "' is not an ISO-8601 duration such as PT6H, PT30M or P2D");
            }
        }
    }

    private static List<String> distinct(List<String> values) {
        return new ArrayList<>(new LinkedHashSet<>(values));
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name) {
        String n = name.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(n)) {
                return e;
            }
        }
        return null;
    }

    private static String envName(String key) {
        String n = key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
        return n.isEmpty() || Character.isDigit(n.charAt(0)) ? "_" + n : n;
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return "nothing";
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isBoolean()) {
            return "a boolean (" + n.asText() + ")";
        }
        if (n.isNumber()) {
            return "a number (" + n.asText() + ")";
        }
        String t = n.asText();
        return "text ('" + (t.length() > 40 ? t.substring(0, 40) + "...'" : t + "'") + ")";
    }

    private static String closest(String name, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = levenshtein(name.toLowerCase(Locale.ROOT), k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Set<String> orderedSet(String... names) {
        return new LinkedHashSet<>(Arrays.asList(names));
    }

    // ---- writing

    /**
     * The agreement in this file format, as YAML, every field spelled out (defaults included) so
     * that what is in force can be read without knowing the defaults. {@link #parse} of the result
     * gives back an equal agreement (valid_until is written as a date or instant, never as a term).
     */
    public static String toYaml(PartnerAgreement a) {
        JsonNodeFactory nf = JsonNodeFactory.instance;
        ObjectNode root = nf.objectNode();
        root.put("partner_id", a.getPartnerId());
        root.put("partner_name", a.getPartnerName());
        root.put("agreement_id", a.getAgreementId());
        root.put("version", a.getVersion());
        root.put("valid_from", when(a.getValidFrom()));
        if (a.getValidUntil() != null) {
            root.put("valid_until", when(a.getValidUntil()));
        }
        ArrayNode kinds = root.putArray("data_kinds");
        a.getDataKinds().forEach(k -> kinds.add(k.name().toLowerCase(Locale.ROOT)));
        root.put("tlp_ceiling", Tlp2.label(a.getTlpCeiling()));
        AgreementScope s = a.getScope();
        ObjectNode scope = root.putObject("scope");
        ArrayNode types = scope.putArray("indicator_types");
        s.getIndicatorTypes().forEach(t -> types.add(t.name().toLowerCase(Locale.ROOT)));
        ArrayNode families = scope.putArray("malware_families");
        s.getMalwareFamilies().forEach(families::add);
        ArrayNode campaigns = scope.putArray("campaigns");
        s.getCampaigns().forEach(campaigns::add);
        scope.put("minimum_confidence", s.getMinimumConfidence());
        ArrayNode countries = scope.putArray("countries");
        s.getCountries().forEach(countries::add);
        Redaction r = a.getRedaction();
        ObjectNode redaction = root.putObject("redaction");
        redaction.put("drop_provider_attribution", r.getDropProviderAttribution());
        redaction.put("drop_sensor_ids", r.getDropSensorIds());
        redaction.put("obfuscate_affected_parties", r.getObfuscateAffectedParties());
        root.put("embargo", Duration.ofMillis(a.getEmbargoMillis()).toString());
        ObjectNode redistribution = root.putObject("redistribution");
        redistribution.put("allowed", a.getRedistributionAllowed());
        if (a.getRedistributionScope() != null) {
            redistribution.put("scope", a.getRedistributionScope());
        }
        root.put("statistics_minimum_count", a.getStatisticsMinimumCount());
        root.put("on_end", a.getOnEnd().name().toLowerCase(Locale.ROOT));
        ArrayNode channels = root.putArray("channels");
        for (ChannelSettings c : a.getChannels()) {
            ObjectNode ch = channels.addObject();
            ch.put("channel", c.getChannel().name().toLowerCase(Locale.ROOT));
            ObjectNode settings = ch.putObject("settings");
            c.getSettings().forEach((k, v) -> settings.put(k.toString(), v == null ? null : v.toString()));
        }
        try {
            return YAML_WRITER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write agreement as YAML", e);
        }
    }

    private static String when(Instant instant) {
        if (instant.atOffset(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
        }
        return instant.toString();
    }
}
