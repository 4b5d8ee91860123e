package io.threatline.consumer.syslog;

import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;

/**
 * Maps a partner indicator to an event severity from 0 (lowest) to 10 (highest), shared by CEF and
 * LEEF.
 *
 * <table>
 *   <caption>Severity mapping</caption>
 *   <tr><th>action</th><th>severity</th></tr>
 *   <tr><td>NEW, UPDATE</td><td>{@code ceil(s / 10)} clamped to 1..10, where {@code s} is the
 *       score if it is above 0, otherwise the confidence (both 0..100, clamped)</td></tr>
 *   <tr><td>EXPIRE</td><td>1 (the indicator should no longer be acted on)</td></tr>
 *   <tr><td>REVOKE, UNKNOWN</td><td>0 (retracted as a false positive; informational)</td></tr>
 * </table>
 */
final class Severity {

    private Severity() {}

    /**
     * Returns the severity of the indicator.
     *
     * @param indicator the indicator
     * @return 0..10
     */
    static int of(PartnerIndicator indicator) {
        LifecycleAction action = indicator.getAction();
        if (action == LifecycleAction.EXPIRE) {
            return 1;
        }
        if (action != LifecycleAction.NEW && action != LifecycleAction.UPDATE) {
            return 0;
        }
        int s = indicator.getScore() > 0 ? indicator.getScore() : indicator.getConfidence();
        s = Math.max(0, Math.min(100, s));
        return Math.max(1, (s + 9) / 10);
    }
}
