package io.threatline.schemas;

import java.util.Objects;
import java.util.function.Function;

/**
 * Outcome of a validation on the hot path: either a value or a {@link Rejection} saying why
 * there is none.
 *
 * <p>Bad input from partners is normal traffic, not an exceptional condition, so validators
 * return a {@code Result} instead of throwing; building and unwinding a stack trace per bad
 * event would cost more than the validation itself.
 *
 * @param <T> type of the value when the input was accepted
 */
public sealed interface Result<T> permits Result.Ok, Result.Rejected {

    /** An accepted result holding {@code value}, which must not be null. */
    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    /** A rejected result carrying {@code rejection}. */
    static <T> Result<T> rejected(Rejection rejection) {
        return new Rejected<>(rejection);
    }

    /** A rejected result with a machine {@code code} (UPPER_SNAKE) and a human {@code message}. */
    static <T> Result<T> rejected(String code, String message) {
        return new Rejected<>(new Rejection(code, message));
    }

    /** Whether the input was accepted. */
    boolean isOk();

    /**
     * The accepted value.
     *
     * @throws IllegalStateException if this result is a rejection
     */
    T value();

    /**
     * Why the input was rejected.
     *
     * @throws IllegalStateException if this result is accepted
     */
    Rejection rejection();

    /** Applies {@code f} to an accepted value; a rejection passes through unchanged. */
    <U> Result<U> map(Function<? super T, ? extends U> f);

    /** Chains another validation onto an accepted value; a rejection passes through unchanged. */
    <U> Result<U> flatMap(Function<? super T, Result<U>> f);

    /** Accepted input. */
    record Ok<T>(T value) implements Result<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean isOk() {
            return true;
        }

        @Override
        public Rejection rejection() {
            throw new IllegalStateException("result is ok, there is no rejection");
        }

        @Override
        public <U> Result<U> map(Function<? super T, ? extends U> f) {
            return new Ok<>(f.apply(value));
        }

        @Override
        public <U> Result<U> flatMap(Function<? super T, Result<U>> f) {
            return Objects.requireNonNull(f.apply(value), "flatMap function returned null");
        }
    }

    /** Rejected input. */
    record Rejected<T>(Rejection rejection) implements Result<T> {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
        }

        @Override
        public boolean isOk() {
            return false;
        }

        @Override
        public T value() {
            throw new IllegalStateException("result was rejected: " + rejection.code() + ": " + rejection.message());
        }

        // A rejection holds no T, so it can stand for any Result<U> without copying.
        @SuppressWarnings("unchecked")
        @Override
        public <U> Result<U> map(Function<? super T, ? extends U> f) {
            return (Result<U>) this;
        }

        @SuppressWarnings("unchecked")
        @Override
        public <U> Result<U> flatMap(Function<? super T, Result<U>> f) {
            return (Result<U>) this;
        }
    }

    /**
     * Why an input was rejected.
     *
     * @param code stable machine code in UPPER_SNAKE case (for example {@code HOST_BITS_SET});
     *     dashboards and dead-letter routing key on it, so it never changes once published
     * @param message human explanation, quoting (truncated) the offending value
     */
    record Rejection(String code, String message) {
        public Rejection {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            if (!isUpperSnake(code)) {
                throw new IllegalArgumentException("rejection code must be UPPER_SNAKE: " + code);
            }
            if (message.isBlank()) {
                throw new IllegalArgumentException("rejection message must not be blank");
            }
        }

        private static boolean isUpperSnake(String code) {
            if (code.isEmpty() || code.charAt(0) < 'A' || code.charAt(0) > 'Z') {
                return false;
            }
            for (int i = 1; i < code.length(); i++) {
                char c = code.charAt(i);
                if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
                    return false;
                }
            }
            return true;
        }
    }
}
