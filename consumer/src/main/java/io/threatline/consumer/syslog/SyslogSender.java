package io.threatline.consumer.syslog;

import io.threatline.consumer.delivery.DeliveryException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes RFC 5424 syslog messages to one receiver over TCP, framed with RFC 6587 octet counting
 * ({@link SyslogFrame#octetCounted}), optionally inside TLS (RFC 5425).
 *
 * <p><b>What "sent" means.</b> TCP syslog has no application-level acknowledgement. {@link #send}
 * returns when every frame of the batch was written to the socket and flushed without error; that
 * only means the bytes reached the local kernel's send buffer (and, under TLS, were encrypted). The
 * receiver may still lose them: if it closes or crashes before reading them, the loss is not seen
 * here. To narrow that window the sender checks, before each batch, whether the receiver closed the
 * connection since the previous batch (a receiver never sends application data, so end of stream or
 * a reset on a short non-blocking read means it is gone) and then reconnects instead of writing into
 * a dead connection. Exactly-once or confirmed delivery needs RELP or an HTTP channel.
 *
 * <p><b>Failures.</b> A refused, reset or timed-out connection, a failed TLS handshake (including a
 * rejected certificate: the records are fine, the channel is not usable) and a write that does not
 * finish within the write timeout are {@link DeliveryException#transientFailure transient}: the
 * connection is dropped and the next call (the delivery service retries the same batch) connects
 * anew. A batch may therefore arrive more than once, in whole or in part; the CEF/LEEF lines carry
 * the indicator id for receivers that dedupe.
 *
 * <p><b>Timeouts.</b> The connect timeout bounds the TCP connect and the TLS handshake. The write
 * timeout bounds each batch's writes and flush: Java's blocking sockets have no write timeout, so a
 * watchdog closes the socket when it expires, which makes the blocked write fail.
 *
 * <p>Under TLS the server's name is verified against its certificate (endpoint identification as
 * for HTTPS) and only TLS 1.2 and 1.3 are offered. Under TLS 1.3 a server that rejects the client
 * certificate does so after the client's handshake finished; that is noticed by the check before
 * the next batch, so the batch written in between may be lost without an error here.
 *
 * <p>One sender serves one sink and is used from one thread.
 */
public final class SyslogSender implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(SyslogSender.class);
    private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final int BUFFER_BYTES = 64 * 1024;

    private final String host;
    private final int port;
    private final Optional<SSLSocketFactory> tls;
    private final int connectTimeoutMillis;
    private final long writeTimeoutMillis;
    private final ScheduledExecutorService watchdog;

    /** The TCP connection; under TLS, {@link #socket} is layered on it. */
    private Socket raw;

    private Socket socket;
    private OutputStream out;

    /**
     * A sender that connects on the first {@link #send}.
     *
     * @param host receiver host name or address
     * @param port receiver port
     * @param tls the TLS socket factory, or empty for plain TCP
     * @param connectTimeout bound on TCP connect and TLS handshake
     * @param writeTimeout bound on writing and flushing one batch
     */
    public SyslogSender(
            String host, int port, Optional<SSLSocketFactory> tls, Duration connectTimeout, Duration writeTimeout) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.writeTimeoutMillis = writeTimeout.toMillis();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "syslog-write-watchdog-" + host + ":" + port);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Writes each message octet-counted, in order, then flushes.
     *
     * @param messages RFC 5424 messages, without framing
     * @throws DeliveryException transient, when the receiver cannot be reached or the write fails or
     *     times out; the connection is then dropped and the next call reconnects
     */
    public void send(List<String> messages) throws DeliveryException {
        if (socket != null && !stillOpen(socket)) {
            LOGGER.info("Syslog receiver {}:{} closed the connection; reconnecting", host, port);
            disconnect();
        }
        if (socket == null) {
            connect();
        }
        // The watchdog closes the TCP socket, not the TLS one: closing TLS would wait for the blocked
        // writer's lock to send close_notify.
        Socket tcp = raw;
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> alarm = watchdog.schedule(
                () -> {
                    timedOut.set(true);
                    closeQuietly(tcp);
                },
                writeTimeoutMillis,
                TimeUnit.MILLISECONDS);
        try {
            for (String message : messages) {
                out.write(SyslogFrame.octetCounted(message));
            }
            out.flush();
        } catch (IOException e) {
            disconnect();
            String what = timedOut.get()
                    ? "writing " + messages.size() + " syslog messages to " + host + ":" + port
                            + " did not finish within " + writeTimeoutMillis + " ms"
                    : "writing to syslog receiver " + host + ":" + port + " failed: " + e.getMessage();
            throw DeliveryException.transientFailure(what, e);
        } finally {
            alarm.cancel(false);
        }
        if (timedOut.get()) {
            // The watchdog fired just after the flush returned: the batch was flushed before the socket
            // was closed, so it counts as sent; only the connection has to be made anew.
            disconnect();
        }
    }

    private void connect() throws DeliveryException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            Socket connected = tls.isPresent() ? handshake(s) : s;
            raw = s;
            socket = connected;
            out = new BufferedOutputStream(connected.getOutputStream(), BUFFER_BYTES);
            LOGGER.info("Connected to syslog receiver {}:{} over {}", host, port, tls.isPresent() ? "TLS" : "TCP");
        } catch (IOException | RuntimeException e) {
            closeQuietly(s);
            throw DeliveryException.transientFailure(
                    "cannot connect to syslog receiver " + host + ":" + port + (tls.isPresent() ? " over TLS" : "")
                            + ": " + e,
                    e);
        }
    }

    private SSLSocket handshake(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) tls.get().createSocket(plain, host, port, true);
        SSLParameters parameters = s.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(TLS_PROTOCOLS);
        s.setSSLParameters(parameters);
        s.setSoTimeout(connectTimeoutMillis);
        s.startHandshake();
        s.setSoTimeout(0);
        return s;
    }

    /**
     * Whether the receiver has not closed the connection: a read that gives up after a millisecond
     * means nothing arrived and the connection is open; end of stream or an error means it is gone.
     */
    private static boolean stillOpen(Socket s) {
        try {
            s.setSoTimeout(1);
            InputStream in = s.getInputStream();
            byte[] ignored = new byte[512];
            // A syslog receiver sends no data; anything readable is discarded until it would block.
            for (int k = 0; k < 64; k++) {
                if (in.read(ignored) < 0) {
                    return false;
                }
            }
            return true;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                s.setSoTimeout(0);
            } catch (IOException ignored) {
                // the next write reports a broken socket
            }
        }
    }

    /** Drops a broken connection without a TLS close_notify, which could block on it. */
    private void disconnect() {
        closeQuietly(raw);
        closeQuietly(socket);
        raw = null;
        socket = null;
        out = null;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOGGER.debug("Closing syslog socket failed", e);
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        // An orderly close: under TLS this sends close_notify before the TCP connection ends.
        closeQuietly(socket);
        disconnect();
    }
}
