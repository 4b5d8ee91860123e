package io.threatline.consumer.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves the secrets an agreement refers to by name ({@code secret:nca/webhook-hmac}) or by
 * environment variable (<code>${THREATLINE_SECRET_NCA_HMAC}</code>); the agreement itself never holds one. A secret is looked up as the file {@code <dir>/<name>} (which
 * must not be readable by group or others), then as the environment variable
 * {@code THREATLINE_SECRET_<NAME>} with every character other than a letter or digit turned into
 * {@code _} ({@code THREATLINE_SECRET_NCA_WEBHOOK_HMAC}). Values are never logged.
 *
 * <p>An agreement may name only secrets meant for agreements: an environment reference must name a
 * variable called {@code THREATLINE_SECRET_<NAME>}. Any other (<code>${NCA_HMAC}</code>,
 * <code>${KAFKA_SASL_PASSWORD}</code>, <code>${AWS_SECRET_ACCESS_KEY}</code>) is refused with a
 * message naming the reference and this rule, so that whoever can write an agreement cannot have
 * another of the process's credentials sent to a receiver of their choosing (as a webhook's
 * {@code auth_token}, say).
 */
public final class Secrets {

    public static final String REFERENCE_PREFIX = "secret:";
    /** The only environment variables an agreement may name, and where {@code secret:<name>} falls back to. */
    public static final String ENVIRONMENT_PREFIX = "THREATLINE_SECRET_";

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");
    private static final Set<PosixFilePermission> TOO_OPEN = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private final Optional<Path> directory;
    private final Map<String, String> environment;

    public Secrets(Optional<Path> directory, Map<String, String> environment) {
        this.directory = directory;
        this.environment = Map.copyOf(environment);
    }

    /** Secrets from {@code directory} (if given) and the process environment. */
    public static Secrets from(Optional<Path> directory) {
        return new Secrets(directory, System.getenv());
    }

    public static boolean isReference(String value) {
        return value != null
                && (value.startsWith(REFERENCE_PREFIX)
                        || ENV_REFERENCE.matcher(value).matches());
    }

    /**
     * The secret that {@code reference} ({@code secret:<name>} or <code>${THREATLINE_SECRET_NAME}</code>) names.
     *
     * @throws IllegalArgumentException naming the reference (never the value) when it is malformed,
     *                                  missing, stored in a file others can read, or names an
     *                                  environment variable not meant for agreements
     */
    public String resolve(String reference) {
        checkReference(reference);
        var env = ENV_REFERENCE.matcher(reference);
        if (env.matches()) {
            String value = environment.get(env.group(1));
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(
                        "secret " + reference + " not found: the environment variable " + env.group(1) + " is not set");
            }
            return value;
        }
        String name = reference.substring(REFERENCE_PREFIX.length());
        return resolveName(name);
    }

    /**
     * Checks a reference's form and the rule on environment variables, without looking the secret
     * up: what can be checked where the secret is not (an agreement checked on another machine).
     *
     * @throws IllegalArgumentException as {@link #resolve} does for a malformed or refused reference
     */
    public static void checkReference(String reference) {
        if (!isReference(reference)) {
            throw new IllegalArgumentException(
                    "the value is not a secret reference; write secret:<name> or ${" + ENVIRONMENT_PREFIX + "<NAME>}");
        }
        var env = ENV_REFERENCE.matcher(reference);
        if (env.matches()) {
            String variable = env.group(1);
            if (!variable.startsWith(ENVIRONMENT_PREFIX) || variable.length() == ENVIRONMENT_PREFIX.length()) {
                throw new IllegalArgumentException(
                        "secret reference " + reference + " is refused: an agreement may name only"
                                + " environment variables called " + ENVIRONMENT_PREFIX + "<NAME> (for example ${"
                                + suggestion(variable) + "}) or secret:<name>");
            }
            return;
        }
        String name = reference.substring(REFERENCE_PREFIX.length());
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "secret name '" + name + "' may contain letters, digits, '.', '_', '-' and '/' between parts");
        }
    }

    private String resolveName(String name) {
        if (directory.isPresent()) {
            Path file = directory.get().resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                        if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
                            throw new IllegalArgumentException("secret file " + file
                                    + " is readable or writable by group or others; chmod 600 it");
                        }
                    }
                    return Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read secret file " + file + ": " + e.getMessage(), e);
                }
            }
        }
        String variable = environmentVariable(name);
        String value = environment.get(variable);
        if (value != null && !value.isEmpty()) {
            return value;
        }
        throw new IllegalArgumentException("secret '" + name + "' not found: neither "
                + directory.map(d -> "the file " + d.resolve(name) + " nor ").orElse("")
                + "the environment variable " + variable + " exists");
    }

    static String environmentVariable(String name) {
        return ENVIRONMENT_PREFIX + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String suggestion(String variable) {
        String rest =
                variable.startsWith(ENVIRONMENT_PREFIX) ? variable.substring(ENVIRONMENT_PREFIX.length()) : variable;
        return ENVIRONMENT_PREFIX + (rest.isEmpty() ? "<NAME>" : rest);
    }
}
