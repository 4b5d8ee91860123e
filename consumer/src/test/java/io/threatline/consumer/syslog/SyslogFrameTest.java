package io.threatline.consumer.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** RFC 5424 message shape and RFC 6587 octet-counting framing, over a real loopback socket too. */
class SyslogFrameTest {

    private static final String RFC5424_HEADER = "^<(\\d{1,3})>1 \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"
            + " [\\x21-\\x7E]{1,255} [\\x21-\\x7E]{1,48} [\\x21-\\x7E]{1,128} [\\x21-\\x7E]{1,32} - ";

    private static final Instant T = Instant.parse("2026-11-29T10:15:30.789123Z");

    @Test
    void messageHasTheRfc5424HeaderShapeWithMillisecondUtcTimestamp() {
        SyslogFrame frame = SyslogFrame.forIndicators("hub-1.threatline.example");
        String msg = frame.message(T, "CEF:0|x");

        assertThat(msg)
                .matches(RFC5424_HEADER + "CEF:0\\|x$")
                .isEqualTo("<13>1 2026-11-29T10:15:30.789Z hub-1.threatline.example threatline - indicator - CEF:0|x");
    }

    @Test
    void facilityAndSeverityGiveThePriorityAndEmptyFieldsBecomeNilvalue() {
        SyslogFrame frame = new SyslogFrame(16, 4, "", null, "4711", "");
        assertThat(frame.priority()).isEqualTo(132);
        assertThat(frame.message(null, "hello")).isEqualTo("<132>1 - - - 4711 - - hello");
        assertThat(frame.message(T, null)).isEqualTo("<132>1 2026-11-29T10:15:30.789Z - - 4711 - -");
    }

    @Test
    void invalidHeaderValuesAreRejected() {
        assertThatThrownBy(() -> new SyslogFrame(24, 0, "h", "a", null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyslogFrame(1, 8, "h", "a", null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyslogFrame(1, 5, "host name", "a", null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyslogFrame(1, 5, "h", "a".repeat(49), null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyslogFrame(1, 5, "h", "a", null, "m".repeat(33)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void octetCountIsTheUtf8ByteLengthOfANonAsciiMessage() {
        SyslogFrame frame = SyslogFrame.forIndicators("hub");
        String message = frame.message(T, "Kampagne “Größe” — 中文 😀 ^|=");
        byte[] framed = frame.frame(T, "Kampagne “Größe” — 中文 😀 ^|=");

        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isGreaterThan(message.length());
        String prefix = body.length + " ";
        assertThat(new String(framed, 0, prefix.length(), StandardCharsets.US_ASCII))
                .isEqualTo(prefix);
        assertThat(framed).hasSize(prefix.length() + body.length);
        assertThat(new String(framed, prefix.length(), body.length, StandardCharsets.UTF_8))
                .isEqualTo(message);
    }

    @Test
    void twoFramedMessagesSentOverLoopbackTcpArriveIntact() throws Exception {
        SyslogFrame frame = SyslogFrame.forIndicators("hub");
        String first =
                frame.message(T, new CefFormatter().format(Samples.indicator(IndicatorType.URL, LifecycleAction.NEW)));
        String second = frame.message(
                T,
                new LeefFormatter()
                        .format(Samples.builder(IndicatorType.DOMAIN, LifecycleAction.REVOKE, "ümlaut.example\nnext")
                                .build()));

        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(10_000);
                    List<String> out = new ArrayList<>();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    String m;
                    while ((m = readOctetCounted(in)) != null) {
                        out.add(m);
                    }
                    return out;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                OutputStream out = client.getOutputStream();
                out.write(SyslogFrame.octetCounted(first));
                out.write(SyslogFrame.octetCounted(second));
                out.flush();
            }
            assertThat(received.get(10, TimeUnit.SECONDS)).containsExactly(first, second);
        }
    }

    /** Reads one octet-counted message, or returns null at a clean end of stream. */
    private static String readOctetCounted(DataInputStream in) throws IOException {
        ByteArrayOutputStream digits = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != ' ') {
            if (b < 0) {
                if (digits.size() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a length");
            }
            if (b < '0' || b > '9') {
                throw new IOException("not a digit: " + b);
            }
            digits.write(b);
        }
        byte[] body = new byte[Integer.parseInt(digits.toString(StandardCharsets.US_ASCII))];
        in.readFully(body);
        return new String(body, StandardCharsets.UTF_8);
    }
}
