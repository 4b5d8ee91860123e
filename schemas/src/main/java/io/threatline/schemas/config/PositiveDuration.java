package io.threatline.schemas.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A {@link ConfigDef} validator for settings that hold a positive ISO-8601 duration ({@code P30D},
 * {@code PT0.5S}), shared by the programs' config classes so they refuse the same values with the
 * same message naming the setting.
 */
public final class PositiveDuration implements ConfigDef.Validator {

    public static final PositiveDuration INSTANCE = new PositiveDuration();

    private PositiveDuration() {}

    @Override
    public void ensureValid(String name, Object value) {
        Duration duration;
        try {
            duration = Duration.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            throw new ConfigException(name, value, "is not an ISO-8601 duration; use e.g. P30D, PT12H, PT1M or PT0.5S");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new ConfigException(name, value, "must be a positive ISO-8601 duration such as P30D or PT1M");
        }
    }

    @Override
    public String toString() {
        return "a positive ISO-8601 duration";
    }
}
