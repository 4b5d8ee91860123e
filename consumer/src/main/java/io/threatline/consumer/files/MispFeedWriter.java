package io.threatline.consumer.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A MISP feed folder that a MISP instance can add as a feed of type "MISP Feed" (its URL being
 * the folder served over HTTP, or the folder itself on the MISP host): {@code manifest.json}, one
 * {@code <event uuid>.json} per batch (see {@link MispEventMapper}) and {@code hashes.csv}.
 *
 * <p>Layout as written by MISP's feed generator (PyMISP {@code examples/feed-generator} and
 * {@code pymisp/tools/feed.py#feed_meta_generator}): {@code manifest.json} maps each event uuid to
 * {@code {Orgc, Tag, info, date, analysis, threat_level_id, timestamp}}; {@code hashes.csv} has one
 * line {@code <md5 hex of the attribute value's UTF-8 bytes>,<event uuid>} per attribute.
 *
 * <p>Order of a batch, so that a reader following the manifest never meets a missing or partial
 * file: the event file is written atomically (temp + fsync + rename); then its hashes are appended
 * to {@code hashes.csv} and forced; then the manifest is rewritten atomically with the new entry.
 * A retried batch has the same event uuid: its event file is replaced, and its hashes are appended
 * only if the manifest does not list it yet (a crash between the two steps can leave duplicate
 * hash lines, which MISP's lookups tolerate). On start-up a half-written last line of
 * {@code hashes.csv} is cut off and temporary files of an earlier run are removed.
 *
 * <p>One event per batch rather than per rotation window: an event is then written once and never
 * read back and rewritten, and the idempotency key names it. Old events are not pruned.
 */
final class MispFeedWriter implements FormatWriter {

    static final String MANIFEST = "manifest.json";
    static final String HASHES = "hashes.csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final MispEventMapper mapper;
    private final Clock clock;
    private final ObjectNode manifest;
    private final FileChannel hashes;

    MispFeedWriter(Path directory, MispEventMapper mapper, Clock clock) throws IOException {
        this.directory = directory;
        this.mapper = mapper;
        this.clock = clock;
        AtomicFiles.removeTemporaryFiles(directory);
        Path manifestFile = directory.resolve(MANIFEST);
        this.manifest = readManifest(manifestFile);
        this.hashes = AtomicFiles.open(
                directory.resolve(HASHES),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        cutHalfWrittenHashLine();
    }

    /** The manifest written so far; read without following a link, since a linked one would be copied into the feed. */
    private static ObjectNode readManifest(Path manifestFile) throws IOException {
        if (!Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            return JSON.createObjectNode();
        }
        try (InputStream in = Files.newInputStream(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            if (Files.isSymbolicLink(manifestFile)) {
                throw new FileSystemException(
                        manifestFile.toString(),
                        null,
                        "is a symbolic link; refusing to read a partner's feed through it");
            }
            throw e;
        }
    }

    @Override
    public Optional<String> cannotExpress(DeliveryRecord record) {
        return MispEventMapper.cannotExpress(record);
    }

    @Override
    public void write(DeliveryBatch batch) throws IOException {
        ObjectNode event = mapper.event(batch, clock.instant());
        String uuid = MispEventMapper.eventUuid(batch);
        AtomicFiles.write(directory.resolve(uuid + ".json"), JSON.writeValueAsBytes(event));
        if (!manifest.has(uuid)) {
            appendHashes(event, uuid);
        }
        manifest.set(uuid, mapper.manifestEntry(event));
        AtomicFiles.write(directory.resolve(MANIFEST), JSON.writeValueAsBytes(manifest));
    }

    @Override
    public void close() throws IOException {
        hashes.close();
    }

    private void appendHashes(ObjectNode event, String uuid) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (JsonNode attribute : event.get("Event").get("Attribute")) {
            lines.append(md5(attribute.get("value").asText()))
                    .append(',')
                    .append(uuid)
                    .append('\n');
        }
        long before = hashes.size();
        try {
            hashes.position(before);
            AtomicFiles.writeFully(hashes, ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
            hashes.force(false);
        } catch (IOException e) {
            hashes.truncate(before);
            throw e;
        }
    }

    static String md5(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }

    private void cutHalfWrittenHashLine() throws IOException {
        long size = hashes.size();
        int tail = (int) Math.min(size, 4096);
        ByteBuffer content = ByteBuffer.allocate(tail);
        hashes.read(content, size - tail);
        byte[] bytes = content.array();
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            hashes.truncate(size - tail + end);
            hashes.force(true);
        }
    }
}
