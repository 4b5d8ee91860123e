package io.threatline.platform.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Waits until a Kafka cluster answers a metadata request. */
public final class BrokerReadiness {
    private BrokerReadiness() {}

    /**
     * @throws EmbeddedKafkaException when no broker answered within the timeout
     */
    public static void await(String bootstrapServers, Duration timeout) {
        await(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), timeout);
    }

    public static void await(Map<String, Object> clientProperties, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                            .nodes()
                            .get(6, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EmbeddedKafkaException(
                            "Interrupted while waiting for Kafka at " + props.get("bootstrap.servers"), e);
                }
            }
        }
        throw new EmbeddedKafkaException(
                "Kafka at " + props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " did not answer within "
                        + timeout.toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()));
    }
}
