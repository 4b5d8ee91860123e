package io.threatline.consumer.files;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The {@code format} setting of the files channel. */
public enum FileFormat {
    /** Rotated JSON Lines files, one object per record ({@link JsonlFormat}). */
    JSONL,
    /** Rotated RFC 4180 CSV files with a header ({@link CsvFormat}). */
    CSV,
    /** One STIX 2.1 bundle file per batch ({@link StixBundleWriter}). */
    STIX,
    /** A MISP feed folder ({@link MispFeedWriter}). */
    MISP;

    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Set<String> settingValues() {
        return Arrays.stream(values()).map(FileFormat::settingValue).collect(Collectors.toSet());
    }
}
