package io.threatline.platform.registry;

/** Avro schema texts shared by the registry tests. */
final class Schemas {

    /** A record with one string field {@code a}. */
    static final String V1 = record("{\"name\":\"a\",\"type\":\"string\"}");
    /** V1 plus an int field {@code b} with a default: backward and forward compatible with V1. */
    static final String V2_WITH_DEFAULT =
            record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}");
    /** V1 plus an int field {@code b} without default: not backward compatible with V1. */
    static final String V2_WITHOUT_DEFAULT =
            record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}");
    /** A record with no fields. */
    static final String EMPTY = record("");
    /** Field {@code a} as an int with a default: backward compatible with EMPTY but not with V1. */
    static final String A_AS_INT = record("{\"name\":\"a\",\"type\":\"int\",\"default\":0}");
    /** An unrelated record type. */
    static final String OTHER = "{\"type\":\"record\",\"name\":\"Other\",\"namespace\":\"test\",\"fields\":"
            + "[{\"name\":\"x\",\"type\":\"long\"}]}";

    private Schemas() {}

    static String record(String fields) {
        return "{\"type\":\"record\",\"name\":\"Indicator\",\"namespace\":\"test\",\"fields\":[" + fields + "]}";
    }
}
