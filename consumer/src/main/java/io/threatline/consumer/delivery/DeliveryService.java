package io.threatline.consumer.delivery;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.consumer.ConsumerSerdes;
import io.threatline.consumer.audit.AuditLog;
import io.threatline.consumer.audit.AuditSequencer;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.PartnerAgreement;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every partner's push channels (syslog, webhook, files, Kafka JSON mirror) as the agreements
 * say: one {@link ChannelWorker} per partner and channel, each with its own thread and consumer
 * group. Agreements are followed live: a new partner or channel starts a worker, changed channel
 * settings restart it, an ended agreement (tombstone, or its period over) stops it — fail closed.
 * Receipts go to the shared {@link AuditLog}; this service also runs an instance of the {@link
 * AuditSequencer}, so several delivery services can share the partners' feeds (their workers join
 * the same consumer groups) while each partner's receipts stay one chain.
 */
public final class DeliveryService implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryService.class);

    private final DeliveryConfig config;
    private final Map<String, Object> clientProperties;
    private final ThreatlineTopics topics;
    private final ConsumerSerdes serdes;
    private final Secrets secrets;
    private final Map<DeliveryChannel, ChannelSinkFactory> factories = new EnumMap<>(DeliveryChannel.class);
    private final DeliveryCounters counters = new DeliveryCounters();
    private final Map<String, Running> running = new LinkedHashMap<>();
    private final Map<String, String> refused = new HashMap<>();
    private AuditSequencer sequencer;
    private AuditLog audit;
    private final io.threatline.schemas.privacy.IndicatorKey indicatorKey;
    private PartnerDeadLetters deadLetters;
    private AgreementsView agreements;
    private ScheduledExecutorService recheck;

    private record Running(ChannelWorker worker, Thread thread, ChannelSettings settings) {}

    /**
     * @param settings  delivery settings ({@code threatline.delivery.*}) plus Kafka client and serde settings
     * @param factories the push channels this service can run
     */
    public DeliveryService(Map<String, ?> settings, List<ChannelSinkFactory> factories) {
        this.config = new DeliveryConfig(settings);
        this.clientProperties = DeliveryConfig.clientProperties(settings);
        this.topics = config.topics();
        this.serdes = ConsumerSerdes.from(clientProperties);
        this.secrets = Secrets.from(config.secretsDir());
        this.indicatorKey = config.indicatorKey();
        factories.forEach(f -> this.factories.put(f.channel(), f));
    }

    public DeliveryCounters counters() {
        return counters;
    }

    public AuditLog audit() {
        return audit;
    }

    /** This process's instance of the audit sequencer, which chains the receipts of every delivery service. */
    public AuditSequencer sequencer() {
        return sequencer;
    }

    public AgreementsView agreements() {
        return agreements;
    }

    public Secrets secrets() {
        return secrets;
    }

    /** Joins the audit sequencer, reads the agreements and starts the workers they call for. */
    public synchronized void start() throws InterruptedException {
        sequencer = AuditSequencer.start(clientProperties, topics, serdes.receipt);
        audit = AuditLog.open(
                clientProperties, topics.deliveryReceiptRequests(), serdes.receipt.serializer(), indicatorKey);
        deadLetters = PartnerDeadLetters.open(clientProperties, topics, serdes.deadLetter.serializer());
        agreements = new AgreementsView(clientProperties, topics.agreements(), serdes, this::reconcile);
        agreements.start(Duration.ofSeconds(60));
        reconcile();
        recheck = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "delivery-recheck");
            t.setDaemon(true);
            return t;
        });
        long every = config.recheckInterval().toMillis();
        recheck.scheduleAtFixedRate(this::recheck, every, every, TimeUnit.MILLISECONDS);
    }

    /** The workers now running, as {@code partner/CHANNEL[#n]}. */
    public synchronized List<String> runningWorkers() {
        return List.copyOf(running.keySet());
    }

    /** Why a channel of a partner is not running although its agreement names it (bad settings, a missing secret). */
    public synchronized Map<String, String> refusedChannels() {
        return Map.copyOf(refused);
    }

    /** Brings the running workers in line with the agreements in force now. */
    synchronized void reconcile() {
        if (agreements == null) {
            return;
        }
        Map<String, ChannelSettings> wanted = wantedChannels(agreements.all(), Instant.now());
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            ChannelSettings want = wanted.get(entry.getKey());
            if (want == null || !want.equals(entry.getValue().settings())) {
                LOGGER.info(
                        "Stopping delivery {} ({})",
                        entry.getKey(),
                        want == null ? "no longer granted" : "settings changed");
                stopWorker(entry.getValue());
                it.remove();
            }
        }
        refused.keySet().retainAll(wanted.keySet());
        wanted.forEach((key, channelSettings) -> {
            if (!running.containsKey(key)) {
                startWorker(key, channelSettings);
            }
        });
    }

    private Map<String, ChannelSettings> wantedChannels(Map<String, PartnerAgreement> all, Instant now) {
        Map<String, ChannelSettings> wanted = new LinkedHashMap<>();
        all.values().stream()
                .filter(a -> config.partners().isEmpty() || config.partners().contains(a.getPartnerId()))
                .filter(a ->
                        AgreementPolicy.inForce(a, now) && !a.getDataKinds().isEmpty())
                .forEach(a -> {
                    Map<DeliveryChannel, Integer> seen = new EnumMap<>(DeliveryChannel.class);
                    for (ChannelSettings channel : a.getChannels()) {
                        if (!config.channels().contains(channel.getChannel())
                                || !factories.containsKey(channel.getChannel())) {
                            continue;
                        }
                        int n = seen.merge(channel.getChannel(), 1, Integer::sum);
                        wanted.put(
                                a.getPartnerId() + "/" + channel.getChannel() + (n > 1 ? "#" + n : ""),
                                withRetention(channel, a));
                    }
                });
        return wanted;
    }

    /**
     * A files channel's settings with its agreement's retention added (docs/data-protection.md), which
     * the outbox follows; a changed retention is a changed channel, so the worker restarts with it. Whatever
     * an agreement file put under that name is replaced.
     */
    private static ChannelSettings withRetention(ChannelSettings channel, PartnerAgreement a) {
        if (channel.getChannel() != DeliveryChannel.FILES) {
            return channel;
        }
        Map<String, String> settings = new java.util.TreeMap<>(channel.getSettings());
        settings.remove(io.threatline.consumer.delivery.ChannelSettings.AGREEMENT_RETENTION);
        if (a.getRetentionMillis() > 0) {
            settings.put(
                    io.threatline.consumer.delivery.ChannelSettings.AGREEMENT_RETENTION,
                    Duration.ofMillis(a.getRetentionMillis()).toString());
        }
        return new ChannelSettings(channel.getChannel(), settings);
    }

    private void startWorker(String key, ChannelSettings channelSettings) {
        String partnerId = key.substring(0, key.indexOf('/'));
        ChannelSinkFactory factory = factories.get(channelSettings.getChannel());
        io.threatline.consumer.delivery.ChannelSettings typed = new io.threatline.consumer.delivery.ChannelSettings(
                partnerId, channelSettings.getChannel(), channelSettings.getSettings(), secrets);
        ChannelSink sink;
        try {
            if (!factory.needsWorker(typed)) {
                return;
            }
            sink = factory.create(typed);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // Fail closed for this channel only, whatever the channel threw (bad settings, or a bug such as an
            // overflow): the partner's other channels and other partners go on, and so does following agreements.
            refuse(key, partnerId, channelSettings.getChannel(), e);
            return;
        }
        refused.remove(key);
        String group = config.groupPrefix() + "."
                + key.replace('/', '.').replace('#', '.').toLowerCase(Locale.ROOT);
        ChannelWorker worker = new ChannelWorker(
                partnerId,
                channelSettings.getChannel(),
                sink,
                topics,
                group,
                clientProperties,
                config.batchMaxRecords(),
                serdes,
                audit,
                deadLetters,
                config.backoff(),
                counters);
        Thread thread = new Thread(worker, "deliver-" + key);
        // close() stops and joins the workers; as daemons they never keep a failed JVM alive.
        thread.setDaemon(true);
        thread.start();
        running.put(key, new Running(worker, thread, channelSettings));
        LOGGER.info("Started delivery {} (group {})", key, group);
    }

    /** Records why a channel is not running; logs and counts it once per distinct reason, not at every recheck. */
    private void refuse(String key, String partnerId, DeliveryChannel channel, Throwable e) {
        String reason = e instanceof IllegalArgumentException && e.getMessage() != null
                ? e.getMessage()
                : "partner '" + partnerId + "', channel " + channel + " could not be built: " + e;
        if (!reason.equals(refused.put(key, reason))) {
            counters.channel(partnerId, channel.name()).refusals.increment();
            if (e instanceof IllegalArgumentException) {
                LOGGER.error("Not delivering {} (partner {}, channel {}): {}", key, partnerId, channel, reason);
            } else {
                LOGGER.error("Not delivering {} (partner {}, channel {}): {}", key, partnerId, channel, reason, e);
            }
        }
    }

    /** {@link #reconcile} for the periodic recheck: an exception must not cancel the schedule, so it is logged and the next run tries again. */
    private void recheck() {
        try {
            reconcile();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            LOGGER.error("Rechecking the agreements failed; trying again at the next recheck", e);
        }
    }

    private static void stopWorker(Running r) {
        r.worker().stop();
        try {
            r.thread().join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (recheck != null) {
            recheck.shutdownNow();
        }
        List<Running> all = new ArrayList<>(running.values());
        running.clear();
        all.forEach(r -> r.worker().stop());
        for (Running r : all) {
            r.thread().join(30_000);
        }
        if (agreements != null) {
            agreements.close();
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (audit != null) {
            audit.close();
        }
        if (sequencer != null) {
            long waiting = sequencer.awaitChained(Duration.ofSeconds(15));
            if (waiting > 0) {
                LOGGER.warn(
                        "{} receipt(s) wait in {} for the next audit sequencer to chain them",
                        waiting,
                        topics.deliveryReceiptRequests());
            }
            sequencer.close();
        }
        serdes.close();
    }
}
