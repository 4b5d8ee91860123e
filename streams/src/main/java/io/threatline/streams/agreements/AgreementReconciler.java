package io.threatline.streams.agreements;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.agreements.Decision;
import io.threatline.contract.AgreementEnd;
import io.threatline.contract.Indicator;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.streams.dedup.IndicatorState;
import io.threatline.streams.dedup.Indicators;
import io.threatline.streams.enrich.Enrichment;
import io.threatline.streams.topology.HubCounters;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Brings what each partner holds in line with what its agreement grants now, for every live
 * indicator of one stream task (docs/agreements.md, "Agreements over time"). The live path
 * ({@link PartnerRouter}) decides only when an indicator changes; this sweep decides when the
 * <em>terms</em> change:
 * <ul>
 *   <li>a new partner, or a version that grants more: each live indicator now granted and not yet
 *       held goes out as NEW (a backfill);</li>
 *   <li>a version that grants less, and reference data that takes an indicator out of scope (a
 *       benign list loaded later, a family reassigned): each held indicator no longer granted is
 *       taken back with a REVOKE;</li>
 *   <li>an agreement ended (tombstone), its term over or not yet begun: each held indicator is
 *       revoked, or silently forgotten when the agreement says {@code on_end: keep};</li>
 *   <li>{@code agreements replay}: a new {@code replayRequest} re-sends every granted indicator as
 *       NEW, held or not.</li>
 * </ul>
 *
 * <p>Each partner's sweep is keyed by a fingerprint of what decides the grant (the agreement's
 * terms except its channels, whether it is in force now, and the digest of the scope-deciding
 * reference data); a different fingerprint starts the sweep again from the first indicator. The
 * fingerprint, the replay token and a cursor (the last indicator id done) live in a changelogged
 * store and the terms last swept under in another, both written in the same exactly-once
 * transaction as the records sent, so a hub killed mid-sweep resumes where it stopped and sends
 * nothing twice. It examines at most {@code rate} indicators a second, between batches of live
 * records on the same thread, so live traffic keeps flowing. A sweep is idempotent: it sends NEW
 * only for what the delivered set does not hold and REVOKE only for what it does.
 */
public final class AgreementReconciler {

    /** Per partner: the sweep's state ({@link Sweep#format}). */
    public static final String RECONCILE_STORE = "partner-reconcile";
    /** Per partner: the agreement its holdings were last reconciled to; what an ended agreement is revoked under. */
    public static final String TERMS_STORE = "partner-terms";

    /** How often the sweep runs; its budget per run is {@code rate × TICK}. */
    public static final Duration TICK = Duration.ofMillis(100);

    private final AgreementsSnapshot.View agreements;
    private final KeyValueStore<String, IndicatorState> indicators;
    private final KeyValueStore<String, String> embargoed;
    private final KeyValueStore<String, String> sweeps;
    private final KeyValueStore<String, PartnerAgreement> terms;
    private final Enrichment enrichment;
    private final HubCounters counters;
    private final PartnerRouter.Sender sender;
    private final int perTick;
    private final Duration referenceCheckInterval;

    private final Map<String, Sweep> sweepCache = new HashMap<>();
    private final Map<String, PartnerAgreement> termsCache = new HashMap<>();
    private final Map<PartnerAgreement, String> grantHashes = new IdentityHashMap<>();
    private long scopeDigest;
    private long nextReferenceCheck = Long.MIN_VALUE;
    /**
     * What the last run saw settled — no sweep running, under these agreements and this scope data, until
     * the next moment an agreement's period begins or ends: until one of them moves, a run has nothing to
     * start, and returns at once (with 200 agreements, checking each one ten times a second per task was a
     * tenth of the hub's time).
     */
    private long settledVersion = -1;

    private long settledDigest;
    private long settledUntil = Long.MIN_VALUE;

    AgreementReconciler(
            AgreementsSnapshot.View agreements,
            KeyValueStore<String, IndicatorState> indicators,
            KeyValueStore<String, String> embargoed,
            KeyValueStore<String, String> sweeps,
            KeyValueStore<String, PartnerAgreement> terms,
            Enrichment enrichment,
            HubCounters counters,
            PartnerRouter.Sender sender,
            int rate,
            Duration referenceCheckInterval) {
        this.agreements = agreements;
        this.indicators = indicators;
        this.embargoed = embargoed;
        this.sweeps = sweeps;
        this.terms = terms;
        this.enrichment = enrichment;
        this.counters = counters;
        this.sender = sender;
        this.perTick = Math.max(1, (int) (rate * TICK.toMillis() / 1000));
        this.referenceCheckInterval = referenceCheckInterval;
        try (KeyValueIterator<String, String> it = sweeps.all()) {
            it.forEachRemaining(kv -> {
                Sweep sweep = Sweep.parse(kv.value);
                sweepCache.put(kv.key, sweep);
                if (sweep.running()) {
                    counters.reconciling(kv.key, 1);
                }
            });
        }
        try (KeyValueIterator<String, PartnerAgreement> it = terms.all()) {
            it.forEachRemaining(kv -> termsCache.put(kv.key, kv.value));
        }
    }

    /** Releases the progress gauges of this task's sweeps (the task is closing or moving). */
    void close() {
        sweepCache.forEach((partner, sweep) -> {
            if (sweep.running()) {
                counters.reconciling(partner, -1);
            }
        });
    }

    /**
     * One run: starts a sweep for every partner whose fingerprint moved, then takes every running
     * sweep one batch further in a single pass over the store — one decoding of the holders and one
     * enrichment per indicator, whatever the number of partners sweeping.
     */
    void run(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        if (wallClockMs >= nextReferenceCheck) {
            scopeDigest = enrichment.scopeDataDigest();
            nextReferenceCheck = wallClockMs + referenceCheckInterval.toMillis();
        }
        long version = agreements.version();
        if (version == settledVersion && scopeDigest == settledDigest && wallClockMs < settledUntil) {
            return;
        }
        TreeSet<String> partners = new TreeSet<>(termsCache.keySet());
        long until = Long.MAX_VALUE;
        for (PartnerAgreement a : agreements.all()) {
            partners.add(a.getPartnerId());
            Instant change = AgreementPolicy.nextChangeOfForce(a, now);
            if (change != null) {
                until = Math.min(until, change.toEpochMilli());
            }
        }
        Map<String, Sweep> running = new TreeMap<>();
        for (String partner : partners) {
            Sweep sweep = start(partner, agreements.of(partner), now, wallClockMs);
            if (sweep.running()) {
                running.put(partner, sweep);
            }
        }
        if (!running.isEmpty()) {
            sweep(running, now, wallClockMs);
            settledVersion = -1;
        } else {
            settledVersion = version;
            settledDigest = scopeDigest;
            settledUntil = until;
        }
    }

    /** The partner's sweep, a new one when the fingerprint or the replay token moved. */
    private Sweep start(String partner, PartnerAgreement current, Instant now, long wallClockMs) {
        String fingerprint = fingerprint(current, now);
        Sweep sweep = sweepCache.get(partner);
        String replayToken = current == null ? null : current.getReplayRequest();
        boolean replay = replayToken != null && (sweep == null || !replayToken.equals(sweep.replayToken()));
        // A replay cut short by another change of terms goes on as a replay from the start.
        boolean replaying = replay || sweep != null && sweep.running() && sweep.replay();
        if (sweep != null && sweep.fingerprint().equals(fingerprint) && !replay) {
            return sweep;
        }
        if (current != null) {
            termsCache.put(partner, current);
            terms.put(partner, current);
        }
        Sweep started = new Sweep(
                fingerprint,
                replay ? replayToken : sweep == null ? null : sweep.replayToken(),
                replaying,
                wallClockMs,
                "",
                true);
        if (sweep == null || !sweep.running()) {
            counters.reconciling(partner, 1);
        }
        save(partner, started);
        return started;
    }

    /**
     * Takes the running sweeps one batch further: from the smallest cursor, each indicator is decided
     * for every sweep that has not passed it yet. An indicator the hub first received after a sweep
     * started was routed by the live path under the same terms (a NEW already, if granted), so that
     * sweep skips it, a replay too. When the store is exhausted every running sweep is done.
     */
    private void sweep(Map<String, Sweep> running, Instant now, long timestamp) {
        String from = running.values().stream()
                .map(Sweep::cursor)
                .min(String::compareTo)
                .orElse("");
        List<KeyValue<String, IndicatorState>> batch = new ArrayList<>(perTick);
        boolean exhausted;
        try (KeyValueIterator<String, IndicatorState> it =
                from.isEmpty() ? indicators.all() : indicators.range(from + '\0', null)) {
            while (batch.size() < perTick && it.hasNext()) {
                batch.add(it.next());
            }
            exhausted = !it.hasNext();
        }
        Map<String, Boolean> inForce = new HashMap<>();
        running.keySet().forEach(p -> inForce.put(p, AgreementPolicy.inForce(agreements.of(p), now)));
        for (KeyValue<String, IndicatorState> entry : batch) {
            counters.reconcileExamined.increment();
            Indicator stored = entry.value.indicator();
            DeliveredSet holders = null;
            Indicator current = null;
            for (Map.Entry<String, Sweep> e : running.entrySet()) {
                String partner = e.getKey();
                Sweep sweep = e.getValue();
                if (!sweep.cursor().isEmpty() && entry.key.compareTo(sweep.cursor()) <= 0) {
                    continue;
                }
                if (stored.getReceivedAt() != null && stored.getReceivedAt().toEpochMilli() > sweep.startedAt()) {
                    continue;
                }
                if (holders == null) {
                    holders = DeliveredSet.parse(entry.value.holders());
                }
                if (inForce.get(partner)) {
                    if (current == null) {
                        current = asRoutedNow(stored);
                    }
                    reconcile(partner, agreements.of(partner), sweep.replay(), current, holders, now, timestamp);
                } else {
                    PartnerAgreement current0 = agreements.of(partner);
                    end(
                            partner,
                            current0 != null ? current0 : termsCache.get(partner),
                            stored,
                            holders,
                            now,
                            timestamp);
                }
            }
            if (holders != null) {
                PartnerRouter.saveIfChanged(indicators, entry.value, holders);
            }
        }
        String last = batch.isEmpty() ? null : batch.get(batch.size() - 1).key;
        for (Map.Entry<String, Sweep> e : running.entrySet()) {
            Sweep sweep = e.getValue();
            if (exhausted) {
                finish(e.getKey(), agreements.of(e.getKey()), sweep);
            } else if (last != null && (sweep.cursor().isEmpty() || last.compareTo(sweep.cursor()) > 0)) {
                save(e.getKey(), sweep.at(last));
            }
        }
    }

    /** The stored state as the live path would see it now: families re-resolved (an alias may have moved), enriched. */
    private Indicator asRoutedNow(Indicator stored) {
        Indicator current = Indicators.copyOf(stored);
        current.setMalwareFamilies(enrichment.canonicalFamilies(stored.getMalwareFamilies()));
        current.setAction(LifecycleAction.NEW);
        return enrichment.enrich(current);
    }

    private void reconcile(
            String partner,
            PartnerAgreement agreement,
            boolean replay,
            Indicator current,
            DeliveredSet holders,
            Instant now,
            long timestamp) {
        boolean held = holders.contains(partner);
        if (enrichment.benignList(current.getType(), current.getValue()).isPresent()) {
            if (held) {
                retract(partner, agreement, current, holders, now, timestamp);
            }
            return;
        }
        Decision decision = AgreementPolicy.decide(agreement, current, now);
        if (decision instanceof Decision.Deliver deliver) {
            if (!held || replay) {
                PartnerIndicator out = deliver.record();
                out.setAction(LifecycleAction.NEW);
                holders.add(partner);
                counters.delivered(partner);
                counters.backfilled(partner);
                sender.send(current.getId(), out, timestamp);
            }
        } else if (decision instanceof Decision.Embargoed e) {
            if (!held) {
                embargoed.put(PartnerRouter.embargoKey(e.until(), partner, current.getId()), "");
            }
        } else if (held) {
            retract(partner, agreement, current, holders, now, timestamp);
        }
    }

    private void end(
            String partner,
            PartnerAgreement lastTerms,
            Indicator stored,
            DeliveredSet holders,
            Instant now,
            long timestamp) {
        if (!holders.contains(partner)) {
            return;
        }
        if (lastTerms == null || lastTerms.getOnEnd() != AgreementEnd.KEEP) {
            retract(partner, lastTerms, stored, holders, now, timestamp);
        } else {
            holders.remove(partner);
        }
    }

    private void retract(
            String partner,
            PartnerAgreement lastTerms,
            Indicator indicator,
            DeliveredSet holders,
            Instant now,
            long timestamp) {
        holders.remove(partner);
        if (lastTerms == null) {
            return;
        }
        counters.delivered(partner);
        counters.retracted(partner);
        sender.send(
                indicator.getId(),
                AgreementPolicy.retraction(lastTerms, indicator, LifecycleAction.REVOKE, now),
                timestamp);
    }

    private void finish(String partner, PartnerAgreement current, Sweep sweep) {
        counters.reconciling(partner, -1);
        if (current == null) {
            // Ended and swept: nothing of the partner is left in this task.
            sweeps.delete(partner);
            sweepCache.remove(partner);
            terms.delete(partner);
            termsCache.remove(partner);
            return;
        }
        save(partner, sweep.done());
    }

    private void save(String partner, Sweep sweep) {
        sweepCache.put(partner, sweep);
        sweeps.put(partner, sweep.format());
    }

    /** What decides the grant: the terms without their channels and replay token, whether in force now, the scope data. */
    private String fingerprint(PartnerAgreement agreement, Instant now) {
        if (agreement == null) {
            return "ended";
        }
        String grant = grantHashes.computeIfAbsent(
                agreement,
                a -> sha256(PartnerAgreement.newBuilder(a)
                        .setChannels(List.of())
                        .setReplayRequest(null)
                        .build()
                        .toString()));
        if (grantHashes.size() > 10_000) {
            grantHashes.clear();
        }
        return grant + (AgreementPolicy.inForce(agreement, now) ? "+" : "-") + Long.toHexString(scopeDigest);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A partner's sweep: the fingerprint it reconciles to, the last replay token acted on, whether it
     * re-sends held indicators (a replay), the last indicator id done, and whether it is still running.
     */
    record Sweep(
            String fingerprint, String replayToken, boolean replay, long startedAt, String cursor, boolean running) {

        Sweep at(String indicatorId) {
            return new Sweep(fingerprint, replayToken, replay, startedAt, indicatorId, true);
        }

        Sweep done() {
            return new Sweep(fingerprint, replayToken, false, startedAt, "", false);
        }

        /** {@code fingerprint \t replayToken \t R|N|D \t startedAt \t cursor}; the cursor is last because an id may hold anything. */
        String format() {
            return fingerprint
                    + '\t'
                    + (replayToken == null ? "" : replayToken)
                    + '\t'
                    + (!running ? "D" : replay ? "R" : "N")
                    + '\t'
                    + startedAt
                    + '\t'
                    + cursor;
        }

        static Sweep parse(String stored) {
            String[] parts = stored.split("\t", 5);
            long startedAt;
            try {
                startedAt = parts.length == 5 ? Long.parseLong(parts[3]) : 0;
            } catch (NumberFormatException e) {
                startedAt = 0;
            }
            if (parts.length < 5 || startedAt == 0) {
                // Unreadable: start over (with nothing skipped), which is always safe.
                return new Sweep("", null, false, Long.MAX_VALUE, "", true);
            }
            String mode = parts[2];
            return new Sweep(
                    parts[0],
                    parts[1].isEmpty() ? null : parts[1],
                    "R".equals(mode),
                    startedAt,
                    parts[4],
                    !"D".equals(mode));
        }
    }
}
