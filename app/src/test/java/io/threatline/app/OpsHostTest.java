package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.app.ops.OpsServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The operations endpoint listens on this machine only unless a command is told otherwise. */
class OpsHostTest {

    @Test
    void shouldListenOnLoopbackByDefaultInEveryCommandThatHasOne() throws Exception {
        // Given the commands with an operations endpoint, parsed without --ops-host
        List<Object> commands = List.of(new RunCommand(), new HubCommand(), new DeliverCommand());
        for (Object command : commands) {
            new CommandLine(command).parseArgs();
            OpsAccess access =
                    (OpsAccess) command.getClass().getDeclaredField("opsAccess").get(command);

            // When the endpoint starts as the command would start it
            try (OpsServer ops = Ops.start(access, 0, new PrintWriter(new StringWriter()), s -> s)) {
                // Then it is bound to the loopback address, not every interface
                assertThat(ops.address().getAddress().isLoopbackAddress())
                        .as(command.getClass().getSimpleName())
                        .isTrue();
            }
        }
    }

    @Test
    void shouldListenWhereTheOptionSays() throws Exception {
        HubCommand hub = new HubCommand();
        new CommandLine(hub).parseArgs("--ops-host", "0.0.0.0");
        StringWriter text = new StringWriter();

        try (OpsServer ops = Ops.start(hub.opsAccess, 0, new PrintWriter(text, true), s -> s)) {
            assertThat(ops.address().getAddress().isAnyLocalAddress()).isTrue();
            assertThat(text.toString()).contains("on every interface");
        }
    }
}
