package io.threatline.streams.dedup;

import io.threatline.contract.IndicatorType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** How long an indicator stays alive without being seen again, per type (DESIGN §5). */
public record Lifetimes(Duration ip, Duration domain, Duration url, Duration hash, Duration email) {

    public static Lifetimes defaults() {
        return new Lifetimes(
                Duration.ofDays(30),
                Duration.ofDays(90),
                Duration.ofDays(90),
                Duration.ofDays(365),
                Duration.ofDays(90));
    }

    public Duration of(IndicatorType type) {
        return switch (type) {
            case IPV4, IPV6 -> ip;
            case DOMAIN -> domain;
            case URL -> url;
            case MD5, SHA1, SHA256 -> hash;
            case EMAIL -> email;
            case UNKNOWN -> Duration.ZERO;
        };
    }

    public Map<IndicatorType, Duration> asMap() {
        Map<IndicatorType, Duration> m = new EnumMap<>(IndicatorType.class);
        for (IndicatorType t : IndicatorType.values()) {
            if (t != IndicatorType.UNKNOWN) {
                m.put(t, of(t));
            }
        }
        return m;
    }
}
