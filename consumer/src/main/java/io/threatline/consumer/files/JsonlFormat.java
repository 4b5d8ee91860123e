package io.threatline.consumer.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.consumer.delivery.DeliveryRecord;
import io.threatline.consumer.formats.RecordFields;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * JSON Lines (jsonlines.org): one JSON object per record with the fields of {@link RecordFields},
 * each followed by {@code \n}. JSON escapes every line break inside a value, so a line is a record.
 */
final class JsonlFormat implements RecordFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String extension() {
        return "jsonl";
    }

    @Override
    public byte[] header(List<String> columns) {
        return new byte[0];
    }

    @Override
    public byte[] encode(DeliveryRecord record) {
        try {
            byte[] json = JSON.writeValueAsBytes(RecordFields.of(record));
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record ends at an LF (JSON escapes a line break inside a string). */
    @Override
    public long completePrefix(InputStream content) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long position = 0;
        long end = 0;
        for (int n; (n = content.read(buffer)) > 0; position += n) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    end = position + i + 1;
                }
            }
        }
        return end;
    }

    @Override
    public List<String> records(String content) {
        List<String> records = new java.util.ArrayList<>();
        int start = 0;
        for (int end; (end = content.indexOf('\n', start)) >= 0; start = end + 1) {
            records.add(content.substring(start, end + 1));
        }
        return records;
    }

    @Override
    public boolean names(String record, String indicatorId) {
        try {
            return indicatorId.equals(JSON.readTree(record).path("indicator_id").asText(null));
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
