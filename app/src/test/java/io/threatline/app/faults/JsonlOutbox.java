package io.threatline.app.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a partner's collector finds in the folder of a files channel in JSON Lines: the completed
 * {@code *.jsonl} files (and, while delivery runs, the {@code *.part} file being written), read
 * line by line. A line that is not a JSON object with a {@code delivery_id} is torn.
 */
public final class JsonlOutbox {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param copies    delivery id to the number of lines that carry it
     * @param indicator delivery id to the indicator id its line names
     * @param torn      lines that are not whole records, with their file
     * @param unfinished files left as {@code .part} or temporary files
     */
    public record Contents(
            Map<String, Integer> copies, Map<String, String> indicator, List<String> torn, List<String> unfinished) {
        public long lines() {
            return copies.values().stream().mapToLong(Integer::longValue).sum();
        }
    }

    private final Path directory;

    public JsonlOutbox(Path directory) {
        this.directory = directory;
    }

    /** Completed files only: what a collector that reads {@code *.jsonl} sees. */
    public Contents completed() {
        return read(false);
    }

    /** Completed files and the one being written: everything written so far. */
    public Contents written() {
        return read(true);
    }

    private Contents read(boolean withParts) {
        Map<String, Integer> copies = new HashMap<>();
        Map<String, String> indicator = new HashMap<>();
        List<String> torn = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return new Contents(copies, indicator, torn, unfinished);
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                boolean part = name.endsWith(".jsonl.part");
                if (part || name.startsWith(".tmp-")) {
                    unfinished.add(name);
                }
                if (!(name.endsWith(".jsonl") || withParts && part)) {
                    continue;
                }
                String content;
                try {
                    content = Files.readString(file, StandardCharsets.UTF_8);
                } catch (java.nio.file.NoSuchFileException renamedMeanwhile) {
                    continue;
                }
                for (String line : content.split("\n", -1)) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    try {
                        JsonNode record = JSON.readTree(line);
                        String id = record.path("delivery_id").asText("");
                        if (id.isEmpty()) {
                            torn.add(name + ": " + line);
                        } else {
                            copies.merge(id, 1, Integer::sum);
                            indicator.put(id, record.path("indicator_id").asText());
                        }
                    } catch (IOException e) {
                        // A half line is what the last write of a killed process can leave in a .part file.
                        if (!part) {
                            torn.add(name + ": " + line);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Contents(copies, indicator, torn, unfinished);
    }
}
