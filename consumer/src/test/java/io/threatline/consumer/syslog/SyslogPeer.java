package io.threatline.consumer.syslog;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * A syslog receiver for the tests: a real loopback server socket (plain or TLS) that reads RFC 6587
 * octet-counted frames and queues each message; a frame that is not octet-counted is recorded as a
 * framing error. It can be stopped (listener and open connections closed) and started again on the
 * same port, and it can accept without reading to let the sender's buffers fill.
 */
final class SyslogPeer implements AutoCloseable {

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> clientPrincipals = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final SSLServerSocketFactory tls;
    private final boolean reading;
    private final Customizer customizer;
    private volatile ServerSocket server;
    private int port;

    /** Adjusts a TLS server socket (client auth, protocols) before it accepts. */
    interface Customizer {
        void customize(ServerSocket server);
    }

    private SyslogPeer(SSLServerSocketFactory tls, boolean reading, Customizer customizer) {
        this.tls = tls;
        this.reading = reading;
        this.customizer = customizer;
    }

    /** A plain TCP receiver on a free loopback port. */
    static SyslogPeer tcp() throws IOException {
        return new SyslogPeer(null, true, s -> {}).start(0);
    }

    /** A plain TCP receiver that accepts connections but never reads from them. */
    static SyslogPeer tcpNotReading() throws IOException {
        return new SyslogPeer(null, false, s -> {}).start(0);
    }

    /** A TLS receiver on a free loopback port. */
    static SyslogPeer tls(SSLServerSocketFactory factory, Customizer customizer) throws IOException {
        return new SyslogPeer(factory, true, customizer).start(0);
    }

    int port() {
        return port;
    }

    /** Starts listening on {@code port} (0 for a free one). */
    SyslogPeer start(int port) throws IOException {
        ServerSocket s = tls == null ? new ServerSocket() : tls.createServerSocket();
        s.setReuseAddress(true);
        if (!reading) {
            s.setReceiveBufferSize(4096);
        }
        customizer.customize(s);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.server = s;
        this.port = s.getLocalPort();
        Thread acceptor = new Thread(() -> accept(s), "syslog-peer-accept-" + this.port);
        acceptor.setDaemon(true);
        threads.add(acceptor);
        acceptor.start();
        return this;
    }

    /**
     * Closes the listener and every open connection, as a receiver that goes down, and waits for its
     * threads to end: a socket closed while a thread is blocked on it is only released (FIN sent,
     * port freed) once that thread returns.
     */
    void stop() throws IOException {
        server.close();
        for (Socket c : connections) {
            c.close();
        }
        connections.clear();
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stopping", e);
            }
        }
        threads.clear();
    }

    /** The next message received, or fails after {@code timeout}. */
    String next(Duration timeout) throws InterruptedException {
        String m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no syslog message arrived within " + timeout + "; framing errors: " + errors);
        }
        return m;
    }

    /** The next {@code n} messages. */
    List<String> next(int n, Duration timeout) throws InterruptedException {
        List<String> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            out.add(next(timeout));
        }
        return out;
    }

    /** Messages received and not yet taken. */
    List<String> pending() {
        List<String> out = new ArrayList<>();
        messages.drainTo(out);
        return out;
    }

    List<String> framingErrors() {
        return errors;
    }

    /** Subject of each TLS client certificate presented, in connection order. */
    List<String> clientPrincipals() {
        return clientPrincipals;
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                connections.add(c);
                if (reading) {
                    Thread reader = new Thread(() -> read(c), "syslog-peer-read-" + port);
                    reader.setDaemon(true);
                    threads.add(reader);
                    reader.start();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void read(Socket c) {
        try (c) {
            if (c instanceof SSLSocket ssl) {
                ssl.startHandshake();
                if (ssl.getNeedClientAuth()) {
                    clientPrincipals.add(ssl.getSession().getPeerPrincipal().getName());
                }
            }
            DataInputStream in = new DataInputStream(c.getInputStream());
            String m;
            while ((m = readOctetCounted(in)) != null) {
                messages.add(m);
            }
        } catch (IOException e) {
            if (!c.isClosed()) {
                errors.add(e.toString());
            }
        }
    }

    /** Reads one octet-counted message, or returns null at a clean end of stream. */
    static String readOctetCounted(DataInputStream in) throws IOException {
        ByteArrayOutputStream digits = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != ' ') {
            if (b < 0) {
                if (digits.size() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a length");
            }
            if (b < '0' || b > '9' || digits.size() > 9) {
                throw new IOException("not an octet count: byte " + b + " after '" + digits + "'");
            }
            digits.write(b);
        }
        byte[] body = new byte[Integer.parseInt(digits.toString(StandardCharsets.US_ASCII))];
        in.readFully(body);
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
