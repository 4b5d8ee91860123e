package io.threatline.consumer.taxii;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts failed logins per user name and per remote address in a fixed window, so that guessing
 * passwords is refused before the expensive password hash runs: once either has failed
 * {@code maxFailures} times in the window, further attempts that the credential cache cannot
 * answer are refused until the window ends (the caller answers 429 with {@code Retry-After}). A
 * partner whose credential is already verified and cached keeps working while its name is
 * throttled, so an attacker guessing its password cannot lock it out. Memory is bounded: past
 * {@value #MAX_TRACKED} keys, expired windows are dropped and, if that is not enough, all counts.
 */
final class LoginThrottle {

    static final int MAX_TRACKED = 100_000;

    private record Window(long startNanos, int failures) {}

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    LoginThrottle(int maxFailures, Duration window, LongSupplier nanoClock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, was " + maxFailures);
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /** How long the caller must wait before this user from this address may try a password again; empty if it may now. */
    Optional<Duration> blocked(String user, String address) {
        long now = nanoClock.getAsLong();
        long wait = Math.max(wait(userKey(user), now), wait(addressKey(address), now));
        return wait > 0 ? Optional.of(Duration.ofNanos(wait)) : Optional.empty();
    }

    /** Records a wrong password (or an unknown user) for both the user name and the address. */
    void failed(String user, String address) {
        long now = nanoClock.getAsLong();
        if (windows.size() >= MAX_TRACKED) {
            windows.values().removeIf(w -> now - w.startNanos() >= windowNanos);
            if (windows.size() >= MAX_TRACKED) {
                windows.clear();
            }
        }
        count(userKey(user), now);
        count(addressKey(address), now);
    }

    /** A verified password clears the user's count (not the address's: one good account must not reset a guesser). */
    void succeeded(String user) {
        windows.remove(userKey(user));
    }

    private void count(String key, long now) {
        windows.merge(
                key,
                new Window(now, 1),
                (old, one) ->
                        now - old.startNanos() >= windowNanos ? one : new Window(old.startNanos(), old.failures() + 1));
    }

    private long wait(String key, long now) {
        Window w = windows.get(key);
        if (w == null || w.failures() < maxFailures) {
            return 0;
        }
        return Math.max(0, w.startNanos() + windowNanos - now);
    }

    private static String userKey(String user) {
        return "u\u0000" + user;
    }

    private static String addressKey(String address) {
        return "a\u0000" + address;
    }
}
