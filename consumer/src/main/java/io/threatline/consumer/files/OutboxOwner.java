package io.threatline.consumer.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Makes sure no two partners share an outbox: the first partner whose files channel writes into a
 * directory claims it with a marker file {@value #MARKER} holding its partner id, and another
 * partner's channel is refused when its directory is that directory, lies inside it, or holds it
 * (equal or nested paths). The marker stays, so the rule also holds over time: a directory that once
 * held one partner's feed (and may still hold its files) is never handed to another partner; an
 * operator who really means to reassign it removes the marker. Because the marker sits in the
 * directory itself, two spellings of one directory (through a linked parent) still meet it.
 */
final class OutboxOwner {

    static final String MARKER = ".threatline-partner";
    /** A marker holds a partner id; anything larger is not one of ours. */
    private static final int MARKER_MAX_BYTES = 1024;

    private OutboxOwner() {}

    /** Another partner's claim on, above or below {@code directory}, which is refused. */
    static final class Conflict extends Exception {
        Conflict(String message) {
            super(message);
        }
    }

    /**
     * Claims {@code directory} (which exists) for {@code partnerId}.
     *
     * @throws Conflict naming both partners and the marker when another partner holds it, an
     *                  enclosing directory or a directory inside it
     */
    static void claim(Path directory, String partnerId) throws IOException, Conflict {
        for (Path above = directory; above != null; above = above.getParent()) {
            Optional<String> owner = owner(above.resolve(MARKER));
            if (owner.isPresent() && !owner.get().equals(partnerId)) {
                throw conflict(
                        partnerId,
                        owner.get(),
                        above,
                        above.equals(directory) ? "is the outbox of" : "lies inside the outbox of");
            }
        }
        Optional<Path> below = otherOwnerBelow(directory, partnerId);
        if (below.isPresent()) {
            throw conflict(
                    partnerId, owner(below.get()).orElseThrow(), below.get().getParent(), "holds the outbox of");
        }
        Path marker = directory.resolve(MARKER);
        try (FileChannel channel = AtomicFiles.open(marker, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap((partnerId + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        } catch (FileAlreadyExistsException e) {
            // Ours already (checked above).
        }
    }

    private static Conflict conflict(String partnerId, String owner, Path ownersDirectory, String relation) {
        return new Conflict("which " + relation + " partner '" + owner + "' (" + ownersDirectory
                + "); partner '" + partnerId + "' and partner '" + owner
                + "' may not share an outbox, nor nest one in the other's"
                + " (an operator who reassigns the directory removes " + ownersDirectory.resolve(MARKER) + ")");
    }

    private static Optional<String> owner(Path marker) throws IOException {
        if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS) || Files.size(marker) > MARKER_MAX_BYTES) {
            throw new IOException(marker
                    + " is not a partner marker (not a small regular file); remove it or fix the directory setting");
        }
        try (InputStream in = Files.newInputStream(marker, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(new String(in.readNBytes(MARKER_MAX_BYTES), StandardCharsets.UTF_8).strip());
        }
    }

    /** A marker of another partner in a directory below {@code directory} (links are not followed). */
    private static Optional<Path> otherOwnerBelow(Path directory, String partnerId) throws IOException {
        Path[] found = new Path[1];
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (file.getFileName().toString().equals(MARKER)
                        && !file.getParent().equals(directory)) {
                    Optional<String> owner = owner(file);
                    if (owner.isPresent() && !owner.get().equals(partnerId)) {
                        found[0] = file;
                        return FileVisitResult.TERMINATE;
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return Optional.ofNullable(found[0]);
    }
}
