package io.threatline.producer.adapters;

import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.Objects;

/**
 * What an event gets when its input does not say: the publishing vendor and sensor, a TLP (the
 * default AMBER errs on the side of restriction), a confidence, and the time to use as observedAt.
 */
public record AdapterDefaults(String vendor, String sensorId, Tlp tlp, int confidence, Instant observedAt) {

    public AdapterDefaults {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(sensorId, "sensorId");
        Objects.requireNonNull(tlp, "tlp");
        Objects.requireNonNull(observedAt, "observedAt");
        if (confidence < 0 || confidence > 100) {
            throw new IllegalArgumentException("default confidence must be 0..100, was " + confidence);
        }
    }

    public static AdapterDefaults of(String vendor, String sensorId) {
        return new AdapterDefaults(vendor, sensorId, Tlp.AMBER, 50, Instant.now());
    }
}
