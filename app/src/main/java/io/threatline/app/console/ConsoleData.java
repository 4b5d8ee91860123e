package io.threatline.app.console;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the console reads from Kafka besides the live counters: the partners with their agreements,
 * receipts and chains; one indicator and what each partner got of it or why not; the dead letters.
 * Each answer is a JSON-ready tree (maps, lists, strings, numbers), the shape the console's page
 * renders (docs/operations.md, "The console"). The launcher implements it over the topics, the same
 * reads as `threatline indicators show` and `audit verify`.
 */
public interface ConsoleData {

    /** Every partner with an agreement or a history: its terms now, its versions, its last receipt, its chain. */
    List<Map<String, Object>> partners() throws Exception;

    /**
     * The indicator a pasted value names (defanged or not), with its state, changes and, for every
     * partner, what it received or the rule that withholds it; empty when the hub never emitted it.
     *
     * @throws IllegalArgumentException when the value is not an indicator the hub could make canonical,
     *     with a message saying why
     */
    Optional<Map<String, Object>> indicator(String pasted) throws Exception;

    /**
     * The latest dead letters, newest first, at most {@code limit}, of the given reason code (any
     * when null): reason, stage, source topic, partition, offset and the original bytes.
     */
    List<Map<String, Object>> deadLetters(String reasonCode, int limit) throws Exception;

    /**
     * What partners reported back (docs/sharing-back.md): {@code falsePositives}, every false-positive
     * report with its status and decision, open ones first; {@code received}, the latest inbound
     * receipts, newest first, at most {@code limit}.
     */
    Map<String, Object> reports(int limit) throws Exception;

    /**
     * The operator's decision on a partner's open false-positive reports about the indicator a pasted
     * value names, as {@code threatline indicators false-positives accept|reject} makes it: accepting
     * suppresses the indicator and revokes it for every partner that holds it.
     *
     * @param operator who decides, {@code operator:<name>}
     * @return how many reports were decided; empty when the partner has none open on it
     * @throws IllegalArgumentException when the value is not an indicator the hub could make canonical
     */
    Optional<Map<String, Object>> decideFalsePositive(
            String value, String partnerId, boolean accept, String operator, String reason) throws Exception;
}
