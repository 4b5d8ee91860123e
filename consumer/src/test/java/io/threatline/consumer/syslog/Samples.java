package io.threatline.consumer.syslog;

import io.threatline.consumer.delivery.TestRecords;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sample partner indicators for the syslog format tests. */
final class Samples {

    static final Instant FIRST_SEEN = TestRecords.FIRST_SEEN;
    static final Instant LAST_SEEN = TestRecords.LAST_SEEN;
    static final Instant VALID_UNTIL = TestRecords.VALID_UNTIL;
    static final Instant SHARED_AT = TestRecords.SHARED_AT;

    private Samples() {}

    /** A typical value of each indicator type. */
    static String valueOf(IndicatorType type) {
        return TestRecords.valueOf(type);
    }

    /** All types except UNKNOWN, which is never delivered. */
    static List<IndicatorType> types() {
        return TestRecords.types();
    }

    /** All actions except UNKNOWN, which is never delivered. */
    static List<LifecycleAction> actions() {
        List<LifecycleAction> a = new ArrayList<>(List.of(LifecycleAction.values()));
        a.remove(LifecycleAction.UNKNOWN);
        return a;
    }

    /** The shared sample, as the syslog tests use it: AMBER+STRICT, with a sensor id to redact. */
    static PartnerIndicator.Builder builder(IndicatorType type, LifecycleAction action, String value) {
        return TestRecords.indicatorBuilder(type, value)
                .setAction(action)
                .setTlp(Tlp.AMBER_STRICT)
                .setSensors(List.of("acme/s-1"));
    }

    static PartnerIndicator indicator(IndicatorType type, LifecycleAction action) {
        return builder(type, action, valueOf(type)).build();
    }
}
