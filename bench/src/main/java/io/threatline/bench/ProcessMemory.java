package io.threatline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** This JVM's memory as the operating system and the heap see it, and the size of a directory on disk. */
public final class ProcessMemory {

    private ProcessMemory() {}

    /** Resident memory now ({@code VmRSS} of {@code /proc/self/status}), in bytes; -1 where there is no /proc. */
    public static long residentBytes() {
        return status("VmRSS:");
    }

    /** The most resident memory so far ({@code VmHWM}), in bytes; -1 where there is no /proc. */
    public static long peakResidentBytes() {
        return status("VmHWM:");
    }

    public static long heapUsedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Heap used after a full collection: what the live objects take. */
    public static long heapLiveBytes() {
        System.gc();
        return heapUsedBytes();
    }

    /** Bytes of all regular files under {@code dir}. */
    public static long diskBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0; // a RocksDB file that went away while we walked
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long mib(long bytes) {
        return bytes < 0 ? bytes : bytes >> 20;
    }

    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
