package io.threatline.producer.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class InputAdaptersTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(InputFormat.class)
    void forFormatReturnsTheAdapterOfThatFormat(InputFormat format) {
        assertThat(InputAdapters.forFormat(format).format()).isEqualTo(format);
    }

    @ParameterizedTest(name = "[{index}] {0} / {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            nullValues = "null",
            value = {
                "feed.csv | {\"type\": \"bundle\"} | CSV",
                "FEED.CSV | | CSV",
                "events.jsonl | type,value | JSONL",
                "events.ndjson | | JSONL",
                "bundle.json | {\\n  \"type\": \"bundle\",\\n  \"id\": \"bundle--1\" | STIX",
                "stdin | {\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[]} | STIX",
                "misp.json | {\\n  \"Event\": {\\n    \"id\": \"1\" | MISP",
                "null | {\"response\": [{\"Event\": {\"id\": \"1\"}}]} | MISP",
                "export.json | {\"uuid\": \"x\", \"Attribute\": [] | MISP",
                "x | {\"indicatorValue\": \"1.2.3.4\"}\\n{\"indicatorValue\": \"5.6.7.8\"} | JSONL",
                "x | {\"indicatorValue\": \"1.2.3.4\", \"tags\": [\"Event\"]}\\n{\"indicatorValue\": \"x\"} | JSONL",
                "x | {\"indicatorValue\": \"1.2.3.4\"} | JSONL",
                "x | \\uFEFFtype,value\\nipv4,1.2.3.4 | CSV",
                "x | value | null",
                "x | {\\n  \"foo\": 1 | null",
                "x | '' | null",
            })
    void detectsByExtensionThenContent(String fileName, String start, String expected) {
        String content = start == null ? null : start.replace("\\n", "\n").replace("\\uFEFF", "\uFEFF");

        Optional<InputFormat> detected = InputAdapters.detect(fileName, content);

        assertThat(detected)
                .isEqualTo(expected == null ? Optional.empty() : Optional.of(InputFormat.valueOf(expected)));
    }
}
