package io.threatline.schemas.identity;

import io.threatline.contract.IndicatorType;
import io.threatline.schemas.Result;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link IndicatorIdentity#canonicalize} with a memory of its last answers: the function is pure, and
 * sensors report a few popular indicators over and over, so the hub asks it the same question many
 * times (looking a domain up in the public suffix list was a twentieth of the hub's stream thread,
 * docs/benchmarks.md, issue 13). Bounded, least recently used first out; not thread-safe (one per
 * stream task).
 */
public final class CanonicalMemo {

    private record Question(IndicatorType type, String value) {}

    /**
     * Values longer than this are answered but not remembered: popular indicators are short, and a
     * sensor sending long distinct values (up to the contract's 8 KiB) must not fill the memory with
     * them (docs/security.md).
     */
    static final int MAX_REMEMBERED_LENGTH = 512;

    private final int capacity;
    private final LinkedHashMap<Question, Result<CanonicalIndicator>> answers;

    public CanonicalMemo(int capacity) {
        this.capacity = capacity;
        this.answers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Question, Result<CanonicalIndicator>> eldest) {
                return size() > CanonicalMemo.this.capacity;
            }
        };
    }

    /** What {@link IndicatorIdentity#canonicalize} answers for these arguments. */
    public Result<CanonicalIndicator> canonicalize(IndicatorType type, String value) {
        if (capacity == 0 || value == null || value.length() > MAX_REMEMBERED_LENGTH) {
            return IndicatorIdentity.canonicalize(type, value);
        }
        Question question = new Question(type, value);
        Result<CanonicalIndicator> answer = answers.get(question);
        if (answer == null) {
            answer = IndicatorIdentity.canonicalize(type, value);
            answers.put(question, answer);
        }
        return answer;
    }

    /** How many answers are remembered. */
    int size() {
        return answers.size();
    }
}
