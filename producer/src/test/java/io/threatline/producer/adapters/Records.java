package io.threatline.producer.adapters;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Test helper: runs an adapter over a sample or a string and keeps what it emitted, in order. */
final class Records {

    /** Defaults chosen to differ from everything in the samples, so a defaulted field is visible. */
    static final AdapterDefaults DEFAULTS =
            new AdapterDefaults("default-vendor", "default-sensor", Tlp.RED, 42, Instant.parse("2024-01-01T00:00:00Z"));

    final List<ParsedRecord> all = new ArrayList<>();

    static Records readSample(InputAdapter adapter, String sample) {
        String resource = "/samples/" + sample;
        try (InputStream in = Records.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no sample " + resource);
            }
            return read(adapter, new InputStreamReader(in, UTF_8), sample);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Records readString(InputAdapter adapter, String text, String sourceName) {
        return read(adapter, new StringReader(text), sourceName);
    }

    private static Records read(InputAdapter adapter, Reader reader, String sourceName) {
        Records r = new Records();
        try {
            adapter.read(reader, sourceName, DEFAULTS, r.all::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }

    List<ThreatEvent> events() {
        return all.stream()
                .filter(ParsedRecord.Event.class::isInstance)
                .map(r -> ((ParsedRecord.Event) r).event())
                .toList();
    }

    List<ParsedRecord.Problem> problems() {
        return all.stream()
                .filter(ParsedRecord.Problem.class::isInstance)
                .map(ParsedRecord.Problem.class::cast)
                .toList();
    }

    /** "E location" or "P location CODE" per record, to assert the whole sequence at once. */
    List<String> summary() {
        return all.stream()
                .map(r -> r instanceof ParsedRecord.Problem p
                        ? "P " + p.location() + " " + p.code()
                        : "E " + r.location() + " "
                                + ((ParsedRecord.Event) r).event().getIndicatorType())
                .toList();
    }

    ThreatEvent eventWithValue(String value) {
        List<ThreatEvent> found = events().stream()
                .filter(e -> e.getIndicatorValue().equals(value))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one event with value " + value + ", found " + found.size());
        }
        return found.get(0);
    }

    ParsedRecord.Problem problemAt(String location) {
        List<ParsedRecord.Problem> found =
                problems().stream().filter(p -> p.location().equals(location)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one problem at " + location + ", found " + found + " in " + summary());
        }
        return found.get(0);
    }

    static String expectedId(String vendor, String source, String location, IndicatorType type, String value) {
        String name = vendor + "|" + source + "|" + location + "|" + type + "|" + value;
        return UUID.nameUUIDFromBytes(name.getBytes(UTF_8)).toString();
    }
}
