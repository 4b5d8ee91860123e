package io.threatline.platform.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Applies a {@link CompatibilityLevel} to a candidate schema and earlier versions using Avro's
 * reader/writer compatibility check, producing Confluent-style incompatibility messages.
 */
final class CompatibilityChecker {

    /** An earlier live version of the subject. */
    record Previous(int version, Schema schema) {}

    private CompatibilityChecker() {}

    /**
     * Checks {@code candidate} against earlier versions.
     *
     * @param previousNewestFirst live earlier versions, newest first; only the first is used unless the level is
     *                            transitive
     * @return the incompatibility messages; empty if compatible
     */
    static List<String> check(CompatibilityLevel level, Schema candidate, List<Previous> previousNewestFirst) {
        if (level == CompatibilityLevel.NONE || previousNewestFirst.isEmpty()) {
            return List.of();
        }
        List<Previous> targets = level.transitive() ? previousNewestFirst : previousNewestFirst.subList(0, 1);
        List<String> messages = new ArrayList<>();
        for (Previous previous : targets) {
            List<String> found = new ArrayList<>();
            if (level.backward()) {
                found.addAll(incompatibilities(candidate, previous.schema(), "new", "old"));
            }
            if (level.forward()) {
                found.addAll(incompatibilities(previous.schema(), candidate, "old", "new"));
            }
            if (!found.isEmpty()) {
                messages.addAll(found);
                messages.add("{oldSchemaVersion: " + previous.version() + "}");
                messages.add("{oldSchema: '" + previous.schema() + "'}");
            }
        }
        if (!messages.isEmpty()) {
            messages.add("{compatibility: '" + level + "'}");
        }
        return messages;
    }

    private static List<String> incompatibilities(Schema reader, Schema writer, String readerName, String writerName) {
        List<String> messages = new ArrayList<>();
        for (Incompatibility incompatibility : SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult()
                .getIncompatibilities()) {
            messages.add("{errorType:'" + incompatibility.getType() + "', description:'"
                    + describe(incompatibility, readerName, writerName) + "', additionalInfo:'"
                    + incompatibility.getMessage() + "'}");
        }
        return messages;
    }

    private static String describe(Incompatibility incompatibility, String reader, String writer) {
        String path = incompatibility.getLocation();
        String info = incompatibility.getMessage();
        switch (incompatibility.getType()) {
            case NAME_MISMATCH:
                return "The name of the schema has changed (path '" + path + "')";
            case FIXED_SIZE_MISMATCH:
                return "The size of FIXED type field at path '" + path + "' in the " + reader
                        + " schema does not match with the " + writer + " schema";
            case MISSING_ENUM_SYMBOLS:
                return "The " + reader + " schema is missing enum symbols '" + info + "' at path '" + path + "' in the "
                        + writer + " schema";
            case READER_FIELD_MISSING_DEFAULT_VALUE:
                return "The field '" + info + "' at path '" + path + "' in the " + reader
                        + " schema has no default value and is missing in the " + writer + " schema";
            case TYPE_MISMATCH:
                return "The type (path '" + path + "') of a field in the " + reader + " schema does not match with the "
                        + writer + " schema";
            case MISSING_UNION_BRANCH:
                return "The " + reader + " schema is missing a type inside a union field at path '" + path + "' in the "
                        + writer + " schema";
            default:
                return "The " + reader + " schema cannot read data written with the " + writer + " schema at path '"
                        + path + "'";
        }
    }
}
