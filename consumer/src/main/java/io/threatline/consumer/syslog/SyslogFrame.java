package io.threatline.consumer.syslog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Builds RFC 5424 syslog messages and frames them with RFC 6587 octet counting for TCP.
 *
 * <p>Message: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG}, where PRI is facility
 * times 8 plus severity, TIMESTAMP is RFC 3339 in UTC with milliseconds and {@code Z} (e.g.
 * {@code 2026-11-29T10:00:00.123Z}), structured data is always the NILVALUE {@code -}, and any
 * empty header field is written as the NILVALUE. APP-NAME defaults to {@code threatline} and
 * MSGID to {@code indicator}. MSG is the UTF-8 text as given, without a byte-order mark.
 *
 * <p>Framing: {@code <octet count> SP <message>}, the count being the length of the message in
 * UTF-8 bytes (RFC 6587 section 3.4.1). No trailer is added.
 *
 * <p>Header fields must be printable US-ASCII without spaces and within RFC 5424's lengths
 * (HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32); the constructor rejects others.
 */
public final class SyslogFrame {

    /** The RFC 5424 NILVALUE. */
    public static final String NIL = "-";

    /** Facility 1, user-level messages. */
    public static final int FACILITY_USER = 1;

    /** Severity 5, notice. */
    public static final int SEVERITY_NOTICE = 5;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final int facility;
    private final int severity;
    private final String hostname;
    private final String appName;
    private final String procId;
    private final String msgId;

    /**
     * A frame builder.
     *
     * @param facility syslog facility, 0..23
     * @param severity syslog severity, 0..7
     * @param hostname host name, empty or null for the NILVALUE
     * @param appName application name, empty or null for the NILVALUE
     * @param procId process id, empty or null for the NILVALUE
     * @param msgId message type, empty or null for the NILVALUE
     * @throws IllegalArgumentException if a value is out of range or not allowed by RFC 5424
     */
    public SyslogFrame(int facility, int severity, String hostname, String appName, String procId, String msgId) {
        if (facility < 0 || facility > 23) {
            throw new IllegalArgumentException("facility must be 0..23: " + facility);
        }
        if (severity < 0 || severity > 7) {
            throw new IllegalArgumentException("severity must be 0..7: " + severity);
        }
        this.facility = facility;
        this.severity = severity;
        this.hostname = field("hostname", hostname, 255);
        this.appName = field("appName", appName, 48);
        this.procId = field("procId", procId, 128);
        this.msgId = field("msgId", msgId, 32);
    }

    /**
     * A frame builder with facility user, severity notice, app-name {@code threatline}, no process
     * id and msgid {@code indicator}.
     *
     * @param hostname host name, empty or null for the NILVALUE
     * @return the builder
     */
    public static SyslogFrame forIndicators(String hostname) {
        return new SyslogFrame(FACILITY_USER, SEVERITY_NOTICE, hostname, "threatline", null, "indicator");
    }

    private static String field(String name, String value, int max) {
        if (value == null || value.isEmpty()) {
            return NIL;
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(name + " longer than " + max + ": " + value);
        }
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException(name + " must be printable US-ASCII: " + value);
            }
        }
        return value;
    }

    /**
     * Returns the PRI value, facility times 8 plus severity.
     *
     * @return 0..191
     */
    public int priority() {
        return facility * 8 + severity;
    }

    /**
     * Builds the RFC 5424 message.
     *
     * @param timestamp when the event happened; null for the NILVALUE
     * @param msg the message text; null or empty leaves MSG out
     * @return the message, without framing
     */
    public String message(Instant timestamp, String msg) {
        StringBuilder b = new StringBuilder(64 + (msg == null ? 0 : msg.length()));
        b.append('<')
                .append(priority())
                .append(">1 ")
                .append(timestamp == null ? NIL : TIMESTAMP.format(timestamp.truncatedTo(ChronoUnit.MILLIS)))
                .append(' ')
                .append(hostname)
                .append(' ')
                .append(appName)
                .append(' ')
                .append(procId)
                .append(' ')
                .append(msgId)
                .append(' ')
                .append(NIL);
        if (msg != null && !msg.isEmpty()) {
            b.append(' ').append(msg);
        }
        return b.toString();
    }

    /**
     * Builds the message and frames it with octet counting.
     *
     * @param timestamp when the event happened; null for the NILVALUE
     * @param msg the message text
     * @return the framed bytes, ready to write to a TCP stream
     */
    public byte[] frame(Instant timestamp, String msg) {
        return octetCounted(message(timestamp, msg));
    }

    /**
     * Frames a message with RFC 6587 octet counting: the decimal UTF-8 byte length, a space, then
     * the UTF-8 bytes.
     *
     * @param message the syslog message
     * @return the framed bytes
     */
    public static byte[] octetCounted(String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }
}
