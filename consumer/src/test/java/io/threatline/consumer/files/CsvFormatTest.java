package io.threatline.consumer.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.consumer.delivery.TestRecords;
import io.threatline.consumer.formats.RecordFields;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.TrendStatistic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CSV format's documented handling of values a spreadsheet would run as formulas. */
class CsvFormatTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                // formula starts (OWASP's list) get a single quote in front
                "=HYPERLINK(\"http://x\")|'=HYPERLINK(\"http://x\")",
                "+1+cmd|'+1+cmd",
                "-2+3+cmd|'-2+3+cmd",
                "@SUM(A1)|'@SUM(A1)",
                "-bad.example|'-bad.example",
                "-|'-",
                // a value starting with the prefix itself is prefixed too, so one leading ' always undoes it
                "'=x|''=x",
                "'quoted|''quoted",
                // ordinary indicator values are unchanged
                "203.0.113.7|203.0.113.7",
                "2001:db8::7|2001:db8::7",
                "44d88612fea8a8f36de82e1278abb02f|44d88612fea8a8f36de82e1278abb02f",
                "http://bad.example.com/login.php?a=1&b=2|http://bad.example.com/login.php?a=1&b=2",
                "phisher@bad.example.com|phisher@bad.example.com",
                "a=b|a=b",
                // plain decimal numbers a spreadsheet reads as numbers stay as they are, negative ones included
                "-0.25|-0.25",
                "-12|-12",
                "1.0E-5|1.0E-5",
                "-1.5E-7|-1.5E-7",
                // what only looks like a number is neutralised
                "-Infinity|'-Infinity",
                "-1+1|'-1+1",
                "+12|'+12",
                "-0x1F|'-0x1F",
                // every ;-separated piece is a cell to a spreadsheet that splits at ;
                "http://x.example/a;-b|http://x.example/a;'-b",
                "a;=1+1;b|a;'=1+1;b",
                // a field starts with its first piece: a number there is a number only when it is the whole field
                // (CsvInjectionProperties found -0; — a spreadsheet that does not split at ; reads it as a formula)
                "-1;-2|'-1;-2",
                "-0;|'-0;",
                "a;-2|a;-2",
            })
    void shouldNeutraliseFormulaStartsAndLeaveOrdinaryValuesAndPlainNumbers(String value, String written) {
        // Given a value / When it is written / Then it is written as documented
        assertThat(CsvFormat.neutralise(value)).isEqualTo(written);
        // And the documented undo rule gives the value back
        assertThat(CsvInjectionProperties.undo(written)).isEqualTo(value);
    }

    @Test
    void shouldNeutraliseValuesStartingWithTabOrCarriageReturn() {
        assertThat(CsvFormat.neutralise("\t=1+1")).isEqualTo("'\t=1+1");
        assertThat(CsvFormat.neutralise("\r=1+1")).isEqualTo("'\r=1+1");
        assertThat(CsvFormat.neutralise("a\t=1")).isEqualTo("a\t=1");
        assertThat(CsvFormat.neutralise("")).isEmpty();
    }

    @Test
    void shouldNeutraliseEachListItemAndKeepANegativeChangeRatioANumber() {
        // Given an indicator with formula-like tags and value, and a statistic with a negative change
        CsvFormat csv = new CsvFormat();
        var indicator = TestRecords.indicatorBuilder(IndicatorType.DOMAIN, "=cmd|'/c calc'!A0")
                .setTags(List.of("c2", "=1+1", "-x", "@y"))
                .build();
        TrendStatistic statistic = TestRecords.statistic("-Emotet", 5);
        statistic.setChangeRatio(-0.25);

        // When both are encoded
        Map<String, String> i = row(RecordFields.INDICATOR_COLUMNS, csv.encode(TestRecords.record(1, indicator)));
        Map<String, String> s = row(RecordFields.STATISTIC_COLUMNS, csv.encode(TestRecords.record(2, statistic)));

        // Then the value and every tag are text to a spreadsheet, and the number stays a number
        assertThat(i.get("value")).isEqualTo("'=cmd|'/c calc'!A0");
        assertThat(i.get("tags")).isEqualTo("c2;'=1+1;'-x;'@y");
        assertThat(i.get("confidence")).isEqualTo("80");
        assertThat(s.get("dimension_value")).isEqualTo("'-Emotet");
        assertThat(s.get("change_ratio")).isEqualTo("-0.25");
    }

    private static Map<String, String> row(List<String> columns, byte[] line) {
        List<List<String>> rows = Rfc4180Reader.read(new String(line, StandardCharsets.UTF_8));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).hasSameSizeAs(columns);
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            out.put(columns.get(c), rows.get(0).get(c));
        }
        return out;
    }
}
