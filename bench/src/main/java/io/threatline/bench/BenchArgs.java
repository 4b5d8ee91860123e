package io.threatline.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The harnesses' command lines: positional arguments first (bootstrap servers, registry URL,
 * sizes), then {@code --name=value} options and {@code --flag}s in any order. A misspelt option
 * fails loudly instead of being ignored: {@link #checkNoOtherOptions} names it.
 */
public final class BenchArgs {

    private final List<String> positional;
    private final Map<String, String> options;

    private BenchArgs(List<String> positional, Map<String, String> options) {
        this.positional = positional;
        this.options = options;
    }

    public static BenchArgs parse(String... args) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (String a : args) {
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                options.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
            } else {
                positional.add(a);
            }
        }
        return new BenchArgs(positional, options);
    }

    public int positionalCount() {
        return positional.size();
    }

    public String positional(int index, String what) {
        if (index >= positional.size()) {
            throw new IllegalArgumentException("missing argument " + (index + 1) + ": " + what);
        }
        return positional.get(index);
    }

    public String positional(int index, String what, String defaultValue) {
        return index < positional.size() ? positional.get(index) : defaultValue;
    }

    public long positionalLong(int index, String what, long defaultValue) {
        return index < positional.size() ? Long.parseLong(positional.get(index)) : defaultValue;
    }

    public String option(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    public long option(String name, long defaultValue) {
        String v = options.get(name);
        try {
            return v == null ? defaultValue : Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, was " + v);
        }
    }

    public double option(String name, double defaultValue) {
        String v = options.get(name);
        try {
            return v == null ? defaultValue : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, was " + v);
        }
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(options.getOrDefault(name, "false"));
    }

    /** Fails naming any option not among {@code known}. */
    public BenchArgs checkNoOtherOptions(String... known) {
        List<String> allowed = List.of(known);
        for (String name : options.keySet()) {
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + allowed);
            }
        }
        return this;
    }
}
