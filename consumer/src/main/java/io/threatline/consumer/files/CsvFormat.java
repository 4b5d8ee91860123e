package io.threatline.consumer.files;

import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.formats.RecordFields;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CSV as RFC 4180 defines it: UTF-8, records ended by CRLF, a header line naming the columns of
 * {@link RecordFields} at the start of every file (indicator files and statistic files have their
 * own columns). A field is enclosed in double quotes when it contains a comma, a double quote, CR
 * or LF, and a double quote inside it is doubled; so any value, line breaks included, reads back
 * unchanged with an RFC 4180 reader.
 *
 * <p>Lists (tags, families, ...) are joined with {@code ;} into one field; an item that itself
 * contains {@code ;} cannot be told apart from two items — use JSONL where that matters. Absent
 * values are empty fields.
 *
 * <p><b>Formulas.</b> Values come from sensors the partner does not control, and a spreadsheet runs a
 * cell that starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a CR as a formula. So
 * {@link #neutralise} writes such a value with a single quote {@code '} in front (a spreadsheet
 * shows it as text), and likewise a value that itself starts with {@code '}, so that the rule can be
 * undone without guessing. A spreadsheet set to {@code ;} as its separator (the default in many
 * European locales) would start a new cell after every {@code ;}, so the rule applies to each
 * {@code ;}-separated piece of a field, not only to its start; for a list field the pieces are its
 * items. <em>A reader that wants the original value splits the field at {@code ;}, removes one
 * leading {@code '} from each piece and joins them again.</em> The only exception is a piece that
 * is a plain decimal number ({@code -?digits[.digits][E[-]digits]}, e.g. a negative
 * {@code change_ratio} of {@code -0.25}): a spreadsheet reads it as that number, not as a formula,
 * and it is written as it is. So a legitimate value that starts with one of those characters — a
 * tag {@code -x}, an indicator value {@code -bad.example}, a URL {@code http://x/a;-b} — is
 * delivered as {@code '-x}, {@code '-bad.example}, {@code http://x/a;'-b}; JSONL carries every value
 * unchanged.
 */
final class CsvFormat implements RecordFormat {

    static final String LIST_SEPARATOR = ";";
    /** First characters that make a spreadsheet cell a formula, plus the prefix itself (see the class comment). */
    static final String FORMULA_START = "=+-@\t\r'";

    static final String QUOTE_PREFIX = "'";
    /** A decimal number as Java writes an integer or a finite double; a spreadsheet reads it as a number. */
    private static final Pattern PLAIN_NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE]-?[0-9]+)?");

    @Override
    public String extension() {
        return "csv";
    }

    @Override
    public byte[] header(List<String> columns) {
        return line(columns.stream().map(CsvFormat::neutralise).toList()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] encode(DeliveryRecord record) {
        Map<String, Object> fields = RecordFields.of(record);
        return line(fields.values().stream().map(CsvFormat::text).toList()).getBytes(StandardCharsets.UTF_8);
    }

    /** The field's text, neutralised (a list joined first: its items are the field's pieces). */
    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return neutralise(String.join(
                    LIST_SEPARATOR, list.stream().map(String::valueOf).toList()));
        }
        return neutralise(String.valueOf(value));
    }

    /**
     * The value with a {@code '} in front of each {@code ;}-separated piece that a spreadsheet could
     * take for a formula (it starts with {@code = + - @}, tab or CR) or that starts with {@code '}
     * itself. A piece that is a plain decimal number is left as it is, except the first piece of a
     * field that has more: the field starts with it, and a spreadsheet that does not split at
     * {@code ;} reads {@code -0;=...} as a formula. See the class comment for the rule a reader
     * applies to undo it.
     */
    static String neutralise(String value) {
        if (value.indexOf(';') < 0) {
            return neutralisePiece(value, true);
        }
        String[] pieces = value.split(LIST_SEPARATOR, -1);
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = neutralisePiece(pieces[i], i > 0);
        }
        return String.join(LIST_SEPARATOR, pieces);
    }

    private static String neutralisePiece(String piece, boolean numberAllowed) {
        if (piece.isEmpty()
                || FORMULA_START.indexOf(piece.charAt(0)) < 0
                || (numberAllowed && PLAIN_NUMBER.matcher(piece).matches())) {
            return piece;
        }
        return QUOTE_PREFIX + piece;
    }

    static String line(List<String> values) {
        StringBuilder out = new StringBuilder(256);
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quote(values.get(i)));
        }
        return out.append("\r\n").toString();
    }

    static String quote(String value) {
        boolean needsQuotes = false;
        for (int i = 0; i < value.length() && !needsQuotes; i++) {
            char c = value.charAt(i);
            needsQuotes = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return needsQuotes ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** A record ends at an LF outside quotes; a doubled quote toggles twice and so changes nothing. */
    @Override
    public long completePrefix(InputStream content) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        boolean quoted = false;
        long position = 0;
        long end = 0;
        for (int n; (n = content.read(buffer)) > 0; position += n) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '"') {
                    quoted = !quoted;
                } else if (buffer[i] == '\n' && !quoted) {
                    end = position + i + 1;
                }
            }
        }
        return end;
    }

    /** A record ends at an LF outside quotes (as {@link #completePrefix} reads it). */
    @Override
    public List<String> records(String content) {
        List<String> records = new java.util.ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\n' && !quoted) {
                records.add(content.substring(start, i + 1));
                start = i + 1;
            }
        }
        return records;
    }

    /** Whether the record's {@code indicator_id} column holds the id exactly as this format writes it. */
    @Override
    public boolean names(String record, String indicatorId) {
        int column = RecordFields.INDICATOR_COLUMNS.indexOf("indicator_id");
        String expected = quote(neutralise(indicatorId));
        // Walk the fields (a quoted one may hold commas and doubled quotes) to the column's start and end.
        int field = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < record.length(); i++) {
            char c = record.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == ',' || c == '\r' || c == '\n')) {
                if (field == column) {
                    return record.substring(start, i).equals(expected);
                }
                field++;
                start = i + 1;
            }
        }
        return false;
    }
}
