package io.threatline.consumer.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Durable file operations: content is written under a temporary name in the same directory,
 * forced to disk, then renamed over the final name in one atomic step, and the directory entry is
 * forced too. A reader sees the old file or the new one, never a part of either.
 */
final class AtomicFiles {

    /** Temporary files start with this, so that a partner's collector can skip them. */
    static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {
    }

    static void write(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName());
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
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
            throw new IOException("the file system of " + to.getParent() + " cannot rename atomically; files would be visible half-written", e);
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
            if (Files.isDirectory(directory) && System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e;
        }
    }
}
