package io.threatline.consumer.syslog;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerIndicator;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Formats a {@link PartnerIndicator} as one ArcSight Common Event Format (CEF) line:
 * {@code CEF:0|Threatline|Threatline Hub|1.0|<signatureId>|<name>|<severity>|<extension>}.
 *
 * <p>Header: signature id {@code indicator-<action>} (action in lower case, e.g. {@code
 * indicator-new}); name {@code Threat indicator <ACTION>: <TYPE>}; severity 0..10 as documented in
 * {@link Severity} (NEW/UPDATE from score, or confidence when the score is 0; EXPIRE 1; REVOKE 0).
 * Header escaping: {@code \} becomes {@code \\}, {@code |} becomes {@code \|}, CR and LF become a
 * space.
 *
 * <p>Extension escaping: {@code \} becomes {@code \\}, {@code =} becomes {@code \=}, LF becomes the
 * two characters {@code \n}, CR the two characters {@code \r}. Pipes are not escaped in the
 * extension (CEF does not require it).
 *
 * <p>Values: every string value is trimmed of leading and trailing whitespace and control
 * characters (CEF delimits extension pairs by spaces, so edge whitespace cannot survive a parser)
 * and truncated to {@value #MAX_VALUE} characters (the length ArcSight keeps for most string
 * fields, e.g. {@code request}), at a code-point boundary. Lists are joined with {@code ,}. Empty
 * values (empty lists, null country/asn) are left out together with their label.
 *
 * <table>
 *   <caption>Extension mapping</caption>
 *   <tr><th>CEF key</th><th>label</th><th>PartnerIndicator field</th></tr>
 *   <tr><td>act</td><td></td><td>action (NEW, UPDATE, EXPIRE, REVOKE)</td></tr>
 *   <tr><td>externalId</td><td></td><td>indicatorId</td></tr>
 *   <tr><td>src</td><td></td><td>value, for IPV4/IPV6 single addresses (CIDR blocks are not
 *       addresses and are only in flexString1)</td></tr>
 *   <tr><td>dhost</td><td></td><td>value, for DOMAIN</td></tr>
 *   <tr><td>request</td><td></td><td>value, for URL</td></tr>
 *   <tr><td>fileHash</td><td></td><td>value, for MD5, SHA1, SHA256</td></tr>
 *   <tr><td>suser</td><td></td><td>value, for EMAIL (a sender address)</td></tr>
 *   <tr><td>flexString1</td><td>indicatorValue</td><td>value, always (any type)</td></tr>
 *   <tr><td>flexString2</td><td>country</td><td>country</td></tr>
 *   <tr><td>cs1</td><td>malwareFamilies</td><td>malwareFamilies</td></tr>
 *   <tr><td>cs2</td><td>campaigns</td><td>campaigns</td></tr>
 *   <tr><td>cs3</td><td>tlp</td><td>tlp (e.g. AMBER_STRICT)</td></tr>
 *   <tr><td>cs4</td><td>agreement</td><td>{@code <agreementId>@<agreementVersion>}</td></tr>
 *   <tr><td>cs5</td><td>tags</td><td>tags</td></tr>
 *   <tr><td>cs6</td><td>vendors</td><td>vendors</td></tr>
 *   <tr><td>cn1</td><td>confidence</td><td>confidence</td></tr>
 *   <tr><td>cn2</td><td>score</td><td>score</td></tr>
 *   <tr><td>cn3</td><td>asn</td><td>asn</td></tr>
 *   <tr><td>cat</td><td></td><td>killChainPhases</td></tr>
 *   <tr><td>start</td><td></td><td>firstSeen, epoch millis</td></tr>
 *   <tr><td>end</td><td></td><td>lastSeen, epoch millis</td></tr>
 *   <tr><td>deviceCustomDate1</td><td>validUntil</td><td>validUntil, epoch millis</td></tr>
 *   <tr><td>rt</td><td></td><td>sharedAt, epoch millis</td></tr>
 *   <tr><td>msg</td><td></td><td>{@code partner <partnerId>; redistribution allowed|not
 *       allowed[: <redistributionScope>]}</td></tr>
 * </table>
 *
 * <p>Not carried: sensors (no free standard slot; agreements normally redact them).
 */
public final class CefFormatter {

    /** Maximum length of an extension value, in chars. */
    public static final int MAX_VALUE = FieldText.MAX_VALUE;

    /** Maximum length of a header field, in chars. */
    public static final int MAX_HEADER = 512;

    private final String vendor;
    private final String product;
    private final String version;

    /** A formatter with vendor {@code Threatline}, product {@code Threatline Hub}, version 1.0. */
    public CefFormatter() {
        this("Threatline", "Threatline Hub", "1.0");
    }

    /**
     * A formatter with the given device header fields (escaped on output).
     *
     * @param vendor device vendor
     * @param product device product
     * @param version device version
     */
    public CefFormatter(String vendor, String product, String version) {
        this.vendor = vendor;
        this.product = product;
        this.version = version;
    }

    /**
     * Formats the indicator as one CEF line without a trailing newline.
     *
     * @param indicator the indicator
     * @return the CEF line
     */
    public String format(PartnerIndicator indicator) {
        String action = String.valueOf(indicator.getAction());
        StringBuilder out = new StringBuilder(512).append("CEF:0");
        for (String h : new String[] {
            vendor,
            product,
            version,
            "indicator-" + action.toLowerCase(java.util.Locale.ROOT),
            "Threat indicator " + action + ": " + indicator.getType(),
            Integer.toString(Severity.of(indicator))
        }) {
            out.append('|').append(escapeHeader(FieldText.normalise(h, MAX_HEADER)));
        }
        out.append('|');
        FieldText.appendPairs(out, extensions(indicator), " ", CefFormatter::escapeExtension);
        return out.toString();
    }

    /**
     * The extension pairs, in output order, with normalised but unescaped values.
     *
     * @param i the indicator
     * @return key to value, insertion-ordered
     */
    Map<String, String> extensions(PartnerIndicator i) {
        Map<String, String> x = new LinkedHashMap<>();
        String value = FieldText.normalise(i.getValue(), MAX_VALUE);
        put(x, "act", String.valueOf(i.getAction()));
        put(x, "externalId", i.getIndicatorId());
        IndicatorType type = i.getType();
        if (type != null) {
            switch (type) {
                case IPV4, IPV6 -> {
                    if (!value.contains("/")) {
                        put(x, "src", value);
                    }
                }
                case DOMAIN -> put(x, "dhost", value);
                case URL -> put(x, "request", value);
                case MD5, SHA1, SHA256 -> put(x, "fileHash", value);
                case EMAIL -> put(x, "suser", value);
                default -> {}
            }
        }
        labelled(x, "flexString1", "indicatorValue", value);
        labelled(x, "flexString2", "country", i.getCountry());
        labelled(x, "cs1", "malwareFamilies", FieldText.join(i.getMalwareFamilies(), MAX_VALUE));
        labelled(x, "cs2", "campaigns", FieldText.join(i.getCampaigns(), MAX_VALUE));
        labelled(x, "cs3", "tlp", String.valueOf(i.getTlp()));
        labelled(x, "cs4", "agreement", i.getAgreementId() + "@" + i.getAgreementVersion());
        labelled(x, "cs5", "tags", FieldText.join(i.getTags(), MAX_VALUE));
        labelled(x, "cs6", "vendors", FieldText.join(i.getVendors(), MAX_VALUE));
        labelled(x, "cn1", "confidence", Integer.toString(i.getConfidence()));
        labelled(x, "cn2", "score", Integer.toString(i.getScore()));
        labelled(x, "cn3", "asn", i.getAsn() == null ? null : i.getAsn().toString());
        put(x, "cat", FieldText.join(i.getKillChainPhases(), MAX_VALUE));
        put(x, "start", millis(i.getFirstSeen()));
        put(x, "end", millis(i.getLastSeen()));
        labelled(x, "deviceCustomDate1", "validUntil", millis(i.getValidUntil()));
        put(x, "rt", millis(i.getSharedAt()));
        String redistribution = i.getRedistributionAllowed()
                ? "redistribution allowed"
                        + (i.getRedistributionScope() == null ? "" : ": " + i.getRedistributionScope())
                : "redistribution not allowed";
        put(x, "msg", "partner " + i.getPartnerId() + "; " + redistribution);
        return x;
    }

    private static String millis(Instant t) {
        return t == null ? null : Long.toString(t.toEpochMilli());
    }

    private static void put(Map<String, String> x, String key, String value) {
        FieldText.putIfPresent(x, key, value);
    }

    private static void labelled(Map<String, String> x, String key, String label, String value) {
        String v = FieldText.normalise(value, MAX_VALUE);
        if (!v.isEmpty()) {
            x.put(key + "Label", label);
            x.put(key, v);
        }
    }

    /**
     * Escapes a CEF header field: backslash and pipe get a backslash, CR and LF become a space.
     *
     * @param s the raw text
     * @return the escaped text
     */
    static String escapeHeader(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '|' -> b.append("\\|");
                case '\r', '\n' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Escapes a CEF extension value: backslash and equals sign get a backslash, LF becomes {@code
     * \n} and CR becomes {@code \r}.
     *
     * @param s the raw value
     * @return the escaped value
     */
    static String escapeExtension(String s) {
        return FieldText.escapeValue(s, '=');
    }
}
