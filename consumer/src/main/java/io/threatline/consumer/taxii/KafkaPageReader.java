package io.threatline.consumer.taxii;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one page of a topic for the TAXII server, with no state between pages: it seeks every
 * partition to the cursor's offset (or, without a cursor, to the first record after
 * {@code added_after} by {@code offsetsForTimes}, or to the beginning), then merges the
 * partitions by record timestamp — the objects' {@code date_added} — so a page is in
 * {@code date_added} order, and returns the next cursor. Records are read committed, with
 * consumers from a small pool used by {@code assign}/{@code seek} (no group, no commits).
 *
 * <p>The end of every partition is fixed when the page starts, so records added while a client
 * pages appear on a later request rather than stretching this one.
 */
public final class KafkaPageReader implements AutoCloseable {

    /** A record on a page, converted by the caller. */
    public record Item<T>(int partition, long offset, long timestamp, String key, T value) {}

    /** A page: its items, the cursor of the page after it, and whether there may be more. */
    public record Page<T>(List<Item<T>> items, PageCursor next, boolean more) {}

    private static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, Object> consumerConfig;
    private final BlockingQueue<KafkaConsumer<String, byte[]>> idle;
    private final AtomicInteger created = new AtomicInteger();
    private final int poolSize;
    private final Duration pageTimeout;

    /**
     * @param consumerConfig Kafka consumer settings (at least {@code bootstrap.servers}); the
     *                       reader sets deserializers, read_committed and no auto commit
     * @param poolSize       consumers kept; at most this many pages are read at once
     * @param pageTimeout    how long a page may wait for the broker before it is returned short
     */
    public KafkaPageReader(Map<String, Object> consumerConfig, int poolSize, Duration pageTimeout) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        this.consumerConfig = Map.copyOf(config);
        this.poolSize = poolSize;
        this.idle = new ArrayBlockingQueue<>(poolSize);
        this.pageTimeout = pageTimeout;
    }

    /**
     * Reads up to {@code limit} converted records of {@code topic}.
     *
     * @param cursor     where the previous page ended; partitions it does not name start as if there were none
     * @param addedAfter only records with a timestamp after this (epoch millis) are converted
     * @param convert    the record as served, or empty to skip it (not counted toward the limit)
     */
    public <T> Page<T> read(
            String topic,
            Optional<PageCursor> cursor,
            OptionalLong addedAfter,
            int limit,
            Function<ConsumerRecord<String, byte[]>, Optional<T>> convert)
            throws InterruptedException {
        KafkaConsumer<String, byte[]> consumer = borrow();
        boolean healthy = false;
        try {
            Page<T> page = read(consumer, topic, cursor, addedAfter, limit, convert);
            healthy = true;
            return page;
        } finally {
            giveBack(consumer, healthy);
        }
    }

    /** What {@link #scanKeys} passes on for each record: where it is and its key (null for none). */
    @FunctionalInterface
    public interface KeyVisitor {
        void visit(int partition, long offset, String key);
    }

    /**
     * Reads the keys of {@code topic} from {@code from} (per partition; a partition not named starts
     * at its beginning) up to the end offsets fixed when the scan starts, and returns those ends.
     * Values are fetched but not decoded. Used to index which record is an object's latest version.
     */
    public Map<Integer, Long> scanKeys(String topic, Map<Integer, Long> from, KeyVisitor visitor)
            throws InterruptedException {
        KafkaConsumer<String, byte[]> consumer = borrow();
        boolean healthy = false;
        try {
            Map<Integer, Long> ends = scanKeys(consumer, topic, from, visitor);
            healthy = true;
            return ends;
        } finally {
            giveBack(consumer, healthy);
        }
    }

    private static Map<Integer, Long> scanKeys(
            KafkaConsumer<String, byte[]> consumer, String topic, Map<Integer, Long> from, KeyVisitor visitor) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos == null || infos.isEmpty()) {
            return Map.copyOf(from);
        }
        List<TopicPartition> partitions = infos.stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        List<TopicPartition> open = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long start = Math.max(from.getOrDefault(tp.partition(), 0L), begin.get(tp));
            if (start < end.get(tp)) {
                consumer.seek(tp, start);
                open.add(tp);
            }
        }
        consumer.pause(partitions);
        consumer.resume(open);
        while (!open.isEmpty()) {
            ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
            for (ConsumerRecord<String, byte[]> record : records) {
                if (record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
                    visitor.visit(record.partition(), record.offset(), record.key());
                }
            }
            open.removeIf(tp -> {
                boolean done = consumer.position(tp) >= end.get(tp);
                if (done) {
                    consumer.pause(List.of(tp));
                }
                return done;
            });
        }
        Map<Integer, Long> ends = new HashMap<>();
        end.forEach((tp, offset) -> ends.put(tp.partition(), offset));
        return ends;
    }

    private <T> Page<T> read(
            KafkaConsumer<String, byte[]> consumer,
            String topic,
            Optional<PageCursor> cursor,
            OptionalLong addedAfter,
            int limit,
            Function<ConsumerRecord<String, byte[]>, Optional<T>> convert) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos == null || infos.isEmpty()) {
            return new Page<>(List.of(), cursor.orElse(new PageCursor(Map.of())), false);
        }
        List<TopicPartition> partitions = infos.stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition))
                .toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> next = new HashMap<>();
        List<TopicPartition> fromTime = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long fromCursor =
                    cursor.map(c -> c.nextOffsets().get(tp.partition())).orElse(null);
            if (fromCursor != null) {
                next.put(tp, Math.min(Math.max(fromCursor, begin.get(tp)), end.get(tp)));
            } else if (addedAfter.isPresent()) {
                fromTime.add(tp);
            } else {
                next.put(tp, begin.get(tp));
            }
        }
        if (!fromTime.isEmpty()) {
            Map<TopicPartition, Long> query = new HashMap<>();
            fromTime.forEach(tp -> query.put(tp, addedAfter.getAsLong() + 1));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            fromTime.forEach(tp -> {
                OffsetAndTimestamp at = found.get(tp);
                next.put(tp, at == null ? end.get(tp) : at.offset());
            });
        }
        next.forEach(consumer::seek);

        Map<TopicPartition, ArrayDeque<ConsumerRecord<String, byte[]>>> buffers = new HashMap<>();
        partitions.forEach(tp -> buffers.put(tp, new ArrayDeque<>()));
        List<Item<T>> items = new ArrayList<>(Math.min(limit, 10_000));
        long deadline = System.nanoTime() + pageTimeout.toNanos();
        boolean timedOut = false;
        while (items.size() < limit) {
            List<TopicPartition> needy = partitions.stream()
                    .filter(tp -> buffers.get(tp).isEmpty() && next.get(tp) < end.get(tp))
                    .toList();
            if (!needy.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    timedOut = true;
                    break;
                }
                fill(consumer, partitions, needy, buffers, next, end);
            }
            TopicPartition earliest = null;
            for (TopicPartition tp : partitions) {
                ConsumerRecord<String, byte[]> head = buffers.get(tp).peek();
                if (head != null
                        && (earliest == null
                                || head.timestamp()
                                        < buffers.get(earliest).peek().timestamp())) {
                    earliest = tp;
                }
            }
            if (earliest == null) {
                if (needy.isEmpty()) {
                    break;
                }
                continue;
            }
            // Only the earliest head is safe to take when every unfinished partition has a head.
            boolean allHeads =
                    partitions.stream().allMatch(tp -> !buffers.get(tp).isEmpty() || next.get(tp) >= end.get(tp));
            if (!allHeads) {
                continue;
            }
            ConsumerRecord<String, byte[]> record = buffers.get(earliest).poll();
            next.put(earliest, record.offset() + 1);
            if (addedAfter.isPresent() && record.timestamp() <= addedAfter.getAsLong()) {
                continue;
            }
            Optional<T> converted = convert.apply(record);
            converted.ifPresent(v ->
                    items.add(new Item<>(record.partition(), record.offset(), record.timestamp(), record.key(), v)));
        }
        Map<Integer, Long> nextOffsets = new HashMap<>();
        boolean more = timedOut;
        for (TopicPartition tp : partitions) {
            ConsumerRecord<String, byte[]> head = buffers.get(tp).peek();
            long offset = head != null ? head.offset() : next.get(tp);
            nextOffsets.put(tp.partition(), offset);
            more |= offset < end.get(tp);
        }
        return new Page<>(items, new PageCursor(nextOffsets), more);
    }

    /** Polls only the partitions that need records until each has some or is at its end. */
    private static void fill(
            KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> all,
            List<TopicPartition> needy,
            Map<TopicPartition, ArrayDeque<ConsumerRecord<String, byte[]>>> buffers,
            Map<TopicPartition, Long> next,
            Map<TopicPartition, Long> end) {
        consumer.pause(all);
        consumer.resume(needy);
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
                // Past the end fixed at the start of the page: left for the next page.
                if (record.offset() < end.get(tp)) {
                    buffers.get(tp).add(record);
                }
            }
        }
        for (TopicPartition tp : needy) {
            if (buffers.get(tp).isEmpty()) {
                // Nothing returned: either not fetched yet, or only aborted records / markers up to here.
                long position = consumer.position(tp);
                next.put(tp, Math.max(next.get(tp), Math.min(position, end.get(tp))));
            }
        }
    }

    private KafkaConsumer<String, byte[]> borrow() throws InterruptedException {
        KafkaConsumer<String, byte[]> consumer = idle.poll();
        if (consumer != null) {
            return consumer;
        }
        if (created.incrementAndGet() <= poolSize) {
            Properties p = new Properties();
            p.putAll(consumerConfig);
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "threatline-taxii-reader-" + created.get());
            return new KafkaConsumer<>(p);
        }
        created.decrementAndGet();
        consumer = idle.poll(30, TimeUnit.SECONDS);
        if (consumer == null) {
            throw new IllegalStateException("no Kafka reader free after 30 s; all " + poolSize + " are busy");
        }
        return consumer;
    }

    private void giveBack(KafkaConsumer<String, byte[]> consumer, boolean healthy) {
        if (healthy && idle.offer(consumer)) {
            return;
        }
        created.decrementAndGet();
        consumer.close(Duration.ofSeconds(1));
    }

    @Override
    public void close() {
        KafkaConsumer<String, byte[]> consumer;
        while ((consumer = idle.poll()) != null) {
            consumer.close(Duration.ofSeconds(1));
        }
    }
}
