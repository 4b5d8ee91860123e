package io.threatline.agreements.files;

import static io.threatline.agreements.files.AgreementFiles.CONFIDENCE_OUT_OF_RANGE;
import static io.threatline.agreements.files.AgreementFiles.CONFLICTING_FIELDS;
import static io.threatline.agreements.files.AgreementFiles.INVALID_COUNTRY;
import static io.threatline.agreements.files.AgreementFiles.INVALID_DATE;
import static io.threatline.agreements.files.AgreementFiles.INVALID_DURATION;
import static io.threatline.agreements.files.AgreementFiles.INVALID_PARTNER_ID;
import static io.threatline.agreements.files.AgreementFiles.INVALID_PERIOD;
import static io.threatline.agreements.files.AgreementFiles.INVALID_TLP;
import static io.threatline.agreements.files.AgreementFiles.INVALID_VALUE;
import static io.threatline.agreements.files.AgreementFiles.INVALID_VERSION;
import static io.threatline.agreements.files.AgreementFiles.LITERAL_SECRET;
import static io.threatline.agreements.files.AgreementFiles.MISSING_FIELD;
import static io.threatline.agreements.files.AgreementFiles.NEGATIVE_EMBARGO;
import static io.threatline.agreements.files.AgreementFiles.UNKNOWN_CHANNEL;
import static io.threatline.agreements.files.AgreementFiles.UNKNOWN_DATA_KIND;
import static io.threatline.agreements.files.AgreementFiles.UNKNOWN_FIELD;
import static io.threatline.agreements.files.AgreementFiles.UNKNOWN_INDICATOR_TYPE;
import static io.threatline.agreements.files.AgreementFiles.WRONG_TYPE;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.contract.AgreementEnd;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DataKind;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.InboundTerms;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PersonalDataHandling;
import io.threatline.contract.Redaction;
import io.threatline.contract.ReportKind;
import io.threatline.contract.Tlp;
import io.threatline.schemas.tlp.Tlp2;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one agreement document, already parsed into a tree, into a {@link PartnerAgreement},
 * checking every field as {@link AgreementFiles} documents and naming the file, line and field of
 * the first problem. Where the format's field names live ({@link FieldNames}) and how an agreement
 * is written back ({@link AgreementYaml}) are in their own classes.
 */
final class AgreementReader {

    private static final Set<String> TOP_FIELDS = FieldNames.orderedSet(
            "partner_id",
            "partner_name",
            "agreement_id",
            "version",
            "valid_from",
            "valid_until",
            "term",
            "data_kinds",
            "tlp_ceiling",
            "scope",
            "redaction",
            "embargo",
            "retention",
            "redistribution",
            "statistics_minimum_count",
            "on_end",
            "inbound",
            "channels");
    private static final Set<String> SCOPE_FIELDS = FieldNames.orderedSet(
            "indicator_types", "malware_families", "campaigns", "minimum_confidence", "countries");
    private static final Set<String> REDACTION_FIELDS = FieldNames.orderedSet(
            "drop_provider_attribution", "drop_sensor_ids", "obfuscate_affected_parties", "personal_data");
    private static final Set<String> REDISTRIBUTION_FIELDS = FieldNames.orderedSet("allowed", "scope");
    private static final Set<String> INBOUND_FIELDS =
            FieldNames.orderedSet("reports", "share_as", "false_positives_suppress");
    private static final Set<String> CHANNEL_FIELDS = FieldNames.orderedSet("channel", "settings");

    /** The shortest and longest retention an agreement may state. */
    static final Duration MIN_RETENTION = Duration.ofHours(1);

    static final Duration MAX_RETENTION = Duration.ofDays(3650);

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

    /** A node with its display path ({@code channels[1].settings.url}) and JSON pointer. */
    record Field(String path, String pointer, JsonNode node) {
        Field child(String name) {
            return new Field(
                    path.isEmpty() ? name : path + "." + name,
                    pointer + "/" + name.replace("~", "~0").replace("/", "~1"),
                    node.get(name));
        }

        Field element(int i) {
            return new Field(path + "[" + i + "]", pointer + "/" + i, node.get(i));
        }

        boolean absent() {
            return node == null || node.isNull() || node.isMissingNode();
        }
    }

    private final String source;
    private final Map<String, Integer> lines;

    AgreementReader(String source, Map<String, Integer> lines) {
        this.source = source;
        this.lines = lines;
    }

    InvalidAgreementException error(String code, Field f, String detail) {
        Integer line = lines.get(f.pointer());
        return new InvalidAgreementException(
                code, source, line == null ? 0 : line, f.path().isEmpty() ? null : f.path(), detail);
    }

    PartnerAgreement agreement(Field root) {
        if (!root.node().isObject()) {
            throw error(
                    WRONG_TYPE,
                    root,
                    "an agreement file holds one object (field: value pairs), found " + describe(root.node()));
        }
        knownFields(root, TOP_FIELDS);

        PartnerAgreement.Builder b = PartnerAgreement.newBuilder();

        Field partnerId = root.child("partner_id");
        String id = text(partnerId, true);
        if (!ThreatlineTopics.PARTNER_ID.matcher(id).matches()) {
            throw error(
                    INVALID_PARTNER_ID,
                    partnerId,
                    "'" + id + "' must be 1-63 lower-case letters, digits"
                            + " or '-', starting with a letter or digit (it is used in topic names)");
        }
        if (ThreatlineTopics.RESERVED_PARTNER_IDS.contains(id)) {
            // The partner id is also its Kafka user: "admin" would take over the super user.
            throw error(
                    INVALID_PARTNER_ID,
                    partnerId,
                    "'" + id + "' is reserved: Threatline uses it for itself (reserved: "
                            + ThreatlineTopics.RESERVED_PARTNER_IDS.stream()
                                    .sorted()
                                    .toList() + ")");
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
        Tlp tlp = Tlp2.parse(tlpText)
                .orElseThrow(() -> error(
                        INVALID_TLP,
                        ceiling,
                        "'" + tlpText
                                + "' is not a TLP 2.0 marking; use TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED"
                                + (tlpText.toUpperCase(Locale.ROOT).contains("WHITE")
                                        ? " (TLP 1.0 WHITE is TLP:CLEAR)"
                                        : "")));
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

        Field retention = root.child("retention");
        if (!retention.absent()) {
            Duration d = duration(retention);
            if (d.compareTo(MIN_RETENTION) < 0 || d.compareTo(MAX_RETENTION) > 0) {
                throw error(
                        INVALID_DURATION,
                        retention,
                        "must be from " + MIN_RETENTION + " to " + MAX_RETENTION
                                + " (how long the partner's feed is kept)," + " was " + d);
            }
            b.setRetentionMillis(d.toMillis());
        }

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

        b.setInbound(inbound(root.child("inbound")));
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
                until = p.isNegative() || p.isZero()
                        ? null
                        : from.atOffset(ZoneOffset.UTC).plus(p).toInstant();
            }
            if (until == null) {
                throw error(INVALID_PERIOD, term, "must be positive, was " + t);
            }
            return until;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw error(
                    INVALID_DURATION,
                    term,
                    "'" + t + "' is not an ISO-8601 period or duration such as P3Y," + " P18M or PT72H");
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
                throw error(
                        UNKNOWN_DATA_KIND,
                        f.element(i),
                        "'" + n + "' is not a data kind; use indicators, statistics, trends or sightings");
            }
            kinds.add(kind);
        }
        if (kinds.contains(DataKind.SIGHTINGS) && !kinds.contains(DataKind.INDICATORS)) {
            throw error(
                    INVALID_VALUE,
                    f,
                    "sightings adds partners' sighting counts to the indicators delivered; grant indicators too");
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
                throw error(
                        UNKNOWN_INDICATOR_TYPE,
                        types.element(i),
                        "'" + n
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
                throw error(
                        INVALID_COUNTRY,
                        countries.element(i),
                        "'" + cs.get(i) + "' is not an ISO 3166-1 alpha-2 code in two upper-case letters, such as DE");
            }
        }
        s.setCountries(distinct(cs));
        return s.build();
    }

    /** What the partner may report back (docs/sharing-back.md); absent: nothing. */
    private InboundTerms inbound(Field f) {
        if (f.absent()) {
            return null;
        }
        object(f);
        knownFields(f, INBOUND_FIELDS);
        Field reports = f.child("reports");
        List<String> names = strings(reports, true);
        LinkedHashSet<ReportKind> kinds = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            ReportKind kind = enumValue(ReportKind.class, n);
            if (kind == null || kind == ReportKind.UNKNOWN) {
                throw error(
                        INVALID_VALUE,
                        reports.element(i),
                        "'" + n + "' is not a kind of report; use sighting, false_positive or indicator");
            }
            kinds.add(kind);
        }
        Field shareAs = f.child("share_as");
        String label = text(shareAs, true);
        Tlp tlp = Tlp2.parse(label).orElse(Tlp.UNKNOWN);
        if (tlp == Tlp.UNKNOWN) {
            throw error(
                    INVALID_TLP,
                    shareAs,
                    "'" + label
                            + "' is not a TLP 2.0 label; use TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or TLP:RED");
        }
        if (!Tlp2.atOrBelow(tlp, Tlp.AMBER)) {
            throw error(
                    INVALID_TLP,
                    shareAs,
                    Tlp2.label(tlp)
                            + " forbids sharing reports onwards; share_as is TLP:CLEAR, TLP:GREEN or TLP:AMBER");
        }
        return InboundTerms.newBuilder()
                .setReports(new ArrayList<>(kinds))
                .setShareAs(tlp)
                .setFalsePositivesSuppress(bool(f.child("false_positives_suppress"), false))
                .build();
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
        Field personal = f.child("personal_data");
        if (!personal.absent()) {
            String text = text(personal, true);
            PersonalDataHandling handling = enumValue(PersonalDataHandling.class, text);
            if (handling == null) {
                throw error(INVALID_VALUE, personal, "'" + text + "' is not one of keep, mask, withhold");
            }
            r.setPersonalData(handling);
        }
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
                throw error(
                        UNKNOWN_CHANNEL,
                        ch,
                        "'" + name + "' is not a delivery channel; use kafka, taxii, syslog, webhook or files");
            }
            result.add(ChannelSettings.newBuilder()
                    .setChannel(channel)
                    .setSettings(settings(c.child("settings")))
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
                throw error(
                        WRONG_TYPE,
                        s,
                        "a setting must be a single value (text, number or boolean), found " + describe(s.node()));
            }
            String value = s.node().asText();
            boolean reference = ENV_REFERENCE.matcher(value).matches()
                    || SECRET_REFERENCE.matcher(value).matches();
            if (ANY_ENV_REFERENCE.matcher(value).find()
                    && !ENV_REFERENCE.matcher(value).matches()) {
                throw error(
                        LITERAL_SECRET,
                        s,
                        "an agreement may refer only to variables meant for agreements, "
                                + "${THREATLINE_SECRET_<NAME>}, as the whole value; give ${THREATLINE_SECRET_"
                                + envName(key)
                                + "} or secret:<name>");
            }
            if (namesSecret(key) && !reference) {
                throw error(
                        LITERAL_SECRET,
                        s,
                        "secrets live elsewhere: give a reference such as ${THREATLINE_SECRET_" + envName(key)
                                + "} or secret:<name> instead of a literal value");
            }
            if (URL_WITH_PASSWORD.matcher(value).matches()) {
                throw error(
                        LITERAL_SECRET,
                        s,
                        "secrets live elsewhere: the URL carries a password;"
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
                String suggestion = FieldNames.closest(name, known);
                throw error(
                        UNKNOWN_FIELD,
                        f.child(name),
                        "unknown field"
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
            Instant i = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
            return Instant.ofEpochMilli(i.toEpochMilli());
        } catch (DateTimeException | ArithmeticException e) {
            throw error(
                    INVALID_DATE,
                    f,
                    "'" + s + "' is not an ISO date (2026-01-01) or an instant with an"
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
}
