package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * What the operator's new commands do with bad input: each is a usage error (exit 2) naming what is
 * wrong, decided before anything connects (the address given is nobody's: a connection attempt
 * would fail the test with exit 1, not 2).
 */
class OperatorCommandInputTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a value that is no indicator   | indicators revoke 'not an indicator' --reason r                  | cannot tell what kind of indicator
        a value not of its type        | indicators revoke 300.1.2.3 --type IPV4 --reason r               | not a valid IPV4
        a blank reason                 | indicators revoke evil.example.com --reason ' '                  | --reason must be 1 to 1024 characters
        a reason of 1025 characters    | indicators revoke evil.example.com --reason LONG_REASON          | --reason must be 1 to 1024 characters
        an operator of 300 characters  | indicators revoke evil.example.com --reason r --operator LONG_OP | --operator must be 1 to 247 characters
        a vendor id unsafe in ACLs     | vendors add 'Acme*'                                              | vendor id 'Acme*' must be 1-63 lower-case letters
        """)
    void shouldRefuseBadInputAsAUsageErrorNamingIt(String what, String args, String message) {
        List<String> argv = new ArrayList<>();
        java.util.regex.Matcher word =
                java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(args);
        while (word.find()) {
            String a = word.group(1) != null ? word.group(1) : word.group(2);
            argv.add(a.replace("LONG_REASON", "r".repeat(1025)).replace("LONG_OP", "o".repeat(300)));
        }
        argv.addAll(List.of("--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1"));
        StringWriter out = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));

        int exit = cli.execute(argv.toArray(String[]::new));

        assertThat(exit).as(out.toString()).isEqualTo(2);
        assertThat(out.toString()).contains(message);
    }
}
