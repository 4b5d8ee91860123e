package io.threatline.producer.feeds;

/** A feeds file refused: which file, line (0 when unknown) and field, and why. */
public final class FeedFileException extends RuntimeException {

    private final String source;
    private final int line;
    private final String field;

    public FeedFileException(String source, int line, String field, String message) {
        super(source + (line > 0 ? ":" + line : "") + (field == null ? "" : ": " + field) + ": " + message);
        this.source = source;
        this.line = line;
        this.field = field;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
