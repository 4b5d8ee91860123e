package io.threatline.streams.reference;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Test reference files on the classpath ({@code src/test/resources/reference}). */
public final class TestFiles {

    private TestFiles() {}

    /** Path of {@code reference/<name>}. */
    public static Path path(String name) {
        URL url = TestFiles.class.getResource("/reference/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource reference/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stream of {@code reference/<name>}. */
    public static InputStream open(String name) {
        InputStream in = TestFiles.class.getResourceAsStream("/reference/" + name);
        if (in == null) {
            throw new IllegalArgumentException("no test resource reference/" + name);
        }
        return in;
    }

    /** A consumer that collects rows. */
    public static final class Rows<V> implements Consumer<ReferenceRow<V>> {
        public final List<ReferenceRow<V>> rows = new ArrayList<>();

        @Override
        public void accept(ReferenceRow<V> row) {
            rows.add(row);
        }

        public List<String> keys() {
            return rows.stream().map(ReferenceRow::key).toList();
        }

        public V value(String key) {
            return rows.stream()
                    .filter(r -> r.key().equals(key))
                    .map(ReferenceRow::value)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no row " + key + " in " + keys()));
        }
    }
}
