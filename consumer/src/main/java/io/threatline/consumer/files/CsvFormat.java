package io.threatline.consumer.files;

import io.threatline.consumer.formats.RecordFields;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.threatline.consumer.delivery.DeliveryRecord;

/**
 * CSV as RFC 4180 defines it: UTF-8, records ended by CRLF, a header line naming the columns of
 * {@link RecordFields} at the start of every file (indicator files and statistic files have their
 * own columns). A field is enclosed in double quotes when it contains a comma, a double quote, CR
 * or LF, and a double quote inside it is doubled; so any value, line breaks included, reads back
 * unchanged with an RFC 4180 reader.
 *
 * <p>Lists (tags, families, ...) are joined with {@code ;} into one field; an item that itself
 * contains {@code ;} cannot be told apart from two items — use JSONL where that matters. Absent
 * values are empty fields. Values are written as they are: a spreadsheet user should import the file
 * as text rather than open it, since a tag starting with {@code =} would otherwise be read as a
 * formula.
 */
final class CsvFormat implements RecordFormat {

    static final String LIST_SEPARATOR = ";";

    @Override
    public String extension() {
        return "csv";
    }

    @Override
    public byte[] header(List<String> columns) {
        return line(columns).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] encode(DeliveryRecord record) {
        Map<String, Object> fields = RecordFields.of(record);
        return line(fields.values().stream().map(CsvFormat::text).toList()).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return String.join(LIST_SEPARATOR, list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
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
    public int completePrefix(byte[] content) {
        boolean quoted = false;
        int end = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '"') {
                quoted = !quoted;
            } else if (content[i] == '\n' && !quoted) {
                end = i + 1;
            }
        }
        return end;
    }
}
