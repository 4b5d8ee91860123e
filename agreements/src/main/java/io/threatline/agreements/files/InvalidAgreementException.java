package io.threatline.agreements.files;

import java.util.Objects;

/**
 * An agreement file that {@link AgreementFiles} refuses to load.
 *
 * <p>The message says where and what, in the form compilers use:
 * {@code interpol.yaml:14: scope.minimum_confidence: must be 0 to 100, was 150}. The parts are also
 * available one by one: {@link #source()}, {@link #line()} (0 when unknown), {@link #field()} (the
 * path of the field in the file's own snake_case names, {@code null} for errors that concern the
 * file as a whole, such as a YAML syntax error), {@link #code()} (a stable UPPER_SNAKE code, the
 * same as the one {@link AgreementFiles#check} returns in its rejection) and {@link #detail()}.
 *
 * <p>Unchecked: an invalid agreement file is a configuration error that the operator has to fix,
 * and callers that want a value rather than an exception use {@link AgreementFiles#check}.
 */
public final class InvalidAgreementException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final String source;
    private final int line;
    private final String field;
    private final String detail;

    public InvalidAgreementException(String code, String source, int line, String field, String detail) {
        super(format(source, line, field, detail));
        this.code = Objects.requireNonNull(code, "code");
        this.source = source;
        this.line = Math.max(0, line);
        this.field = field;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    private static String format(String source, int line, String field, String detail) {
        StringBuilder sb = new StringBuilder();
        sb.append(source == null ? "<agreement>" : source);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (field != null) {
            sb.append(field).append(": ");
        }
        return sb.append(detail).toString();
    }

    /** Stable machine code, for example {@code UNKNOWN_FIELD} or {@code LITERAL_SECRET}. */
    public String code() {
        return code;
    }

    /** The file (or the name the content was given under). */
    public String source() {
        return source;
    }

    /** 1-based line of the offending field, or 0 when the parser did not know it. */
    public int line() {
        return line;
    }

    /** Path of the offending field, such as {@code channels[1].settings.password}; {@code null} for file-level errors. */
    public String field() {
        return field;
    }

    /** What is wrong, without the location prefix. */
    public String detail() {
        return detail;
    }
}
