package io.threatline.schemas.stix;

import io.threatline.contract.IndicatorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The subset of the STIX 2.1 patterning language that names single indicators (read from vendors'
 * bundles by {@code publish} and from partners' posts by the TAXII server, docs/sharing-back.md): equality
 * comparisons of a supported object path with a string literal, joined by {@code OR} within one
 * observation expression ({@code [a = 'x' OR b = 'y']}) or between them ({@code [a = 'x'] OR [b =
 * 'y']}), with parentheses. Each comparison is one indicator; {@code OR} means any of them alone is
 * worth alerting on, so each becomes its own event.
 *
 * <p>Everything else is refused as a whole rather than partly published: {@code AND} and {@code
 * FOLLOWEDBY} (the indicator is only the combination), other operators ({@code MATCHES}, {@code
 * LIKE}, {@code IN}, {@code !=}, ...), {@code NOT}, {@code EXISTS}, non-string literals, qualifiers
 * ({@code WITHIN}, {@code START}/{@code STOP}, {@code REPEATS}) and object paths other than those in
 * {@link #PATHS}.
 *
 * <p>String literals take the two STIX escapes {@code \'} and {@code \\}; any other backslash is a
 * syntax error.
 *
 * <p>Parentheses may nest {@value #MAX_NESTING} deep; deeper is refused as unsupported rather than
 * parsed, since the parser recurses once per level and a pattern of a few thousand {@code (} would
 * otherwise overflow the stack (an {@link Error} no caller handles).
 */
public final class StixPattern {

    /** One {@code path = 'value'} comparison. */
    public record Comparison(IndicatorType type, String objectPath, String value) {}

    /** Why a pattern yields no events: {@code UNSUPPORTED_PATTERN} or {@code MALFORMED_PATTERN}. */
    public static final class PatternException extends Exception {
        private final String code;

        PatternException(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** Object paths we can publish, with hash names normalised (quotes removed, upper case). */
    private static final Map<String, IndicatorType> PATHS = Map.ofEntries(
            Map.entry("ipv4-addr:value", IndicatorType.IPV4),
            Map.entry("ipv6-addr:value", IndicatorType.IPV6),
            Map.entry("domain-name:value", IndicatorType.DOMAIN),
            Map.entry("url:value", IndicatorType.URL),
            Map.entry("email-addr:value", IndicatorType.EMAIL),
            Map.entry("file:hashes.MD5", IndicatorType.MD5),
            Map.entry("file:hashes.SHA-1", IndicatorType.SHA1),
            Map.entry("file:hashes.SHA1", IndicatorType.SHA1),
            Map.entry("file:hashes.SHA-256", IndicatorType.SHA256),
            Map.entry("file:hashes.SHA256", IndicatorType.SHA256));

    private enum Kind {
        LBRACKET,
        RBRACKET,
        LPAREN,
        RPAREN,
        COMMA,
        STRING,
        WORD,
        OPERATOR,
        TYPED_LITERAL,
        EOF
    }

    private record Token(Kind kind, String text, int pos) {
        boolean isWord(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }
    }

    /** Deepest parenthesis nesting accepted; real patterns use two or three levels. */
    static final int MAX_NESTING = 64;

    private final List<Token> tokens;
    private int next;
    private int nesting;

    private StixPattern(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** The comparisons of {@code pattern}, in order, or why it cannot be published. */
    public static List<Comparison> parse(String pattern) throws PatternException {
        List<Token> tokens = tokenize(pattern);
        rejectCombinations(tokens);
        StixPattern parser = new StixPattern(tokens);
        List<Comparison> out = parser.observationExpression();
        Token end = parser.peek();
        if (end.kind != Kind.EOF) {
            throw parser.unexpected(end, "the end of the pattern");
        }
        return out;
    }

    /**
     * Reports AND, FOLLOWEDBY and qualifiers before anything else: they make the pattern something
     * other than a list of indicators whatever its comparisons are, so they are the part to name
     * (an {@code [a:x = 1 AND b:y = 2]} is unsupported for its AND, not for {@code a:x}).
     */
    private static void rejectCombinations(List<Token> tokens) throws PatternException {
        int depth = 0;
        for (Token t : tokens) {
            if (t.kind == Kind.LBRACKET) {
                depth++;
            } else if (t.kind == Kind.RBRACKET) {
                depth--;
            } else if (t.isWord("AND")) {
                throw unsupported(depth > 0 ? "AND between comparisons" : "AND between observation expressions");
            } else if (t.isWord("FOLLOWEDBY")
                    || t.isWord("WITHIN")
                    || t.isWord("START")
                    || t.isWord("STOP")
                    || t.isWord("REPEATS")) {
                String word = t.text.toUpperCase(Locale.ROOT);
                throw unsupported(
                        word.equals("FOLLOWEDBY") ? "FOLLOWEDBY between observation expressions" : "qualifier " + word);
            }
        }
    }

    // ---- grammar -------------------------------------------------------------------------

    private List<Comparison> observationExpression() throws PatternException {
        List<Comparison> out = new ArrayList<>(observationTerm());
        while (true) {
            Token t = peek();
            if (t.isWord("OR")) {
                next++;
                out.addAll(observationTerm());
            } else if (t.isWord("AND") || t.isWord("FOLLOWEDBY")) {
                throw unsupported(t.text.toUpperCase(Locale.ROOT) + " between observation expressions");
            } else {
                return out;
            }
        }
    }

    private List<Comparison> observationTerm() throws PatternException {
        Token t = take();
        List<Comparison> out;
        if (t.kind == Kind.LBRACKET) {
            out = comparisonExpression();
            expect(Kind.RBRACKET, "']'");
        } else if (t.kind == Kind.LPAREN) {
            enter(t);
            out = observationExpression();
            expect(Kind.RPAREN, "')'");
            nesting--;
        } else {
            throw unexpected(t, "'[' or '('");
        }
        Token q = peek();
        if (q.isWord("WITHIN") || q.isWord("START") || q.isWord("STOP") || q.isWord("REPEATS")) {
            throw unsupported("qualifier " + q.text.toUpperCase(Locale.ROOT));
        }
        return out;
    }

    private List<Comparison> comparisonExpression() throws PatternException {
        List<Comparison> out = new ArrayList<>(comparisonTerm());
        while (true) {
            Token t = peek();
            if (t.isWord("OR")) {
                next++;
                out.addAll(comparisonTerm());
            } else if (t.isWord("AND")) {
                throw unsupported("AND between comparisons");
            } else {
                return out;
            }
        }
    }

    private List<Comparison> comparisonTerm() throws PatternException {
        Token t = take();
        if (t.kind == Kind.LPAREN) {
            enter(t);
            List<Comparison> out = comparisonExpression();
            expect(Kind.RPAREN, "')'");
            nesting--;
            return out;
        }
        if (t.isWord("EXISTS") || t.isWord("NOT")) {
            throw unsupported(t.text.toUpperCase(Locale.ROOT));
        }
        if (t.kind != Kind.WORD || t.text.indexOf(':') <= 0) {
            throw unexpected(t, "an object path such as ipv4-addr:value");
        }
        String path = t.text;
        Token op = take();
        if (op.kind == Kind.WORD) {
            // NOT =, MATCHES, LIKE, IN, ISSUBSET, ISSUPERSET: all operators we do not publish.
            throw unsupported("operator " + op.text.toUpperCase(Locale.ROOT) + " (on " + path + ")");
        }
        if (op.kind != Kind.OPERATOR) {
            throw unexpected(op, "a comparison operator");
        }
        if (!op.text.equals("=")) {
            throw unsupported("operator " + op.text + " (on " + path + ")");
        }
        Token literal = take();
        if (literal.kind == Kind.TYPED_LITERAL || literal.kind == Kind.WORD) {
            throw unsupported("literal " + literal.text + " (only string literals name an indicator)");
        }
        if (literal.kind != Kind.STRING) {
            throw unexpected(literal, "a string literal");
        }
        IndicatorType type = PATHS.get(normalisePath(path));
        if (type == null) {
            throw unsupported("object path " + path);
        }
        return List.of(new Comparison(type, path, literal.text));
    }

    /** Hash names are written MD5, SHA-1, 'SHA-256', sha256...: compare them in one spelling. */
    private static String normalisePath(String path) {
        String prefix = "file:hashes.";
        if (path.startsWith(prefix)) {
            return prefix + path.substring(prefix.length()).toUpperCase(Locale.ROOT);
        }
        return path;
    }

    private void enter(Token paren) throws PatternException {
        if (++nesting > MAX_NESTING) {
            throw unsupported("nesting parentheses deeper than " + MAX_NESTING + " (at offset " + paren.pos + ")");
        }
    }

    // ---- tokens --------------------------------------------------------------------------

    private Token peek() {
        return tokens.get(next);
    }

    private Token take() {
        Token t = tokens.get(next);
        if (t.kind != Kind.EOF) {
            next++;
        }
        return t;
    }

    private void expect(Kind kind, String what) throws PatternException {
        Token t = take();
        if (t.kind != kind) {
            throw unexpected(t, what);
        }
    }

    private PatternException unexpected(Token t, String expected) {
        String found = t.kind == Kind.EOF ? "the end of the pattern" : "'" + t.text + "'";
        return malformed("expected " + expected + " at offset " + t.pos + ", found " + found);
    }

    private static PatternException unsupported(String what) {
        return new PatternException("UNSUPPORTED_PATTERN", what + " is not supported");
    }

    private static PatternException malformed(String what) {
        return new PatternException("MALFORMED_PATTERN", what);
    }

    private static List<Token> tokenize(String s) throws PatternException {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '[') {
                out.add(new Token(Kind.LBRACKET, "[", i++));
            } else if (c == ']') {
                out.add(new Token(Kind.RBRACKET, "]", i++));
            } else if (c == '(') {
                out.add(new Token(Kind.LPAREN, "(", i++));
            } else if (c == ')') {
                out.add(new Token(Kind.RPAREN, ")", i++));
            } else if (c == ',') {
                out.add(new Token(Kind.COMMA, ",", i++)); // only in set literals, which IN takes
            } else if (c == '\'') {
                StringBuilder value = new StringBuilder();
                int end = readString(s, i, value);
                out.add(new Token(Kind.STRING, value.toString(), i));
                i = end;
            } else if (c == '=' || c == '<' || c == '>' || c == '!') {
                int start = i++;
                if (i < n && s.charAt(i) == '=') {
                    i++;
                }
                String op = s.substring(start, i);
                if (op.equals("!")) {
                    throw malformed("stray '!' at offset " + start);
                }
                out.add(new Token(Kind.OPERATOR, op, start));
            } else if (isWordChar(c)) {
                int start = i;
                StringBuilder word = new StringBuilder();
                while (i < n) {
                    char w = s.charAt(i);
                    if (isWordChar(w)) {
                        word.append(w);
                        i++;
                    } else if (w == '\'' && word.length() > 0 && word.charAt(word.length() - 1) == '.') {
                        // A quoted path component: file:hashes.'SHA-256'. Kept unquoted in the path.
                        StringBuilder component = new StringBuilder();
                        i = readString(s, i, component);
                        word.append(component);
                    } else if (w == '['
                            && i + 1 < n
                            && (s.charAt(i + 1) == '*' || Character.isDigit(s.charAt(i + 1)))) {
                        // A list index inside a path (values[*].name): part of the word, not a bracket.
                        int close = s.indexOf(']', i);
                        if (close < 0) {
                            throw malformed("unclosed list index at offset " + i);
                        }
                        word.append(s, i, close + 1);
                        i = close + 1;
                    } else {
                        break;
                    }
                }
                String text = word.toString();
                boolean typed =
                        (text.equals("t") || text.equals("b") || text.equals("h")) && i < n && s.charAt(i) == '\'';
                if (typed) {
                    StringBuilder value = new StringBuilder();
                    i = readString(s, i, value);
                    out.add(new Token(Kind.TYPED_LITERAL, text + "'" + value + "'", start));
                } else {
                    out.add(new Token(Kind.WORD, text, start));
                }
            } else {
                throw malformed("unexpected character '" + c + "' at offset " + i);
            }
        }
        out.add(new Token(Kind.EOF, "", n));
        return out;
    }

    /** Reads the literal opening at {@code start} into {@code value}; returns the offset after it. */
    private static int readString(String s, int start, StringBuilder value) throws PatternException {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 < s.length() && (s.charAt(i + 1) == '\'' || s.charAt(i + 1) == '\\')) {
                    value.append(s.charAt(i + 1));
                    i += 2;
                    continue;
                }
                throw malformed("invalid escape at offset " + i + " (only \\' and \\\\ are allowed)");
            }
            if (c == '\'') {
                return i + 1;
            }
            value.append(c);
            i++;
        }
        throw malformed("unterminated string literal starting at offset " + start);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == ':' || c == '.' || c == '*';
    }
}
