package io.threatline.consumer.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A misbehaving webhook receiver on a real socket: it reads the request, answers a status line and
 * headers at once, then writes the body as it is told (huge, or a byte at a time forever), counting
 * the body bytes it managed to write. It serves one connection at a time.
 */
final class RawReceiver implements AutoCloseable {

    /** How the body is written after the headers. */
    enum Body {
        HUGE,
        DRIBBLE
    }

    private final ServerSocket server;
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong responsesEnded = new AtomicLong();
    private volatile boolean closed;

    RawReceiver(int status, Body body, long hugeBytes) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(
                () -> {
                    while (!closed) {
                        try (Socket s = server.accept()) {
                            readRequest(s.getInputStream());
                            OutputStream out = s.getOutputStream();
                            String length = body == Body.HUGE
                                    ? "Content-Length: " + hugeBytes + "\r\n"
                                    : "Transfer-Encoding: chunked\r\n";
                            out.write(("HTTP/1.1 " + status + " Oops\r\nContent-Type: text/plain\r\n" + length + "\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            if (body == Body.HUGE) {
                                byte[] chunk = new byte[8192];
                                java.util.Arrays.fill(chunk, (byte) 'x');
                                for (long sent = 0; sent < hugeBytes && !closed; sent += chunk.length) {
                                    out.write(chunk, 0, (int) Math.min(chunk.length, hugeBytes - sent));
                                    written.addAndGet(Math.min(chunk.length, hugeBytes - sent));
                                }
                            } else {
                                // At most 10 minutes of a byte every 100 ms; the test closes it long before.
                                for (int i = 0; i < 6_000 && !closed; i++) {
                                    out.write("1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
                                    out.flush();
                                    written.incrementAndGet();
                                    Thread.sleep(100);
                                }
                            }
                        } catch (IOException | InterruptedException e) {
                            // The client went away (as a bounded reader should) or the receiver is closing.
                        } finally {
                            responsesEnded.incrementAndGet();
                        }
                    }
                },
                "raw-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    private static void readRequest(InputStream in) throws IOException {
        // Headers up to the blank line, then the Content-Length bytes of the body.
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        long length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.readNBytes((int) length);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    /** Responses whose writing has ended: all of the body written, or the client went away. */
    long responsesEnded() {
        return responsesEnded.get();
    }

    /** Body bytes written so far (at least what the client's socket buffers took). */
    long written() {
        return written.get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        thread.interrupt();
    }
}
