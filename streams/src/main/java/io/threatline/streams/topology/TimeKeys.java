package io.threatline.streams.topology;

/**
 * Store keys that sort by time: a time in epoch milliseconds as 16 lower-case hex digits, so that a
 * range scan from {@code hex16(0)} to {@code hex16(now)} finds everything due (the expiry index,
 * the embargo index, the statistics' pending counts and windows). The same text as
 * {@code String.format("%016x", millis)}, without the formatter, which showed in the hub's profile
 * (docs/benchmarks.md, issue 13).
 */
public final class TimeKeys {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private TimeKeys() {}

    /** {@code millis} as exactly 16 hex digits (two's complement for a negative value, as {@code %016x}). */
    public static String hex16(long millis) {
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = DIGITS[(int) (millis & 0xf)];
            millis >>>= 4;
        }
        return new String(out);
    }

    /** The lower bound of a scan for what is due: before every key {@code hex16(t) + "|..."}. */
    public static String dueFrom() {
        return hex16(0L) + "|";
    }

    /** The upper bound of a scan for what is due at {@code millis}: after every key {@code hex16(millis) + "|..."}. */
    public static String dueThrough(long millis) {
        return hex16(millis) + "|~";
    }
}
