package io.threatline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.platform.testing.SharedPlatform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The TAXII server under well-behaved partners, slow clients and password guessers at once, on
 * loopback for a bounded time: it must stay up and answer every well-behaved partner. The
 * latency is printed (RESULT lines), never asserted: on a shared 2-core machine it is a
 * measurement, not a property.
 */
class TaxiiLoadIT {

    @Test
    void shouldStayUpAndAnswerEveryWellBehavedPartnerWhileSlowClientsAndGuessersAttack() throws Exception {
        // Given 6 partners with 300 indicators each, 40 slow clients and 6 guessers, for 15 s
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        TaxiiLoad.Report report;
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            report = TaxiiLoad.run(
                    new String[] {
                        SharedPlatform.bootstrapServers(),
                        SharedPlatform.registryUrl().toString(),
                        "--partners=6",
                        "--slow=40",
                        "--guessers=6",
                        "--seconds=15",
                        "--records=300"
                    },
                    out);
        }
        System.out.print(text.toString(StandardCharsets.UTF_8));

        // Then the server answered after the load, every partner got pages, none of their requests failed
        assertThat(report.upAfter()).isTrue();
        assertThat(java.util.Arrays.stream(report.answeredPerPartner()).boxed().toList())
                .allSatisfy(n -> assertThat(n).isPositive());
        assertThat(report.goodErrors()).isZero();
        // And the attackers were really there and were turned away: guessers got 429, slow connections were cut
        assertThat(report.guesses()).isPositive();
        assertThat(report.guesses429()).isPositive();
        assertThat(report.slowConnections()).isPositive();
        assertThat(report.slowCut()).isPositive();
        // And the latency was reported
        assertThat(text.toString(StandardCharsets.UTF_8))
                .contains("RESULT,taxii-load-good-p99,")
                .contains("RESULT,taxii-load-up,1");
    }
}
