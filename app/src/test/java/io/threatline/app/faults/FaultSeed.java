package io.threatline.app.faults;

import java.util.Random;

/**
 * The seed of a fault test's random choices (when to kill, for how long): the system property
 * {@value #PROPERTY} when given, so that a failure can be replayed, otherwise drawn. It is printed
 * and belongs in every assertion description.
 */
public record FaultSeed(long value) {

    public static final String PROPERTY = "threatline.faults.seed";

    public static FaultSeed forTest(String test) {
        String given = System.getProperty(PROPERTY);
        long seed = given == null || given.isBlank() ? new Random().nextLong() : Long.parseLong(given.trim());
        FaultSeed chosen = new FaultSeed(seed);
        System.out.printf(
                "[faults] %s: %s (%s)%n",
                test, chosen, given == null || given.isBlank() ? "drawn" : "from -D" + PROPERTY);
        return chosen;
    }

    public Random random() {
        return new Random(value);
    }

    @Override
    public String toString() {
        return "seed " + value + " (replay with -D" + PROPERTY + "=" + value + ")";
    }
}
