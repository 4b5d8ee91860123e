package io.threatline.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpServer;

import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.consumer.delivery.TestRecords;
import io.threatline.consumer.files.FileSinkFactory;
import io.threatline.consumer.webhook.WebhookSinkFactory;
import io.threatline.contract.DeliveryChannel;

/**
 * A small measurement, not a benchmark: {@value #BATCHES} batches of {@value #BATCH_SIZE}
 * indicators through each sink on this machine, logged as records per second (each batch is
 * fsynced, or one signed POST to a receiver on loopback). Nothing is asserted about time; the test
 * only checks that every record arrived.
 */
class DeliveryThroughputTest {

    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryThroughputTest.class);
    static final int BATCHES = 20;
    static final int BATCH_SIZE = 500;

    @TempDir
    Path dir;

    private static List<DeliveryBatch> batches(DeliveryChannel channel) {
        List<DeliveryBatch> batches = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            List<SpecificRecord> values = new ArrayList<>();
            for (int i = 0; i < BATCH_SIZE; i++) {
                int n = b * BATCH_SIZE + i;
                values.add(TestRecords.indicatorBuilder(io.threatline.contract.IndicatorType.IPV4,
                    "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255)).build());
            }
            batches.add(TestRecords.batch(channel, (long) b * BATCH_SIZE, values));
        }
        return batches;
    }

    private static double deliver(ChannelSink sink, List<DeliveryBatch> batches) throws Exception {
        sink.deliver(batches.get(0)); // warm-up batch, not timed
        long start = System.nanoTime();
        for (DeliveryBatch batch : batches.subList(1, batches.size())) {
            sink.deliver(batch);
        }
        long elapsed = System.nanoTime() - start;
        sink.close();
        return (batches.size() - 1) * (double) BATCH_SIZE / (elapsed / 1e9);
    }

    @ParameterizedTest(name = "files {0}")
    @ValueSource(strings = {"jsonl", "csv", "misp"})
    void fileSinkThroughputIsMeasured(String format) throws Exception {
        ChannelSink sink = new FileSinkFactory().create(new ChannelSettings(TestRecords.PARTNER, DeliveryChannel.FILES,
            Map.of("directory", dir.toString(), "format", format), new Secrets(Optional.empty(), Map.of())));

        double perSecond = deliver(sink, batches(DeliveryChannel.FILES));

        LOGGER.info("files/{}: {} records/s ({} batches of {}, fsync per batch)", format, Math.round(perSecond), BATCHES - 1, BATCH_SIZE);
        System.out.printf("MEASURED files/%s: %d records/s%n", format, Math.round(perSecond));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).isPositive();
        }
    }

    @ParameterizedTest(name = "webhook {0}")
    @ValueSource(strings = {"ecs", "stix"})
    void webhookThroughputToALocalReceiverIsMeasured(String format) throws Exception {
        AtomicLong bytes = new AtomicLong();
        HttpServer server = HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            bytes.addAndGet(exchange.getRequestBody().readAllBytes().length);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            Map<String, String> settings = new HashMap<>(Map.of("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
                "format", format, "hmac_key", "secret:hmac"));
            ChannelSink sink = new WebhookSinkFactory().create(new ChannelSettings(TestRecords.PARTNER, DeliveryChannel.WEBHOOK, settings,
                new Secrets(Optional.empty(), Map.of("THREATLINE_SECRET_HMAC", "0123456789abcdef0123456789abcdef"))));

            double perSecond = deliver(sink, batches(DeliveryChannel.WEBHOOK));

            LOGGER.info("webhook/{}: {} records/s ({} POSTs of {})", format, Math.round(perSecond), BATCHES - 1, BATCH_SIZE);
            System.out.printf("MEASURED webhook/%s: %d records/s%n", format, Math.round(perSecond));
            assertThat(bytes.get()).isPositive();
        } finally {
            server.stop(0);
        }
    }
}
