package io.threatline.consumer.files;

import io.threatline.consumer.delivery.DeliveryRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** How one record becomes bytes in an appended, rotated file (JSONL or CSV). */
interface RecordFormat {

    /** File name extension without the dot. */
    String extension();

    /** Bytes written once at the start of every file with these columns (a CSV header), or none. */
    byte[] header(List<String> columns);

    /** One complete record, including its terminator. */
    byte[] encode(DeliveryRecord record);

    /**
     * The length of the longest prefix of {@code content} that ends with a complete record, used
     * to cut off a record half-written when the process died. Reads {@code content} once, in
     * pieces, so a file of any size is scanned without being held in memory.
     */
    long completePrefix(InputStream content) throws IOException;

    /** The complete records of a file's content (its header, if any, being the first), each with its terminator. */
    List<String> records(String content);

    /** Whether the record is about the indicator (its {@code indicator_id} is that id). */
    boolean names(String record, String indicatorId);
}
