package io.threatline.consumer.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Durable file operations: content is written under a temporary name in the same directory,
 * forced to disk, then renamed over the final name in one atomic step, and the directory entry is
 * forced too. A reader sees the old file or the new one, never a part of either. No symbolic link
 * is ever followed when writing (see {@link #open}); a rename over a link replaces the link itself.
 */
final class AtomicFiles {

    /** Temporary files start with this, so that a partner's collector can skip them. */
    static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {}

    /**
     * Partner files are readable by their owner and group only (0640, directories 0750): a feed holds
     * what one partner's agreement grants, and no other local user should read it. The partner's
     * collector runs as the owner or in the group.
     */
    private static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-r-----");

    private static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS = PosixFilePermissions.fromString("rwxr-x---");

    /**
     * Opens (creating it owner-and-group-only where the file system knows POSIX permissions) a file of
     * a feed. No symbolic link is followed, neither at the file's name nor as the feed directory
     * itself: a link planted there would make the write land elsewhere, so it is refused with an
     * error that names it.
     */
    static FileChannel open(Path file, OpenOption... options) throws IOException {
        requireRealDirectory(file.toAbsolutePath().getParent());
        Set<OpenOption> all = new HashSet<>(Arrays.asList(options));
        all.add(LinkOption.NOFOLLOW_LINKS);
        try {
            if (posix(file)) {
                return FileChannel.open(file, all, PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS));
            }
            return FileChannel.open(file, all);
        } catch (IOException e) {
            // The JDK reports O_NOFOLLOW's ELOOP as a plain IOException; say what it means.
            if (Files.isSymbolicLink(file)) {
                FileSystemException refused = new FileSystemException(
                        file.toString(),
                        null,
                        "is a symbolic link; refusing to write a partner's feed through it (remove it)");
                refused.initCause(e);
                throw refused;
            }
            throw e;
        }
    }

    /**
     * Fails unless {@code directory} is a directory and not a symbolic link (checked without
     * following links), so that a feed directory swapped for a link is not written through.
     */
    static void requireRealDirectory(Path directory) throws IOException {
        BasicFileAttributes attributes =
                Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new FileSystemException(
                    directory.toString(),
                    null,
                    "the feed directory is a symbolic link; refusing to write a partner's feed through it");
        }
        if (!attributes.isDirectory()) {
            throw new NotDirectoryException(directory.toString());
        }
    }

    /** Creates a feed directory (and missing parents), owner-and-group-only where the file system knows POSIX permissions. */
    static Path createDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return directory;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null && posix(parent)) {
            return Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_PERMISSIONS));
        }
        return Files.createDirectories(directory);
    }

    private static boolean posix(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null
                && existing.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static void write(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName());
        try (FileChannel channel =
                open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, ByteBuffer.wrap(content));
            channel.force(true);
        }
        move(temp, target);
    }

    /** Renames {@code from} over {@code to} atomically and makes the rename itself durable. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "the file system of " + to.getParent()
                            + " cannot rename atomically; files would be visible half-written",
                    e);
        }
        forceDirectory(to.toAbsolutePath().getParent());
    }

    /** Removes the temporary files an interrupted {@link #write} left in {@code directory}. */
    static void removeTemporaryFiles(Path directory) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; a rename there is as durable as it gets.
            if (Files.isDirectory(directory)
                    && System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e;
        }
    }
}
