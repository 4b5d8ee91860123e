package io.threatline.app;

import io.threatline.schemas.privacy.IndicatorKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The deployment's indicator key, for the commands that name an indicator by its reference
 * (docs/data-protection.md): by default the one {@code threatline run} made under its data directory.
 */
final class IndicatorKeyOption {

    /** The key file's name under the secrets directory. */
    static final String FILE_NAME = "indicator-key";

    @Option(
            names = "--indicator-key",
            paramLabel = "FILE",
            defaultValue = "${env:THREATLINE_INDICATOR_KEY_FILE:-.threatline/secrets/" + FILE_NAME + "}",
            description = "The deployment's indicator key file, the one the hub and delivery are given with "
                    + IndicatorKey.FILE_SETTING + " (default: ${DEFAULT-VALUE}, where run keeps it).")
    Path file;

    /** The key, when its file exists (commands that can do without, matching by value only). */
    java.util.Optional<IndicatorKey> keyIfPresent(CommandLine.Model.CommandSpec spec) {
        return Files.isRegularFile(file) ? java.util.Optional.of(key(spec)) : java.util.Optional.empty();
    }

    /**
     * Reads it.
     *
     * @throws CommandLine.ParameterException naming the file when it is missing or unreadable (usage error, exit 2)
     */
    IndicatorKey key(CommandLine.Model.CommandSpec spec) {
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--indicator-key " + file
                            + ": no such file; give the deployment's key file (the one the hub has as "
                            + IndicatorKey.FILE_SETTING + ")");
        }
        try {
            return IndicatorKey.read(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--indicator-key " + file + ": " + e.getMessage());
        }
    }
}
