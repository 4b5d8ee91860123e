package io.threatline.consumer.taxii;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Failed-login throttling and the per-partner rate limit, on a clock the test moves. */
class TaxiiLimitsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TaxiiPartner a =
            new TaxiiPartner("partner-a", "A", Set.of(TaxiiCollection.INDICATORS), PasswordVerifier.of("pw-a", 1000));
    private final TaxiiPartner b =
            new TaxiiPartner("partner-b", "B", Set.of(TaxiiCollection.INDICATORS), PasswordVerifier.of("pw-b", 1000));

    private BasicAuthenticator authenticator(int maxFailures) {
        return new BasicAuthenticator(
                new StaticTaxiiPartners(List.of(a, b)),
                Duration.ofMinutes(5),
                new LoginThrottle(maxFailures, Duration.ofSeconds(60), now::get));
    }

    @Test
    void shouldRefuseEvenTheRightPasswordWithoutCheckingItOnceAUserFailedTooOften() {
        // Given a limit of 3 failures a minute and 3 wrong passwords for partner-a from three addresses
        BasicAuthenticator auth = authenticator(3);
        for (int i = 0; i < 3; i++) {
            assertThat(auth.authenticate(TaxiiPiecesTest.basic("partner-a", "guess-" + i), "198.51.100." + i)
                            .retryAfter())
                    .isEmpty();
        }

        // When the right password comes from yet another address
        BasicAuthenticator.Outcome right = auth.authenticate(TaxiiPiecesTest.basic("partner-a", "pw-a"), "203.0.113.9");

        // Then it is refused with a wait, not verified: the password was not even checked
        assertThat(right.partner()).isEmpty();
        assertThat(right.retryAfter())
                .hasValueSatisfying(w -> assertThat(w).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60)));
        // And after the window it is accepted again
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(auth.authenticate(TaxiiPiecesTest.basic("partner-a", "pw-a"), "203.0.113.9")
                        .partner())
                .contains(a);
    }

    @Test
    void shouldThrottleAnAddressThatGuessesAcrossUsers() {
        // Given one address that tried a wrong password for 3 different user names
        BasicAuthenticator auth = authenticator(3);
        for (String user : List.of("partner-a", "partner-b", "partner-nobody")) {
            auth.authenticate(TaxiiPiecesTest.basic(user, "wrong"), "198.51.100.7");
        }

        // When that address then sends partner-b's right password, and another address does too
        BasicAuthenticator.Outcome fromGuesser =
                auth.authenticate(TaxiiPiecesTest.basic("partner-b", "pw-b"), "198.51.100.7");
        BasicAuthenticator.Outcome fromElsewhere =
                auth.authenticate(TaxiiPiecesTest.basic("partner-b", "pw-b"), "203.0.113.1");

        // Then the guessing address waits, the other is let in
        assertThat(fromGuesser.retryAfter()).isPresent();
        assertThat(fromElsewhere.partner()).contains(b);
    }

    @Test
    void shouldKeepAnAlreadyVerifiedPartnerWorkingWhileAnAttackerLocksItsName() {
        // Given partner-a verified once (cached), then 5 wrong guesses of its password from an attacker
        BasicAuthenticator auth = authenticator(3);
        assertThat(auth.authenticate(TaxiiPiecesTest.basic("partner-a", "pw-a"), "203.0.113.1")
                        .partner())
                .contains(a);
        for (int i = 0; i < 5; i++) {
            auth.authenticate(TaxiiPiecesTest.basic("partner-a", "guess-" + i), "198.51.100.66");
        }

        // When partner-a comes back with its password
        BasicAuthenticator.Outcome again = auth.authenticate(TaxiiPiecesTest.basic("partner-a", "pw-a"), "203.0.113.1");

        // Then it is let in from the credential cache, and the attacker is still throttled
        assertThat(again.partner()).contains(a);
        assertThat(auth.authenticate(TaxiiPiecesTest.basic("partner-a", "guess-9"), "198.51.100.66")
                        .retryAfter())
                .isPresent();
    }

    @Test
    void shouldCountUnknownUsersAsFailures() {
        BasicAuthenticator auth = authenticator(2);
        auth.authenticate(TaxiiPiecesTest.basic("partner-zz", "x"), "198.51.100.1");
        auth.authenticate(TaxiiPiecesTest.basic("partner-zz", "y"), "198.51.100.2");

        assertThat(auth.authenticate(TaxiiPiecesTest.basic("partner-zz", "z"), "198.51.100.3")
                        .retryAfter())
                .isPresent();
    }

    @Test
    void shouldLetABurstThroughThenRefuseWithTheTimeToTheNextToken() {
        // Given 2 requests a second with a burst of 3
        PartnerRateLimiter limiter = new PartnerRateLimiter(2.0, 3, now::get);

        // When partner-a makes 4 requests at once
        List<Boolean> granted = java.util.stream.IntStream.range(0, 3)
                .mapToObj(i -> limiter.acquire("partner-a").isEmpty())
                .toList();
        var fourth = limiter.acquire("partner-a");

        // Then 3 pass and the 4th waits half a second; partner-b is not affected
        assertThat(granted).containsOnly(true);
        assertThat(fourth).hasValueSatisfying(w -> assertThat(w.toMillis()).isBetween(499L, 501L));
        assertThat(limiter.acquire("partner-b")).isEmpty();
        // And after half a second partner-a has a token again
        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(limiter.acquire("partner-a")).isEmpty();
        assertThat(limiter.acquire("partner-a")).isPresent();
    }
}
