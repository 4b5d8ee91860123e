package io.threatline.consumer.files;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of appended records (a partner's indicators or its statistics) written into files
 * that rotate every {@code rotate} (windows aligned to the epoch, so PT1H starts on the hour) or when
 * one reaches {@code maxBytes}.
 *
 * <p>The open file is {@code <prefix>-<window start>-<seq>.<ext>.part}; only when it is complete
 * is it renamed to {@code <prefix>-<window start>-<seq>.<ext>} (e.g.
 * {@code indicators-20261129T100000Z-0001.jsonl}), so a collector that reads {@code *.jsonl} never
 * sees a file still being written. Each append is forced to disk before it returns. A file is
 * rotated when a batch arrives after its window or when it is full, on {@link #close()}, and by
 * {@link #completeIfExpired()}, which the delivery worker calls on a quiet feed.
 *
 * <p>After a crash the {@code .part} file holds confirmed batches and perhaps one half-written
 * record of an unconfirmed batch; on start-up the half record is cut off and the file is renamed
 * into place (the unconfirmed batch is delivered again). The file is scanned in one streaming pass,
 * never read whole into memory, and only up to {@link #leftoverLimit()}: a larger one, or one that
 * is not a regular file (a symbolic link is never followed), is renamed to
 * {@code <name>.part}{@value #SET_ASIDE_SUFFIX} with an error in the log, for an operator to look
 * at; its confirmed records then stay out of the feed until they do.
 */
final class RotatingFile implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(RotatingFile.class);
    static final String PART_SUFFIX = ".part";
    static final String SET_ASIDE_SUFFIX = ".set-aside";
    /** Room above max_bytes for the batch that crossed it (see {@link #leftoverLimit()}). */
    static final long LEFTOVER_SLACK = 64L * 1024 * 1024;

    private static final DateTimeFormatter WINDOW =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path directory;
    private final String prefix;
    private final RecordFormat format;
    private final byte[] header;
    private final long rotateMillis;
    private final long maxBytes;
    private final Clock clock;

    private FileChannel channel;
    private Path part;
    private Path target;
    private long windowStart;
    private long size;

    RotatingFile(
            Path directory,
            String prefix,
            List<String> columns,
            RecordFormat format,
            Duration rotate,
            long maxBytes,
            Clock clock)
            throws IOException {
        this.directory = directory;
        this.prefix = prefix;
        this.format = format;
        this.header = format.header(columns);
        this.rotateMillis = rotate.toMillis();
        this.maxBytes = maxBytes;
        this.clock = clock;
        recoverLeftovers();
    }

    /** Appends the records as one write and forces them to disk; on failure the file is cut back. */
    void append(List<byte[]> records) throws IOException {
        long now = clock.millis();
        if (channel != null && (now >= windowStart + rotateMillis || size >= maxBytes)) {
            finish();
        }
        if (channel == null) {
            open(now);
        }
        int length = records.stream().mapToInt(r -> r.length).sum();
        ByteBuffer buffer = ByteBuffer.allocate(length);
        records.forEach(buffer::put);
        buffer.flip();
        long before = size;
        try {
            AtomicFiles.writeFully(channel, buffer);
            channel.force(false);
            size += length;
        } catch (IOException e) {
            cutBack(before);
            throw e;
        }
        if (size >= maxBytes) {
            finish();
        }
    }

    /** Completes the open file (renames it into place) when its window has ended. */
    void completeIfExpired() throws IOException {
        if (channel != null && clock.millis() >= windowStart + rotateMillis) {
            finish();
        }
    }

    /**
     * Rewrites every file of this stream still in the directory without the records about
     * {@code indicatorId}, but for those in {@code keep} (the erasure's own REVOKE, which tells the
     * partner to delete its copies): an erasure on request (docs/data-protection.md). The open file is
     * completed first; each file changed is written anew beside it and renamed over it, so a collector
     * sees the old file or the new one, never half of one. Files set aside after a crash are not
     * touched (an operator looks at them).
     *
     * @return how many records were removed
     */
    int erase(String indicatorId, java.util.Set<String> keep) throws IOException {
        if (channel != null) {
            finish();
        }
        int removed = 0;
        try (java.nio.file.DirectoryStream<Path> files =
                Files.newDirectoryStream(directory, prefix + "-*." + format.extension())) {
            for (Path file : files) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (Files.size(file) > leftoverLimit()) {
                    // Larger than any file this channel writes: not read into memory, left for an operator.
                    LOGGER.error(
                            "Erasure: {} has {} bytes, more than this channel ever writes ({}); not rewritten, look at it",
                            file,
                            Files.size(file),
                            leftoverLimit());
                    continue;
                }
                StringBuilder kept = new StringBuilder();
                int dropped = 0;
                for (String record : format.records(Files.readString(file, java.nio.charset.StandardCharsets.UTF_8))) {
                    if (format.names(record, indicatorId) && !keep.contains(record)) {
                        dropped++;
                    } else {
                        kept.append(record);
                    }
                }
                if (dropped > 0) {
                    // The file keeps its time, so the agreement's retention still counts from when it was written.
                    java.nio.file.attribute.FileTime written =
                            Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
                    AtomicFiles.write(file, kept.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    Files.setLastModifiedTime(file, written);
                    removed += dropped;
                }
            }
        }
        return removed;
    }

    /** Deletes this stream's completed files last written before {@code before} (the open one stays). */
    int prune(Instant before) throws IOException {
        return deleteOlder(directory, prefix + "-*." + format.extension(), before);
    }

    /**
     * Deletes the regular files in {@code directory} matching {@code glob} last modified before
     * {@code before} (a symbolic link is never followed), as a retention does.
     *
     * @return how many were deleted
     */
    static int deleteOlder(Path directory, String glob, Instant before) throws IOException {
        int deleted = 0;
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(directory, glob)) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                                .toInstant()
                                .isBefore(before)
                        && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** The file being written, if any (for tests and logs). */
    Path currentPart() {
        return part;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            finish();
        }
    }

    private void open(long now) throws IOException {
        windowStart = now - Math.floorMod(now, rotateMillis);
        String base = prefix + "-" + WINDOW.format(Instant.ofEpochMilli(windowStart));
        int seq = 1;
        // A name taken by anything, a dangling link included, is skipped; a link at the chosen name is refused by open.
        while (Files.exists(directory.resolve(name(base, seq)), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(directory.resolve(name(base, seq) + PART_SUFFIX), LinkOption.NOFOLLOW_LINKS)) {
            seq++;
        }
        target = directory.resolve(name(base, seq));
        part = directory.resolve(name(base, seq) + PART_SUFFIX);
        channel = AtomicFiles.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        AtomicFiles.writeFully(channel, ByteBuffer.wrap(header));
        size = header.length;
    }

    private String name(String base, int seq) {
        return String.format("%s-%04d.%s", base, seq, format.extension());
    }

    private void finish() throws IOException {
        channel.force(true);
        channel.close();
        channel = null;
        AtomicFiles.move(part, target);
        LOGGER.debug("Completed {} ({} bytes)", target, size);
        part = null;
        target = null;
    }

    private void cutBack(long length) {
        try {
            channel.truncate(length);
            channel.position(length);
        } catch (IOException e) {
            LOGGER.warn(
                    "Cannot cut {} back to {} bytes after a failed write; recovery on restart will: {}",
                    part,
                    length,
                    e.toString());
        }
    }

    /**
     * The most a {@code .part} file left by an earlier run may hold to be completed: the size limit
     * plus room for the batch that crossed it. A larger one was not written by this channel.
     */
    long leftoverLimit() {
        return maxBytes + LEFTOVER_SLACK;
    }

    private void recoverLeftovers() throws IOException {
        try (DirectoryStream<Path> leftovers =
                Files.newDirectoryStream(directory, prefix + "-*." + format.extension() + PART_SUFFIX)) {
            for (Path leftover : leftovers) {
                BasicFileAttributes attributes =
                        Files.readAttributes(leftover, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isRegularFile()) {
                    setAside(leftover, "it is not a regular file (a symbolic link?), so it is not followed");
                    continue;
                }
                if (attributes.size() > leftoverLimit()) {
                    setAside(
                            leftover,
                            "it holds " + attributes.size() + " bytes, more than the " + leftoverLimit()
                                    + " a file of this channel can reach (max_bytes + " + LEFTOVER_SLACK
                                    + "), so it is not read");
                    continue;
                }
                recover(leftover, attributes.size());
            }
        }
    }

    /** Cuts off a half-written record (found by one streaming pass) and renames the file into place. */
    private void recover(Path leftover, long length) throws IOException {
        long complete;
        try (FileChannel c = FileChannel.open(
                leftover, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            complete = format.completePrefix(new BufferedInputStream(Channels.newInputStream(c), 64 * 1024));
            if (complete <= header.length) {
                c.close();
                Files.delete(leftover);
                return;
            }
            c.truncate(complete);
            c.force(true);
        }
        String name = leftover.getFileName().toString();
        Path completed = leftover.resolveSibling(name.substring(0, name.length() - PART_SUFFIX.length()));
        AtomicFiles.move(leftover, completed);
        LOGGER.info("Completed {} left by an earlier run ({} bytes cut off)", completed, length - complete);
    }

    /** Renames a leftover out of the way (it no longer matches {@code *.part} nor a feed's name) and says why. */
    private static void setAside(Path leftover, String why) throws IOException {
        Path aside = leftover.resolveSibling(leftover.getFileName() + SET_ASIDE_SUFFIX);
        AtomicFiles.move(leftover, aside);
        LOGGER.error("Set aside {} as {}: {}; look at it by hand", leftover, aside.getFileName(), why);
    }
}
