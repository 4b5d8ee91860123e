package io.threatline.streams.reference;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions of MISP warninglists. MISP evaluates them with PHP's {@code preg_match}, so
 * entries are usually written with delimiters and flags ({@code /\.onion$/i}); a value without
 * delimiters is taken as the bare expression. Matching is a search ({@link
 * java.util.regex.Matcher#find()}), as {@code preg_match} does.
 */
public final class WarninglistRegex {

    private WarninglistRegex() {}

    /**
     * Compiles a warninglist regex.
     *
     * @throws PatternSyntaxException if it is not a valid expression (or uses an unsupported flag)
     */
    public static Pattern compile(String value) {
        String expression = value;
        int flags = 0;
        if (value.length() >= 2 && value.charAt(0) == '/') {
            int close = value.lastIndexOf('/');
            if (close > 0) {
                String modifiers = value.substring(close + 1);
                if (modifiers.chars().allMatch(c -> "imsxu".indexOf(c) >= 0)) {
                    expression = value.substring(1, close);
                    for (char m : modifiers.toCharArray()) {
                        flags |= switch (m) {
                            case 'i' -> Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                            case 'm' -> Pattern.MULTILINE;
                            case 's' -> Pattern.DOTALL;
                            case 'x' -> Pattern.COMMENTS;
                            default -> Pattern.UNICODE_CHARACTER_CLASS; // 'u'
                        };
                    }
                }
            }
        }
        return Pattern.compile(expression, flags);
    }
}
