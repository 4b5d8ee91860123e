package io.threatline.agreements.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.threatline.contract.PartnerAgreement;
import io.threatline.schemas.Result;
import io.threatline.schemas.config.DocumentLines;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * data_kinds: [indicators]              # required, at least one of indicators, statistics, trends;
 *                                       #   sightings adds partners' sighting counts to the
 *                                       #   indicators (needs indicators; docs/sharing-back.md)
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
 *   personal_data: keep                 # keep (default), mask (pseudonymous e-mail local parts)
 *                                       #   or withhold (no e-mail indicators)
 * embargo: PT6H                         # optional, default PT0S. ISO-8601 duration after the
 *                                       #   first sighting during which nothing is delivered
 * retention: P90D                       # optional. How long the partner's feed is kept: its topics
 *                                       #   and files outbox (docs/data-protection.md); PT1H to
 *                                       #   P3650D. Default: agreements apply --retention
 * redistribution:                       # optional. Default: allowed false, no scope
 *   allowed: true
 *   scope: INTERPOL member countries    # to whom; only together with allowed: true
 * statistics_minimum_count: 5           # optional, default 5, >= 1. Smaller counts are
 *                                       #   suppressed (k-anonymity)
 * on_end: revoke                        # optional, default revoke. When the agreement ends (ended,
 *                                       #   term over): revoke every indicator the partner holds,
 *                                       #   or keep them (no further record)
 * inbound:                              # optional. What the partner may report back
 *                                       #   (docs/sharing-back.md); absent: nothing
 *   reports: [sighting, false_positive] # required in inbound: sighting, false_positive, indicator
 *   share_as: TLP:AMBER                 # required in inbound: its reports go onwards at this TLP
 *                                       #   or its own marking, whichever is stricter
 *   false_positives_suppress: false     # optional, default false: an operator decides on its
 *                                       #   false-positive reports; true suppresses at once
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
    public enum Format {
        YAML,
        JSON
    }

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

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper(JSON);
    private static final ObjectMapper YAML_MAPPER = new ObjectMapper(YAML);

    private AgreementFiles() {}

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
            throw new InvalidAgreementException(
                    UNREADABLE, file.toString(), 0, null, "cannot read the file: " + e.getMessage());
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
            throw new InvalidAgreementException(
                    UNREADABLE, directory.toString(), 0, null, "cannot list the directory: " + e.getMessage());
        }
        Map<String, Path> seen = new HashMap<>();
        List<PartnerAgreement> agreements = new ArrayList<>();
        for (Path file : files) {
            PartnerAgreement a = load(file);
            Path earlier = seen.putIfAbsent(a.getPartnerId(), file);
            if (earlier != null) {
                throw new InvalidAgreementException(
                        DUPLICATE_PARTNER,
                        file.toString(),
                        0,
                        "partner_id",
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
        return new AgreementReader(source, lines).agreement(new AgreementReader.Field("", "", root));
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

    /** Remembers the line of every field ({@link DocumentLines}); refuses files with more than one document. */
    private static void recordLines(JsonFactory factory, String content, Map<String, Integer> lines, String source)
            throws IOException {
        int second = DocumentLines.record(factory, content, lines);
        if (second > 0) {
            throw new InvalidAgreementException(
                    MULTIPLE_DOCUMENTS, source, second, null, "more than one document; one agreement per file");
        }
    }

    private static InvalidAgreementException syntaxError(String source, Format format, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        String msg = e.getOriginalMessage();
        if (msg != null && msg.startsWith("Duplicate field '")) {
            int end = msg.indexOf('\'', 17);
            String name = end > 17 ? msg.substring(17, end) : null;
            return new InvalidAgreementException(DUPLICATE_FIELD, source, line, name, "given more than once");
        }
        String first = msg == null
                ? e.getClass().getSimpleName()
                : msg.lines().findFirst().orElse(msg);
        return new InvalidAgreementException(NOT_PARSEABLE, source, line, null, "not valid " + format + ": " + first);
    }

    // ---- writing

    /**
     * The agreement in this file format, as YAML, every field spelled out (defaults included) so
     * that what is in force can be read without knowing the defaults. {@link #parse} of the result
     * gives back an equal agreement (valid_until is written as a date or instant, never as a term).
     */
    public static String toYaml(PartnerAgreement a) {
        return AgreementYaml.write(a);
    }
}
