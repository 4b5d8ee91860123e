package io.threatline.streams.reference;

import java.util.Objects;

/**
 * An entry of a reference file that could not be loaded, or a conflict between entries. A problem
 * never stops the rest of the file from loading.
 *
 * @param location file and position of the entry, for example {@code ranges.csv:7} or {@code
 *     banker.json: values[3] "Zeus"}
 * @param message what is wrong, for a human
 */
public record LoadProblem(String location, String message) {
    public LoadProblem {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return location + ": " + message;
    }
}
