package io.threatline.producer.adapters;

import io.threatline.contract.IndicatorType;
import io.threatline.schemas.identity.IndicatorIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads indicators from CSV with a header row.
 *
 * <h2>Columns</h2>
 * Names are matched case-insensitively and ignoring {@code _}, {@code -} and spaces (so {@code
 * observed_at}, {@code observedAt} and {@code Observed At} are the same column); order is free;
 * unknown columns are ignored. Only {@code value} is required; an empty cell takes the default.
 * <table>
 *   <caption>CSV columns</caption>
 *   <tr><th>column</th><th>content</th><th>when empty</th></tr>
 *   <tr><td>value (also indicator_value, indicator)</td><td>the indicator as seen; may be defanged</td>
 *       <td>{@code MISSING_VALUE}</td></tr>
 *   <tr><td>type (also indicator_type)</td><td>ipv4, ipv6, domain, url, md5, sha1, sha256, email
 *       (any case; sha-1, sha-256 too)</td><td>detected from the value's shape</td></tr>
 *   <tr><td>observed_at</td><td>ISO-8601 instant ({@code 2024-05-01T10:15:00Z} or with an offset) or
 *       epoch milliseconds</td><td>default time</td></tr>
 *   <tr><td>confidence</td><td>integer 0..100</td><td>default confidence</td></tr>
 *   <tr><td>tlp</td><td>clear, white (= clear), green, amber, amber+strict (or amber_strict), red;
 *       optional {@code tlp:} prefix</td><td>default TLP</td></tr>
 *   <tr><td>families (also malware_families)</td><td>malware families, {@code ;}-separated</td>
 *       <td>none</td></tr>
 *   <tr><td>campaign</td><td>campaign name</td><td>none</td></tr>
 *   <tr><td>tags</td><td>tags, {@code ;}-separated</td><td>none</td></tr>
 *   <tr><td>kill_chain_phase</td><td>reconnaissance, weaponization, delivery, exploitation,
 *       installation, command-and-control (or command_and_control, c2), actions-on-objectives</td>
 *       <td>none</td></tr>
 *   <tr><td>vendor</td><td>publishing vendor</td><td>default vendor</td></tr>
 *   <tr><td>sensor_id</td><td>sensor id</td><td>default sensor</td></tr>
 *   <tr><td>retraction</td><td>true/false (also 1/0, yes/no)</td><td>false</td></tr>
 *   <tr><td>retraction_reason</td><td>why the indicator is retracted</td><td>none</td></tr>
 * </table>
 *
 * <h2>Quoting and lines</h2>
 * Cells follow RFC 4180 quoting ({@code "a,b"}, {@code "say ""hi"""}), but a record is exactly one
 * line: a quoted cell may not span lines. Indicator values never contain line breaks, and this way a
 * single stray quote costs one row (reported as {@code UNTERMINATED_QUOTE}) instead of silently
 * swallowing the rest of the file. Blank lines are skipped; line numbers count every physical line,
 * the header included.
 *
 * <h2>Problems</h2>
 * Each data line yields exactly one record: an event, or one problem at {@code <source>:<line>}
 * whose code is that of the first bad cell and whose message names every bad cell with its column
 * and value. Codes: {@code MISSING_COLUMN} (no value column; reported once at the header line, then
 * nothing else is read), {@code MISSING_VALUE}, {@code UNKNOWN_TYPE}, {@code TYPE_NOT_DETECTED},
 * {@code BAD_TIMESTAMP}, {@code BAD_CONFIDENCE}, {@code BAD_TLP}, {@code BAD_KILL_CHAIN_PHASE},
 * {@code BAD_RETRACTION}, {@code UNTERMINATED_QUOTE}, {@code MALFORMED_QUOTE} (text after a closing
 * quote), {@code TOO_MANY_CELLS} (more non-empty cells than header columns, usually an unquoted
 * comma in a value).
 */
public final class CsvAdapter implements InputAdapter {

    /** The columns we read; each has the normalised names it may go by. */
    private enum Column {
        TYPE("type", "indicatortype"),
        VALUE("value", "indicatorvalue", "indicator"),
        OBSERVED_AT("observedat"),
        CONFIDENCE("confidence"),
        TLP("tlp"),
        FAMILIES("families", "malwarefamilies"),
        CAMPAIGN("campaign"),
        TAGS("tags"),
        KILL_CHAIN_PHASE("killchainphase"),
        VENDOR("vendor"),
        SENSOR_ID("sensorid"),
        RETRACTION("retraction"),
        RETRACTION_REASON("retractionreason");

        final List<String> names;

        Column(String... names) {
            this.names = List.of(names);
        }

        static Optional<Column> byHeader(String header) {
            String n = header.strip()
                    .toLowerCase(Locale.ROOT)
                    .replace("_", "")
                    .replace("-", "")
                    .replace(" ", "");
            for (Column c : values()) {
                if (c.names.contains(n)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public InputFormat format() {
        return InputFormat.CSV;
    }

    @Override
    public void read(Reader input, String sourceName, AdapterDefaults defaults, Consumer<ParsedRecord> out)
            throws IOException {
        BufferedReader lines = input instanceof BufferedReader b ? b : new BufferedReader(input);
        Map<Column, Integer> columns = null;
        int headerWidth = 0;
        int lineNo = 0;
        String line;
        while ((line = lines.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a BOM, as spreadsheet exports write
            }
            if (line.isBlank()) {
                continue;
            }
            String location = sourceName + ":" + lineNo;
            List<String> cells;
            try {
                cells = split(line);
            } catch (QuoteException e) {
                if (columns == null) {
                    out.accept(new ParsedRecord.Problem(location, e.code, "header: " + e.getMessage()));
                    return;
                }
                out.accept(new ParsedRecord.Problem(location, e.code, e.getMessage()));
                continue;
            }
            if (columns == null) {
                columns = header(cells);
                headerWidth = cells.size();
                if (!columns.containsKey(Column.VALUE)) {
                    out.accept(new ParsedRecord.Problem(
                            location,
                            "MISSING_COLUMN",
                            "the header has no value column (columns: " + String.join(", ", cells) + ")"));
                    return;
                }
                continue;
            }
            out.accept(row(cells, headerWidth, columns, sourceName, location, defaults));
        }
    }

    private static Map<Column, Integer> header(List<String> cells) {
        Map<Column, Integer> columns = new EnumMap<>(Column.class);
        for (int i = 0; i < cells.size(); i++) {
            final int index = i;
            // The first of two columns with the same meaning wins; later ones are ignored like unknown ones.
            Column.byHeader(cells.get(i)).ifPresent(c -> columns.putIfAbsent(c, index));
        }
        return columns;
    }

    private static ParsedRecord row(
            List<String> cells,
            int headerWidth,
            Map<Column, Integer> columns,
            String sourceName,
            String location,
            AdapterDefaults defaults) {
        Errors errors = new Errors();
        for (int i = headerWidth; i < cells.size(); i++) {
            if (!cells.get(i).isBlank()) {
                errors.add(
                        "TOO_MANY_CELLS",
                        "the line has " + cells.size() + " cells but the header only " + headerWidth
                                + " (an unquoted comma?)");
                break;
            }
        }
        EventDraft draft = new EventDraft(defaults);
        String value = cell(cells, columns, Column.VALUE);
        if (value.isEmpty()) {
            errors.add("MISSING_VALUE", "value is empty");
        }
        IndicatorType type = null;
        String typeCell = cell(cells, columns, Column.TYPE);
        if (!typeCell.isEmpty()) {
            type = FieldValues.indicatorType(typeCell).orElse(null);
            if (type == null) {
                errors.add(
                        "UNKNOWN_TYPE",
                        "type " + FieldValues.quote(typeCell)
                                + " is not one of ipv4, ipv6, domain, url, md5, sha1, sha256, email");
            }
        } else if (!value.isEmpty()) {
            type = IndicatorIdentity.detectType(value).orElse(null);
            if (type == null) {
                errors.add(
                        "TYPE_NOT_DETECTED",
                        "type is empty and value " + FieldValues.quote(value)
                                + " does not look like any indicator type");
            }
        }
        String observed = cell(cells, columns, Column.OBSERVED_AT);
        if (!observed.isEmpty()) {
            FieldValues.instant(observed)
                    .ifPresentOrElse(
                            at -> draft.observedAt = at,
                            () -> errors.add(
                                    "BAD_TIMESTAMP",
                                    "observed_at " + FieldValues.quote(observed)
                                            + " is neither an ISO-8601 instant nor epoch milliseconds"));
        }
        String confidence = cell(cells, columns, Column.CONFIDENCE);
        if (!confidence.isEmpty()) {
            FieldValues.confidence(confidence)
                    .ifPresentOrElse(
                            c -> draft.confidence = c,
                            () -> errors.add(
                                    "BAD_CONFIDENCE",
                                    "confidence " + FieldValues.quote(confidence) + " is not an integer 0..100"));
        }
        String tlp = cell(cells, columns, Column.TLP);
        if (!tlp.isEmpty()) {
            FieldValues.tlp(tlp)
                    .ifPresentOrElse(
                            t -> draft.tlp = t,
                            () -> errors.add(
                                    "BAD_TLP",
                                    "tlp " + FieldValues.quote(tlp)
                                            + " is not one of clear, white, green, amber, amber+strict, red"));
        }
        String phase = cell(cells, columns, Column.KILL_CHAIN_PHASE);
        if (!phase.isEmpty()) {
            FieldValues.killChainPhase(phase)
                    .ifPresentOrElse(
                            p -> draft.killChainPhase = p,
                            () -> errors.add(
                                    "BAD_KILL_CHAIN_PHASE",
                                    "kill_chain_phase " + FieldValues.quote(phase)
                                            + " is not a Lockheed Martin kill-chain phase"));
        }
        String retraction = cell(cells, columns, Column.RETRACTION);
        if (!retraction.isEmpty()) {
            switch (retraction.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> draft.retraction = true;
                case "false", "0", "no" -> draft.retraction = false;
                default ->
                    errors.add(
                            "BAD_RETRACTION", "retraction " + FieldValues.quote(retraction) + " is not true or false");
            }
        }
        if (errors.code != null) {
            return new ParsedRecord.Problem(location, errors.code, String.join("; ", errors.messages));
        }
        draft.families.addAll(FieldValues.semicolonList(cell(cells, columns, Column.FAMILIES)));
        draft.tags.addAll(FieldValues.semicolonList(cell(cells, columns, Column.TAGS)));
        draft.campaign = emptyToNull(cell(cells, columns, Column.CAMPAIGN));
        draft.retractionReason = emptyToNull(cell(cells, columns, Column.RETRACTION_REASON));
        String vendor = cell(cells, columns, Column.VENDOR);
        if (!vendor.isEmpty()) {
            draft.vendor = vendor;
        }
        String sensor = cell(cells, columns, Column.SENSOR_ID);
        if (!sensor.isEmpty()) {
            draft.sensorId = sensor;
        }
        return draft.toEvent(sourceName, location, type, value);
    }

    /** The stripped cell of a column; a missing column or a short row reads as empty. */
    private static String cell(List<String> cells, Map<Column, Integer> columns, Column column) {
        Integer i = columns.get(column);
        return i == null || i >= cells.size() ? "" : cells.get(i).strip();
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /** The first error's code, and every error's text. */
    private static final class Errors {
        String code;
        final List<String> messages = new ArrayList<>();

        void add(String code, String message) {
            if (this.code == null) {
                this.code = code;
            }
            messages.add(message);
        }
    }

    private static final class QuoteException extends Exception {
        final String code;

        QuoteException(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /**
     * Splits one line into cells, RFC 4180 style: a cell that starts with {@code "} runs to the
     * next lone {@code "}, with {@code ""} standing for a quote; whitespace around a quoted cell is
     * tolerated.
     */
    private static List<String> split(String line) throws QuoteException {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            // skip spaces before a possible opening quote, but keep them for unquoted cells
            int start = i;
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                int open = i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        cell.append(c);
                    }
                }
                if (!closed) {
                    throw new QuoteException(
                            "UNTERMINATED_QUOTE",
                            "the quoted cell starting at column " + (open + 1) + " is not closed on this line");
                }
                while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                    i++;
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new QuoteException(
                            "MALFORMED_QUOTE",
                            "text after the closing quote at column " + i
                                    + " (quotes inside a quoted cell are doubled: \"\")");
                }
            } else {
                i = start;
                while (i < n && line.charAt(i) != ',') {
                    cell.append(line.charAt(i++));
                }
            }
            cells.add(cell.toString());
            cell.setLength(0);
            if (i >= n) {
                return cells;
            }
            i++; // the comma
        }
    }
}
