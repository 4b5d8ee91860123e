package io.threatline.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary encoding of the record.
 */
public final class ConfluentWireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private ConfluentWireFormat() {}

    /**
     * Reads the schema id from the header.
     *
     * @throws SerializationException when the bytes are not in the wire format, saying what they look like
     */
    public static int schemaId(byte[] data, String topic) {
        if (data.length < HEADER_LENGTH) {
            throw new SerializationException("Record of topic '" + topic + "' has " + data.length
                    + " bytes, fewer than the 5-byte header of the Confluent wire format (magic byte 0 and schema id)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "Unknown magic byte 0x%02x in a record of topic '%s': expected 0x00 (Confluent wire format)%s",
                    data[0] & 0xff, topic, hint(data[0])));
        }
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }

    static void writeHeader(byte[] target, int schemaId) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    private static String hint(byte first) {
        if (first == '{' || first == '[') {
            return "; the record looks like JSON, not Avro from a schema-registry serializer";
        }
        if (first >= 0x20 && first < 0x7f) {
            return "; the record looks like plain text, not Avro from a schema-registry serializer";
        }
        return "; the record was not written by a schema-registry serializer";
    }
}
