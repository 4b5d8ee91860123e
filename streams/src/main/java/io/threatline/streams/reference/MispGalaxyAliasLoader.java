package io.threatline.streams.reference;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.contract.reference.FamilyAlias;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Loads malware family aliases from MISP galaxy cluster files (for example {@code
 * clusters/banker.json} or {@code clusters/malpedia.json} of MISP/misp-galaxy).
 *
 * <p>Each cluster's {@code value} is the canonical family; it maps to itself, and each of its
 * {@code meta.synonyms} maps to it. Names are trimmed; keys are lower-cased ({@link Locale#ROOT}).
 * The row's source is {@code misp-galaxy:<galaxy type>}.
 *
 * <p>When two clusters claim the same alias for different families, the first one loaded wins and
 * the later claim is reported as a problem. One loader instance remembers the claims of every file
 * it loaded, so loading {@code banker.json} and then {@code malpedia.json} with the same instance
 * gives banker's mapping priority. Not thread-safe.
 */
public final class MispGalaxyAliasLoader {

    private record Claim(String family, String location) {}

    private final Map<String, Claim> claims = new HashMap<>();

    /** Loads one galaxy cluster file. */
    public LoadResult load(Path file, Consumer<ReferenceRow<FamilyAlias>> sink) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(file.getFileName().toString(), in, sink);
        }
    }

    /**
     * Loads galaxy clusters from {@code in}; {@code fileName} names the file in problems.
     *
     * @throws IOException only if {@code in} cannot be read; malformed content is reported
     */
    public LoadResult load(String fileName, InputStream in, Consumer<ReferenceRow<FamilyAlias>> sink)
            throws IOException {
        List<LoadProblem> problems = new ArrayList<>();
        Optional<JsonNode> document = JsonFiles.read(fileName, in, problems);
        if (document.isEmpty()) {
            return new LoadResult(fileName, 0, problems);
        }
        JsonNode root = document.get();
        JsonNode values = root.get("values");
        if (values == null || !values.isArray()) {
            problems.add(new LoadProblem(fileName, "has no \"values\" array of clusters"));
            return new LoadResult(fileName, 0, problems);
        }
        String galaxy = JsonFiles.text(root, "type");
        String source = "misp-galaxy:" + (galaxy == null || galaxy.isBlank() ? fileName : galaxy.strip());
        long rows = 0;
        for (int i = 0; i < values.size(); i++) {
            JsonNode cluster = values.get(i);
            String at = fileName + ": values[" + i + "]";
            String family = cluster.isObject() ? JsonFiles.text(cluster, "value") : null;
            if (family == null || family.isBlank()) {
                problems.add(new LoadProblem(at, "has no \"value\" naming the family; cluster skipped"));
                continue;
            }
            family = family.strip();
            at = at + ' ' + JsonFiles.quote(family);
            // The canonical name first, then the synonyms, each alias once per cluster.
            Map<String, String> aliases = new LinkedHashMap<>();
            aliases.put(family.toLowerCase(Locale.ROOT), family);
            JsonNode synonyms = cluster.path("meta").path("synonyms");
            if (!synonyms.isMissingNode() && !synonyms.isArray()) {
                problems.add(new LoadProblem(at, "has meta.synonyms that is not an array; synonyms skipped"));
            } else {
                for (int s = 0; s < synonyms.size(); s++) {
                    JsonNode synonym = synonyms.get(s);
                    if (!synonym.isTextual() || synonym.asText().isBlank()) {
                        problems.add(new LoadProblem(at + " meta.synonyms[" + s + "]", "is not a name; skipped"));
                        continue;
                    }
                    String alias = synonym.asText().strip();
                    aliases.putIfAbsent(alias.toLowerCase(Locale.ROOT), alias);
                }
            }
            for (Map.Entry<String, String> alias : aliases.entrySet()) {
                Claim earlier = claims.putIfAbsent(alias.getKey(), new Claim(family, at));
                if (earlier == null) {
                    sink.accept(new ReferenceRow<>(alias.getKey(), new FamilyAlias(alias.getValue(), family, source)));
                    rows++;
                } else if (!earlier.family().equals(family)) {
                    problems.add(new LoadProblem(
                            at,
                            "alias " + JsonFiles.quote(alias.getValue())
                                    + " is already claimed by family " + JsonFiles.quote(earlier.family())
                                    + " (" + earlier.location() + "); the first claim is kept"));
                }
            }
        }
        return new LoadResult(fileName, rows, problems);
    }
}
