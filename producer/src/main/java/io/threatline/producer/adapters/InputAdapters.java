package io.threatline.producer.adapters;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The adapter for each {@link InputFormat}, and a guess of the format of a file. */
public final class InputAdapters {

    private static final Pattern BUNDLE_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"bundle\"");
    private static final Pattern MISP_MEMBER = Pattern.compile("\"(Event|Attribute)\"\\s*:");

    private static final InputAdapter STIX = new StixBundleAdapter();
    private static final InputAdapter MISP = new MispEventAdapter();
    private static final InputAdapter CSV = new CsvAdapter();
    private static final InputAdapter JSONL = new JsonLinesAdapter();

    private InputAdapters() {}

    /** The adapter for {@code format}. Adapters keep no state, so one instance serves every read. */
    public static InputAdapter forFormat(InputFormat format) {
        return switch (format) {
            case STIX -> STIX;
            case MISP -> MISP;
            case CSV -> CSV;
            case JSONL -> JSONL;
        };
    }

    /**
     * Guesses the format of an input, for when {@code --format} is not given.
     *
     * <ol>
     *   <li>By extension: {@code .csv} is CSV, {@code .jsonl} and {@code .ndjson} are JSON Lines.
     *       ({@code .json} says nothing: STIX and MISP both use it.)
     *   <li>By content, looking at the first characters of the input (a few KB are plenty):
     *       two lines that each start with <code>&#123;</code>, the first a complete object, are JSON Lines
     *       (a pretty-printed document indents its inner lines, a minified one has only one); a JSON
     *       document with {@code "type": "bundle"} is STIX; one with an {@code "Event"} or {@code
     *       "Attribute"} member is MISP; a single one-line object is JSON Lines; otherwise a first
     *       line with a comma is CSV.
     * </ol>
     *
     * @param fileName          the file's name, or null/"stdin" when there is none
     * @param firstNonBlankChars the start of the input
     * @return the format, or empty when neither name nor content tells
     */
    public static Optional<InputFormat> detect(String fileName, String firstNonBlankChars) {
        if (fileName != null) {
            String name = fileName.toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv")) {
                return Optional.of(InputFormat.CSV);
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
                return Optional.of(InputFormat.JSONL);
            }
        }
        if (firstNonBlankChars == null) {
            return Optional.empty();
        }
        String text = firstNonBlankChars.replace("\uFEFF", "").stripLeading();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] lines = text.split("\\r?\\n|\\r");
        String first = lines[0].strip();
        if (text.startsWith("{") || text.startsWith("[")) {
            boolean firstIsObjectLine = first.startsWith("{") && first.endsWith("}");
            if (firstIsObjectLine) {
                for (int i = 1; i < lines.length; i++) {
                    if (lines[i].startsWith("{")) {
                        return Optional.of(InputFormat.JSONL);
                    }
                }
            }
            if (BUNDLE_TYPE.matcher(text).find()) {
                return Optional.of(InputFormat.STIX);
            }
            if (MISP_MEMBER.matcher(text).find()) {
                return Optional.of(InputFormat.MISP);
            }
            if (firstIsObjectLine) {
                return Optional.of(InputFormat.JSONL);
            }
            return Optional.empty();
        }
        return first.indexOf(',') >= 0 ? Optional.of(InputFormat.CSV) : Optional.empty();
    }
}
