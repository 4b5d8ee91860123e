package io.threatline.consumer.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.consumer.delivery.TestRecords;
import io.threatline.consumer.formats.RecordFields;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.TrendStatistic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * For random values, lists and numbers full of formula starts ({@code = + - @}, tab, CR), quotes,
 * separators and line breaks, no field of a CSV line the writer emits — read back with the tests'
 * own RFC 4180 reader — and no {@code ;}-separated piece of one (a cell to a spreadsheet that splits
 * at {@code ;}) starts with a character that makes a spreadsheet cell a formula, unless it is a plain
 * decimal number; and the documented rule to undo it gives every original value back.
 */
class CsvInjectionProperties {

    /** OWASP's CSV-injection first characters; written independently of CsvFormat's own constant. */
    private static final List<Character> DANGEROUS = List.of('=', '+', '-', '@', '\t', '\r');

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE]-?[0-9]+)?");
    private static final List<String> TOKENS = List.of(
            "=", "+", "-", "@", "\t", "\r", "\n", "'", "\"", ",", " ", "a", "Z", "0", "9", ".", "E", "(", ")", "!", ";",
            "é", "中");

    @Provide
    Arbitrary<String> nasty() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(12).map(l -> String.join("", l));
    }

    /** List items: as nasty, but without {@code ;}, which a CSV list cannot carry inside an item (documented). */
    @Provide
    Arbitrary<String> item() {
        return nasty().filter(s -> !s.contains(";"));
    }

    @Property(tries = 1000)
    void shouldEmitNoFormulaCellAndKeepEveryValueRecoverable(
            @ForAll("nasty") String value,
            @ForAll @Size(max = 4) List<@From("item") String> tags,
            @ForAll("nasty") String scope,
            @ForAll("nasty") String dimensionValue,
            @ForAll double changeRatio,
            @ForAll IndicatorType type) {
        // Given an indicator and a statistic made of those values
        PartnerIndicator indicator = TestRecords.indicatorBuilder(type, value)
                .setTags(tags)
                .setCampaigns(tags)
                .setRedistributionScope(scope)
                .setCountry(scope)
                .build();
        TrendStatistic statistic = TestRecords.statistic(dimensionValue, 3);
        statistic.setChangeRatio(changeRatio);
        CsvFormat csv = new CsvFormat();

        // When the writer encodes them (and a header)
        List<List<String>> indicatorRows = read(csv.encode(TestRecords.record(1, indicator)));
        List<List<String>> statisticRows = read(csv.encode(TestRecords.record(2, statistic)));
        List<List<String>> headerRows = read(csv.header(RecordFields.INDICATOR_COLUMNS));

        // Then no field and no list item starts a formula
        for (List<List<String>> rows : List.of(indicatorRows, statisticRows, headerRows)) {
            assertThat(rows).hasSize(1);
            for (String field : rows.get(0)) {
                assertNotAFormula(field);
                for (String listItem : field.split(";", -1)) {
                    assertNotAFormula(listItem);
                }
            }
        }
        // And undoing the documented rule gives back each value
        List<String> i = indicatorRows.get(0);
        assertThat(undo(i.get(RecordFields.INDICATOR_COLUMNS.indexOf("value")))).isEqualTo(value);
        assertThat(undo(i.get(RecordFields.INDICATOR_COLUMNS.indexOf("redistribution_scope"))))
                .isEqualTo(scope);
        String tagField = i.get(RecordFields.INDICATOR_COLUMNS.indexOf("tags"));
        List<String> readTags = tags.isEmpty()
                ? List.of()
                : Arrays.stream(tagField.split(";", -1))
                        .map(CsvInjectionProperties::undo)
                        .toList();
        assertThat(readTags).isEqualTo(tags);
        List<String> s = statisticRows.get(0);
        assertThat(undo(s.get(RecordFields.STATISTIC_COLUMNS.indexOf("dimension_value"))))
                .isEqualTo(dimensionValue);
        assertThat(undo(s.get(RecordFields.STATISTIC_COLUMNS.indexOf("change_ratio"))))
                .isEqualTo(Double.toString(changeRatio));
    }

    private static void assertNotAFormula(String cell) {
        if (!cell.isEmpty() && !NUMBER.matcher(cell).matches()) {
            assertThat(DANGEROUS).as("first character of %s", cell).doesNotContain(cell.charAt(0));
        }
    }

    private static List<List<String>> read(byte[] line) {
        return new ArrayList<>(Rfc4180Reader.read(new String(line, StandardCharsets.UTF_8)));
    }

    /** The rule the class comment of CsvFormat gives a reader: split at {@code ;}, remove one leading {@code '} from each piece, join. */
    static String undo(String written) {
        return String.join(
                ";",
                Arrays.stream(written.split(";", -1))
                        .map(p -> p.startsWith("'") ? p.substring(1) : p)
                        .toList());
    }
}
