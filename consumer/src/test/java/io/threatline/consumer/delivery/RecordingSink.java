package io.threatline.consumer.delivery;

import io.threatline.contract.DeliveryChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A test channel that keeps what it was given and can be told to fail, transiently or for good —
 * the stand-in peer for tests of the delivery service itself. Real peers are tested per channel.
 */
final class RecordingSink implements ChannelSink {

    enum Mode {
        WORKING,
        DOWN,
        REJECTING
    }

    final String partnerId;
    final List<DeliveryBatch> confirmed = new CopyOnWriteArrayList<>();
    final List<String> attemptedKeys = new CopyOnWriteArrayList<>();
    final AtomicReference<Mode> mode = new AtomicReference<>(Mode.WORKING);

    RecordingSink(String partnerId) {
        this.partnerId = partnerId;
    }

    @Override
    public String target() {
        return "recording://" + partnerId;
    }

    @Override
    public Optional<String> cannotExpress(DeliveryRecord record) {
        return record.isIndicator() ? Optional.empty() : Optional.of("this test channel carries indicators only");
    }

    @Override
    public void deliver(DeliveryBatch batch) throws DeliveryException {
        attemptedKeys.add(batch.idempotencyKey());
        switch (mode.get()) {
            case DOWN -> throw DeliveryException.transientFailure("receiver of " + partnerId + " is down");
            case REJECTING ->
                throw DeliveryException.permanent("CHANNEL_REJECTED", "HTTP 400 from the receiver of " + partnerId);
            case WORKING -> confirmed.add(batch);
        }
    }

    List<String> deliveredIds() {
        List<String> ids = new ArrayList<>();
        confirmed.forEach(b -> ids.addAll(b.recordIds()));
        return ids;
    }

    /** A factory handing out one RecordingSink per partner, for the given channel. */
    static final class Factory implements ChannelSinkFactory {
        final DeliveryChannel channel;
        final java.util.Map<String, RecordingSink> sinks = new java.util.concurrent.ConcurrentHashMap<>();

        Factory(DeliveryChannel channel) {
            this.channel = channel;
        }

        @Override
        public DeliveryChannel channel() {
            return channel;
        }

        @Override
        public void validate(ChannelSettings settings) {
            settings.required("url");
        }

        @Override
        public ChannelSink create(ChannelSettings settings) {
            validate(settings);
            return sinks.computeIfAbsent(settings.partnerId(), RecordingSink::new);
        }

        RecordingSink sink(String partnerId) {
            return sinks.computeIfAbsent(partnerId, RecordingSink::new);
        }
    }
}
