package io.threatline.streams.reference;

import java.util.List;

/**
 * Outcome of loading one reference file.
 *
 * @param source name of the file (used as the rows' {@code source})
 * @param rows number of rows handed to the consumer
 * @param problems entries that were skipped or conflicted, each naming its location
 */
public record LoadResult(String source, long rows, List<LoadProblem> problems) {
    public LoadResult {
        problems = List.copyOf(problems);
    }

    /** Whether every entry loaded without a problem. */
    public boolean clean() {
        return problems.isEmpty();
    }
}
