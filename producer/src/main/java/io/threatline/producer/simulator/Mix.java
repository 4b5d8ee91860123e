package io.threatline.producer.simulator;

/** Stateless 64-bit hashing (SplitMix64's finaliser), for values derived from seeds and indexes. */
final class Mix {

    static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private Mix() {}

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** A double in [0, 1) from the high 53 bits of {@code h}. */
    static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }
}
