package io.threatline.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the figures were measured on: cores, processor, memory, JDK and operating system. */
public final class Machine {

    private Machine() {}

    /** This machine, read from the JVM and from {@code /proc} and {@code /etc/os-release} where they exist. */
    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put(
                "processor",
                firstValue(Path.of("/proc/cpuinfo"), "model name", ":").orElse("unknown"));
        m.put(
                "memory",
                firstValue(Path.of("/proc/meminfo"), "MemTotal", ":")
                        .map(kb -> String.format("%.1f GiB", Long.parseLong(kb.replaceAll("\\D", "")) / 1048576.0))
                        .orElse("unknown"));
        m.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put(
                "OS",
                firstValue(Path.of("/etc/os-release"), "PRETTY_NAME", "=")
                                .map(v -> v.replace("\"", ""))
                                .orElse(System.getProperty("os.name"))
                        + ", kernel " + System.getProperty("os.version") + ", " + System.getProperty("os.arch"));
        return m;
    }

    private static java.util.Optional<String> firstValue(Path file, String key, String separator) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return java.util.Optional.of(
                            line.substring(line.indexOf(separator) + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the description says "unknown".
        }
        return java.util.Optional.empty();
    }
}
