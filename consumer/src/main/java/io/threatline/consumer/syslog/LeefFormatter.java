package io.threatline.consumer.syslog;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerIndicator;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Formats a {@link PartnerIndicator} as one IBM QRadar LEEF 2.0 line:
 * {@code LEEF:2.0|Threatline|Threatline Hub|1.0|<eventId>|^|key=value^key=value...}, the
 * attribute delimiter {@code ^} (x5E) being declared in the sixth header field.
 *
 * <p>Event id: {@code indicator-<action>} in lower case, e.g. {@code indicator-revoke}.
 *
 * <p>Escaping: in header fields {@code \} becomes {@code \\} and {@code |} becomes {@code \|} (the
 * only escape the LEEF specification defines); CR and LF become a space. Attribute values have no
 * escape a LEEF reader undoes: QRadar splits the attributes at every delimiter and each pair at its
 * first {@code =}. So a value is written as it is, except that it never holds the delimiter, a
 * pipe or a line break: {@code ^} is written {@code %5E} and {@code |} is written {@code %7C} (as a
 * URL encodes them; some LEEF readers cut the attributes at the first {@code |} they meet after the
 * header), CR and LF become a space. A value can therefore never end its attribute early or add an
 * attribute of its own (a tag {@code x^sev=10} arrives as {@code x%5Esev=10} in {@code tags});
 * {@code \}, {@code =} and {@code %} stay as they are, so the change cannot be undone exactly (a
 * {@code %5E} that was in the value looks the same) — the JSON channels carry values unchanged.
 * Values are trimmed and truncated to {@value #MAX_VALUE} chars at a code-point boundary before
 * this, lists are joined with {@code ,}, and empty values are left out.
 *
 * <table>
 *   <caption>Attribute mapping</caption>
 *   <tr><th>LEEF key</th><th>PartnerIndicator field</th></tr>
 *   <tr><td>devTime</td><td>sharedAt, as {@code yyyy-MM-dd'T'HH:mm:ss.SSSZ} in UTC (given in
 *       devTimeFormat)</td></tr>
 *   <tr><td>devTimeFormat</td><td>the constant {@code yyyy-MM-dd'T'HH:mm:ss.SSSZ}</td></tr>
 *   <tr><td>cat</td><td>the constant {@code threat-indicator}</td></tr>
 *   <tr><td>sev</td><td>severity 1..10 (as {@link Severity}, 0 raised to 1, LEEF's minimum)</td></tr>
 *   <tr><td>src</td><td>value, for IPV4/IPV6 single addresses</td></tr>
 *   <tr><td>url</td><td>value, for URL</td></tr>
 *   <tr><td>domain</td><td>value, for DOMAIN</td></tr>
 *   <tr><td>fileHash</td><td>value, for MD5, SHA1, SHA256</td></tr>
 *   <tr><td>srcEmail</td><td>value, for EMAIL</td></tr>
 *   <tr><td>action</td><td>action</td></tr>
 *   <tr><td>indicatorId, indicatorType, indicatorValue</td><td>indicatorId, type, value</td></tr>
 *   <tr><td>confidence, score, tlp</td><td>same names</td></tr>
 *   <tr><td>malwareFamilies, campaigns, tags, killChainPhases, vendors, sensors</td>
 *       <td>same names, comma-joined</td></tr>
 *   <tr><td>country, asn</td><td>same names</td></tr>
 *   <tr><td>firstSeen, lastSeen, validUntil</td><td>same names, ISO-8601 UTC with millis</td></tr>
 *   <tr><td>partnerId, agreementId, agreementVersion</td><td>same names</td></tr>
 *   <tr><td>redistributionAllowed, redistributionScope</td><td>same names</td></tr>
 * </table>
 */
public final class LeefFormatter {

    /** The attribute delimiter declared in the header. */
    public static final char DELIMITER = '^';

    /** Maximum length of an attribute value, in chars. */
    public static final int MAX_VALUE = FieldText.MAX_VALUE;

    static final String DEV_TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";

    private static final DateTimeFormatter DEV_TIME =
            DateTimeFormatter.ofPattern(DEV_TIME_FORMAT, Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * Formats the indicator as one LEEF 2.0 line without a trailing newline.
     *
     * @param indicator the indicator
     * @return the LEEF line
     */
    public String format(PartnerIndicator indicator) {
        StringBuilder out = new StringBuilder(512).append("LEEF:2.0");
        for (String h : new String[] {
            "Threatline",
            "Threatline Hub",
            "1.0",
            "indicator-" + String.valueOf(indicator.getAction()).toLowerCase(Locale.ROOT)
        }) {
            out.append('|').append(escapeHeader(h));
        }
        out.append('|').append(DELIMITER).append('|');
        FieldText.appendPairs(out, attributes(indicator), String.valueOf(DELIMITER), LeefFormatter::escapeValue);
        return out.toString();
    }

    /**
     * The attributes, in output order, with normalised but unescaped values.
     *
     * @param i the indicator
     * @return key to value, insertion-ordered
     */
    Map<String, String> attributes(PartnerIndicator i) {
        Map<String, String> x = new LinkedHashMap<>();
        String value = FieldText.normalise(i.getValue(), MAX_VALUE);
        put(x, "devTime", i.getSharedAt() == null ? null : DEV_TIME.format(i.getSharedAt()));
        put(x, "devTimeFormat", DEV_TIME_FORMAT);
        put(x, "cat", "threat-indicator");
        put(x, "sev", Integer.toString(Math.max(1, Severity.of(i))));
        IndicatorType type = i.getType();
        if (type != null) {
            switch (type) {
                case IPV4, IPV6 -> {
                    if (!value.contains("/")) {
                        put(x, "src", value);
                    }
                }
                case URL -> put(x, "url", value);
                case DOMAIN -> put(x, "domain", value);
                case MD5, SHA1, SHA256 -> put(x, "fileHash", value);
                case EMAIL -> put(x, "srcEmail", value);
                default -> {}
            }
        }
        put(x, "action", String.valueOf(i.getAction()));
        put(x, "indicatorId", i.getIndicatorId());
        put(x, "indicatorType", String.valueOf(type));
        put(x, "indicatorValue", value);
        put(x, "confidence", Integer.toString(i.getConfidence()));
        put(x, "score", Integer.toString(i.getScore()));
        put(x, "tlp", String.valueOf(i.getTlp()));
        put(x, "malwareFamilies", FieldText.join(i.getMalwareFamilies(), MAX_VALUE));
        put(x, "campaigns", FieldText.join(i.getCampaigns(), MAX_VALUE));
        put(x, "tags", FieldText.join(i.getTags(), MAX_VALUE));
        put(x, "killChainPhases", FieldText.join(i.getKillChainPhases(), MAX_VALUE));
        put(x, "vendors", FieldText.join(i.getVendors(), MAX_VALUE));
        put(x, "sensors", FieldText.join(i.getSensors(), MAX_VALUE));
        put(x, "country", i.getCountry());
        put(x, "asn", i.getAsn() == null ? null : i.getAsn().toString());
        put(x, "firstSeen", iso(i.getFirstSeen()));
        put(x, "lastSeen", iso(i.getLastSeen()));
        put(x, "validUntil", iso(i.getValidUntil()));
        put(x, "partnerId", i.getPartnerId());
        put(x, "agreementId", i.getAgreementId());
        put(x, "agreementVersion", Integer.toString(i.getAgreementVersion()));
        put(x, "redistributionAllowed", Boolean.toString(i.getRedistributionAllowed()));
        put(x, "redistributionScope", i.getRedistributionScope());
        return x;
    }

    private static String iso(Instant t) {
        return t == null ? null : ISO.format(t);
    }

    private static void put(Map<String, String> x, String key, String value) {
        FieldText.putIfPresent(x, key, value);
    }

    /**
     * Escapes a LEEF header field: backslash and pipe get a backslash, CR and LF become a space.
     *
     * @param s the raw text
     * @return the escaped text
     */
    static String escapeHeader(String s) {
        return CefFormatter.escapeHeader(s);
    }

    /** What the delimiter becomes in a value: its URL encoding. */
    static final String DELIMITER_IN_VALUE = "%5E";
    /** What a pipe becomes in a value: its URL encoding. */
    static final String PIPE_IN_VALUE = "%7C";

    /**
     * Makes a value safe between two delimiters: the delimiter becomes {@value #DELIMITER_IN_VALUE},
     * a pipe {@value #PIPE_IN_VALUE}, CR and LF a space; nothing else changes (see the class comment
     * for why).
     *
     * @param s the raw value
     * @return the value as written
     */
    static String escapeValue(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == DELIMITER) {
                b.append(DELIMITER_IN_VALUE);
            } else if (c == '|') {
                b.append(PIPE_IN_VALUE);
            } else if (c == '\r' || c == '\n') {
                b.append(' ');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
