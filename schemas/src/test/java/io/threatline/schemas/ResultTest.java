package io.threatline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.schemas.Result.Rejection;
import org.junit.jupiter.api.Test;

class ResultTest {

    @Test
    void shouldHoldValueWhenOk() {
        Result<String> result = Result.ok("x");

        assertThat(result.isOk()).isTrue();
        assertThat(result.value()).isEqualTo("x");
        assertThat(result).isInstanceOf(Result.Ok.class);
    }

    @Test
    void shouldThrowWhenAskingOkForItsRejection() {
        assertThatThrownBy(() -> Result.ok("x").rejection()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldThrowWithCodeAndMessageWhenAskingRejectedForItsValue() {
        Result<String> result = Result.rejected("EMPTY_VALUE", "'' is empty");

        assertThat(result.isOk()).isFalse();
        assertThat(result.rejection()).isEqualTo(new Rejection("EMPTY_VALUE", "'' is empty"));
        assertThatThrownBy(result::value)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EMPTY_VALUE")
                .hasMessageContaining("is empty");
    }

    @Test
    void shouldMapOkAndPassRejectionThrough() {
        Result<Integer> ok = Result.ok("abc").map(String::length);
        Result<Integer> rejected =
                Result.<String>rejected("BAD_HASH_LENGTH", "too short").map(String::length);

        assertThat(ok.value()).isEqualTo(3);
        assertThat(rejected.rejection().code()).isEqualTo("BAD_HASH_LENGTH");
    }

    @Test
    void shouldFlatMapOkIntoRejection() {
        Result<String> result = Result.ok("abc").flatMap(s -> Result.rejected("TYPE_MISMATCH", "no " + s));

        assertThat(result.rejection().code()).isEqualTo("TYPE_MISMATCH");
    }

    @Test
    void shouldRefuseNullOkValue() {
        assertThatThrownBy(() -> Result.ok(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldRefuseCodesThatAreNotUpperSnake() {
        assertThatThrownBy(() -> new Rejection("badCode", "m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Rejection("", "m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Rejection("A_B", " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
