package io.threatline.consumer.taxii;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection that has not delivered a complete request head within a deadline of its
 * opening: the TLS handshake and the first request's headers together. The idle timeout alone
 * would let a client keep a connection by sending a byte just before each timeout (slowloris);
 * with this deadline a connection that does not get to a request in time is gone. Later requests
 * on a kept-alive connection are bounded by the idle timeout and the header size limit.
 */
final class ConnectionDeadline implements Connection.Listener {

    private final Scheduler scheduler;
    private final long deadlineMillis;
    private final Map<SocketAddress, Scheduler.Task> pending = new ConcurrentHashMap<>();
    private final AtomicLong closed = new AtomicLong();

    ConnectionDeadline(Scheduler scheduler, Duration deadline) {
        this.scheduler = scheduler;
        this.deadlineMillis = deadline.toMillis();
    }

    @Override
    public void onOpened(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        // Only the network connection (TLS or plain), not the HTTP connection TLS carries inside.
        if (!(endPoint instanceof SocketChannelEndPoint)) {
            return;
        }
        SocketAddress remote = endPoint.getRemoteSocketAddress();
        pending.put(
                remote,
                scheduler.schedule(
                        () -> {
                            if (pending.remove(remote) != null) {
                                closed.incrementAndGet();
                                endPoint.close();
                            }
                        },
                        deadlineMillis,
                        TimeUnit.MILLISECONDS));
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection.getEndPoint() instanceof SocketChannelEndPoint) {
            served(connection.getEndPoint().getRemoteSocketAddress());
        }
    }

    /** The connection from {@code remote} delivered a request head in time: its deadline is lifted. */
    void served(SocketAddress remote) {
        Scheduler.Task task = pending.remove(remote);
        if (task != null) {
            task.cancel();
        }
    }

    /** Connections closed for missing the deadline since start. */
    long closedCount() {
        return closed.get();
    }
}
