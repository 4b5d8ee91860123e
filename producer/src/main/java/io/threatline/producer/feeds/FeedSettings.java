package io.threatline.producer.feeds;

import io.threatline.contract.Tlp;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One external feed as its file describes it ({@link FeedFile}); secrets are references, resolved by
 * the caller ({@link FeedCredentials}).
 *
 * @param name          the feed's id: its progress lines, its state and its events' sensor id
 * @param vendor        the vendor its events are published as (on {@code ti.vendor.<vendor>.events.v1})
 * @param columns       for CSV: Threatline's column name → the feed's (docs/sharing-back.md)
 * @param tlp           for what the feed does not mark
 * @param maxBytes      the largest document read (a manifest, an event, a page, a file)
 */
public record FeedSettings(
        String name,
        FeedKind kind,
        URI url,
        String vendor,
        Duration interval,
        String username,
        String passwordRef,
        Path caFile,
        Path clientKeystore,
        String clientKeystorePasswordRef,
        Map<String, String> columns,
        Tlp tlp,
        int confidence,
        int pageSize,
        long maxBytes) {

    public FeedSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(interval, "interval");
        columns = columns == null ? Map.of() : Map.copyOf(columns);
    }
}
