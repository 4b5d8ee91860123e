package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * `threatline agreements check` refuses agreements that would widen someone's access or that
 * delivery would refuse at start, naming the file and what is wrong (issue 12 §5). No broker needed.
 */
class AgreementsCheckCommandTest {

    @TempDir
    Path dir;

    private record Result(int exit, String out) {}

    private Result check(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        List<String> all = new ArrayList<>(List.of(
                "agreements", "check", "--secrets-dir", dir.resolve("secrets").toString()));
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Result(exit, out.toString());
    }

    private Path agreement(String partnerId, String channels) throws Exception {
        Path file = dir.resolve(partnerId + ".yaml");
        Files.writeString(file, """
            partner_id: %s
            partner_name: Test partner
            agreement_id: MOU-%s
            version: 1
            valid_from: 2026-01-01
            data_kinds: [indicators]
            tlp_ceiling: TLP:AMBER
            channels:
            %s
            """.formatted(partnerId, partnerId, channels.indent(2)));
        return file;
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("partner id admin", "admin", """
                - channel: kafka
                  settings:
                    principal: User:admin""", List.of("partner_id", "'admin' is reserved")),
                Arguments.of(
                        "principal: User:*",
                        "interpol",
                        """
                - channel: kafka
                  settings:
                    principal: User:*""",
                        List.of("partner 'interpol'", "channel KAFKA", "setting 'principal'", "'User:*'", "wildcard")),
                Arguments.of(
                        "another partner's user",
                        "interpol",
                        """
                - channel: kafka
                  settings:
                    principal: User:europol-ec3""",
                        List.of("partner 'interpol'", "setting 'principal'", "'User:europol-ec3'", "User:interpol")),
                Arguments.of(
                        "rotate: P200000000000D",
                        "nca",
                        """
                - channel: files
                  settings:
                    directory: /srv/threatline/outbox/nca
                    rotate: P200000000000D""",
                        List.of("partner 'nca'", "channel FILES", "setting 'rotate'", "P200000000000D")),
                Arguments.of(
                        "a bad port",
                        "nca",
                        """
                - channel: syslog
                  settings:
                    host: siem.nca.example
                    port: 70000""",
                        List.of("partner 'nca'", "channel SYSLOG", "setting 'port'", "between 1 and 65535")),
                Arguments.of(
                        "an unreadable CA file",
                        "nca",
                        """
                - channel: syslog
                  settings:
                    host: siem.nca.example
                    transport: tls
                    ca_file: /nonexistent/threatline/ca.pem""",
                        List.of("partner 'nca'", "setting 'ca_file'", "not a readable file")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void shouldRefuseTheAgreementWithExit1NamingTheFileAndWhatIsWrong(
            String description, String partnerId, String channels, List<String> named) throws Exception {
        // Given an agreement file with one such mistake
        Path file = agreement(partnerId, channels);

        // When it is checked
        Result result = check(file.toString());

        // Then it is refused, exit 1, naming the file and the mistake
        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("invalid agreement", file.toString());
        named.forEach(n -> assertThat(result.out()).contains(n));
        assertThat(result.out()).doesNotContain("ok:");
    }

    @Test
    void shouldAcceptThePartnersOwnUserAndSoundChannels() throws Exception {
        // Given an agreement naming its own user and channels delivery would build
        Path file = agreement("interpol", """
            - channel: kafka
              settings:
                principal: User:interpol
            - channel: files
              settings:
                directory: %s
                rotate: PT1H""".formatted(dir.resolve("outbox")));

        // When checked, Then it passes, and nothing was written to the outbox
        Result result = check(file.toString());
        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("ok: interpol");
        assertThat(dir.resolve("outbox")).doesNotExist();
    }

    @Test
    void shouldCheckFilesAndSecretsByPathAndReferenceOnlyWhenDeliveryRunsElsewhere() {
        // Given the example agreements, whose certificate files and secrets live on the delivery host, not here
        // When checked on this host, Then refused naming the file; for delivery elsewhere, they pass
        Result here = check("../examples/agreements");
        assertThat(here.exit()).as(here.out()).isEqualTo(1);
        assertThat(here.out()).contains("interpol.yaml", "setting 'password'", "not found");
        Result elsewhere = check("--delivery-elsewhere", "../examples/agreements");
        assertThat(elsewhere.exit()).as(elsewhere.out()).isZero();
        assertThat(elsewhere.out()).contains("ok: interpol", "ok: nca-operation-tovar", "ok: europol-ec3");
    }
}
