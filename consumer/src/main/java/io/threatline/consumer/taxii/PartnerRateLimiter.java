package io.threatline.consumer.taxii;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per authenticated partner: {@code burst} requests at once, refilled at
 * {@code perSecond}. A request that finds the bucket empty is refused (429) with the time until
 * the next token, so one partner paging as fast as it can does not starve the others of the
 * server's threads and Kafka readers. Partners are few (one per agreement), so the map is not
 * bounded further.
 */
final class PartnerRateLimiter {

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }
    }

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    PartnerRateLimiter(double perSecond, int burst, LongSupplier nanoClock) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** Takes a token for {@code partnerId}; empty if it got one, else how long until one is there. */
    Optional<Duration> acquire(String partnerId) {
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(partnerId, id -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.lastNanos) * perNano);
            bucket.lastNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / perNano)));
        }
    }
}
