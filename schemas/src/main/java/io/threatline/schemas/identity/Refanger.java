package io.threatline.schemas.identity;

/**
 * Undoes the "defanging" analysts apply so indicators in reports cannot be clicked or resolved:
 * {@code hxxps://evil[.]example[dot]com} becomes {@code https://evil.example.com}.
 *
 * <p>Recognised, case-insensitively:
 *
 * <ul>
 *   <li>{@code .}, {@code dot}, {@code @}, {@code at}, {@code :} and {@code ://} inside any of
 *       {@code []}, {@code ()} or {@code {}} (so {@code [.]}, {@code (dot)}, {@code [at]}, {@code
 *       [://]}, ...), anywhere in the value;
 *   <li>the schemes {@code hxxp}, {@code hxxps}, {@code fxp} and {@code fxps} at the start of the
 *       value, followed by {@code :}.
 * </ul>
 *
 * <p>A value that really contains one of these bracketed tokens (say a URL path with {@code (at)})
 * cannot be told apart from a defanged one and is refanged too; feeds do not send such values in
 * practice, and treating every value alike keeps fanged and plain forms on one id.
 *
 * <p>{@link #refang} is idempotent: it repeats until nothing changes, so {@code [[.]]} ends as
 * {@code .} rather than {@code [.]}.
 */
public final class Refanger {

    private Refanger() {}

    /** Returns {@code value} with defanging undone; {@code null} stays {@code null}. */
    public static String refang(String value) {
        if (value == null || !mayBeDefanged(value)) {
            return value; // the hot path: almost every value arrives plain
        }
        String current = value;
        while (true) {
            String next = refangSchemeOnce(refangBracketsOnce(current));
            if (next.equals(current)) {
                return current;
            }
            current = next;
        }
    }

    private static boolean mayBeDefanged(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '[' || c == '(' || c == '{') {
                return true;
            }
        }
        return s.length() > 1 && (s.charAt(1) == 'x' || s.charAt(1) == 'X');
    }

    private static String refangBracketsOnce(String s) {
        StringBuilder out = null;
        int copiedUpTo = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char open = s.charAt(i);
            char close = closerOf(open);
            if (close == 0) {
                continue;
            }
            // Tokens are at most three characters ("dot", "://"), so the closer is near or absent.
            int end = -1;
            for (int k = i + 2, last = Math.min(n - 1, i + 4); k <= last; k++) {
                if (s.charAt(k) == close) {
                    end = k;
                    break;
                }
            }
            if (end < 0) {
                continue;
            }
            String replacement = replacementFor(s, i + 1, end);
            if (replacement == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(s, copiedUpTo, i).append(replacement);
            copiedUpTo = end + 1;
            i = end;
        }
        if (out == null) {
            return s;
        }
        return out.append(s, copiedUpTo, n).toString();
    }

    private static char closerOf(char open) {
        switch (open) {
            case '[':
                return ']';
            case '(':
                return ')';
            case '{':
                return '}';
            default:
                return 0;
        }
    }

    private static String replacementFor(String s, int from, int to) {
        int len = to - from;
        if (len == 1) {
            char c = s.charAt(from);
            return c == '.' ? "." : c == '@' ? "@" : c == ':' ? ":" : null;
        }
        if (len == 2 && s.regionMatches(true, from, "at", 0, 2)) {
            return "@";
        }
        if (len == 3) {
            if (s.regionMatches(true, from, "dot", 0, 3)) {
                return ".";
            }
            if (s.regionMatches(from, "://", 0, 3)) {
                return "://";
            }
        }
        return null;
    }

    private static String refangSchemeOnce(String s) {
        if (s.regionMatches(true, 0, "hxxps:", 0, 6)) {
            return "https" + s.substring(5);
        }
        if (s.regionMatches(true, 0, "hxxp:", 0, 5)) {
            return "http" + s.substring(4);
        }
        if (s.regionMatches(true, 0, "fxps:", 0, 5)) {
            return "ftps" + s.substring(4);
        }
        if (s.regionMatches(true, 0, "fxp:", 0, 4)) {
            return "ftp" + s.substring(3);
        }
        return s;
    }
}
