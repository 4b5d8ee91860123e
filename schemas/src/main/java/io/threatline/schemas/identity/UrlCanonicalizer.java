package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Reasons.reject;

import io.threatline.schemas.Result;
import java.util.Locale;

/**
 * Canonical text of a URL: {@code scheme://[userinfo@]host[:port]path?query}.
 *
 * <ul>
 *   <li>Only {@code http}, {@code https}, {@code ftp}, {@code ftps}, {@code sftp}, {@code ws} and
 *       {@code wss} are accepted; the scheme is lower-cased.
 *   <li>The host is a canonical domain (see {@link DomainCanonicalizer}), a dotted IPv4 address, or
 *       an IPv6 address in brackets in RFC 5952 form. A host of digits and dots that is not a valid
 *       IPv4 address ({@code 010.0.0.1}) is rejected, never read as octal or as a name.
 *   <li>The default port of http/ws (80), https/wss (443) and ftp (21) is dropped, as is an empty
 *       port ({@code host:}); other ports are kept as plain decimals. ftps and sftp have no port
 *       default that every client agrees on, so theirs is kept.
 *   <li>Userinfo, path and query are kept exactly as sent: servers may treat case and
 *       percent-encoding there as significant, and a detection rule matching on the path must see
 *       what the partner saw. In particular an empty path stays empty: {@code http://example.com}
 *       and {@code http://example.com/} are two ids, because deciding they are the same would be
 *       a guess about the server.
 *   <li>The fragment is dropped: browsers never send it to the server.
 *   <li>No whitespace, control or invisible characters anywhere.
 * </ul>
 */
public final class UrlCanonicalizer {

    private UrlCanonicalizer() {}

    /** Canonicalises a URL; the input must already be refanged. */
    public static Result<String> canonicalize(String value) {
        Result<String> unusable = Reasons.emptyOrForbidden(value);
        if (unusable != null) {
            return unusable;
        }
        int schemeEnd = value.indexOf("://");
        if (schemeEnd <= 0 || !isSchemeSyntax(value, schemeEnd)) {
            return reject(RejectionCodes.MISSING_SCHEME, value, "does not start with scheme://");
        }
        String scheme = value.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        int defaultPort = defaultPort(scheme);
        if (defaultPort < -1) {
            return reject(
                    RejectionCodes.UNSUPPORTED_SCHEME,
                    value,
                    "has scheme '" + scheme + "'; only http, https, ftp, ftps, sftp, ws and wss are accepted");
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        int n = value.length();
        while (authorityEnd < n) {
            char c = value.charAt(authorityEnd);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            authorityEnd++;
        }
        int fragment = value.indexOf('#', authorityEnd);
        String pathAndQuery = value.substring(authorityEnd, fragment < 0 ? n : fragment);

        // The last '@' ends the userinfo: browsers split there too, so an unescaped '@' in a
        // password cannot smuggle in a different host.
        int at = value.lastIndexOf('@', authorityEnd - 1);
        int hostStart = at >= authorityStart ? at + 1 : authorityStart;
        int portColon = -1;
        int hostEnd;
        String host;
        if (hostStart < authorityEnd && value.charAt(hostStart) == '[') {
            int close = value.indexOf(']', hostStart);
            if (close < 0 || close >= authorityEnd) {
                return reject(RejectionCodes.INVALID_HOST, value, "has an unclosed '[' in its host");
            }
            Result<String> v6 = IpAddressCanonicalizer.canonicalIpv6Address(value.substring(hostStart + 1, close));
            if (!v6.isOk()) {
                return reject(RejectionCodes.INVALID_HOST, value, "has a bracketed host that is not an IPv6 address");
            }
            host = '[' + v6.value() + ']';
            hostEnd = close + 1;
            if (hostEnd < authorityEnd) {
                if (value.charAt(hostEnd) != ':') {
                    return reject(RejectionCodes.INVALID_HOST, value, "has text after its IPv6 host");
                }
                portColon = hostEnd;
            }
        } else {
            portColon = value.lastIndexOf(':', authorityEnd - 1);
            if (portColon < hostStart) {
                portColon = -1;
            }
            hostEnd = portColon < 0 ? authorityEnd : portColon;
            if (hostEnd == hostStart) {
                return reject(RejectionCodes.MISSING_HOST, value, "has no host");
            }
            Result<String> canonicalHost = canonicalHost(value.substring(hostStart, hostEnd));
            if (!canonicalHost.isOk()) {
                return reject(
                        RejectionCodes.INVALID_HOST,
                        value,
                        "has an invalid host: " + canonicalHost.rejection().message());
            }
            host = canonicalHost.value();
        }

        int port = -1;
        if (portColon >= 0 && portColon + 1 < authorityEnd) {
            port = parsePort(value, portColon + 1, authorityEnd);
            if (port < 0) {
                return reject(RejectionCodes.INVALID_PORT, value, "has a port that is not a decimal 1..65535");
            }
        }

        StringBuilder sb = new StringBuilder(value.length());
        sb.append(scheme).append("://");
        if (hostStart > authorityStart) {
            sb.append(value, authorityStart, hostStart); // userinfo and its '@', as sent
        }
        sb.append(host);
        if (port >= 0 && port != defaultPort) {
            sb.append(':').append(port);
        }
        return Result.ok(sb.append(pathAndQuery).toString());
    }

    private static Result<String> canonicalHost(String host) {
        if (IpAddressCanonicalizer.looksLikeIpv4(host)) {
            return IpAddressCanonicalizer.canonicalIpv4Address(host);
        }
        return DomainCanonicalizer.canonicalize(host);
    }

    /** Whether {@code s[0, end)} is RFC 3986 scheme syntax: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
    static boolean isSchemeSyntax(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!(alpha || (i > 0 && (Chars.isDigit(c) || c == '+' || c == '-' || c == '.')))) {
                return false;
            }
        }
        return end > 0;
    }

    /** Default port of an accepted scheme, -1 if it has none we drop, -2 if the scheme is not accepted. */
    private static int defaultPort(String scheme) {
        switch (scheme) {
            case "http":
            case "ws":
                return 80;
            case "https":
            case "wss":
                return 443;
            case "ftp":
                return 21;
            case "ftps":
            case "sftp":
                return -1;
            default:
                return -2;
        }
    }

    /** A port in 1..65535 (leading zeros tolerated, they carry no meaning in a port), or -1. */
    private static int parsePort(String s, int from, int to) {
        int port = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!Chars.isDigit(c)) {
                return -1;
            }
            port = port * 10 + (c - '0');
            if (port > 65535) {
                return -1;
            }
        }
        return port == 0 ? -1 : port;
    }
}
