package io.threatline.app;

import io.threatline.contract.PartnerAgreement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rule that keeps "each change increments the version" true, so that a receipt's (agreement
 * id, version) names exactly one set of terms: an agreement may be applied when its version is
 * greater than the partner's latest in the history; the latest version again with the very same
 * terms changes nothing; anything else is refused.
 */
final class AgreementVersions {

    /** What applying an agreement does, given the partner's history. */
    enum Outcome {
        /** A new version (or the first): its history entry and the agreement are written. */
        APPLY,
        /** The latest version again after the agreement was ended: in force again, so a new history entry. */
        APPLY_AGAIN,
        /** The latest version again, same terms, still in force: no new history entry. */
        UNCHANGED,
        /** A version not greater than the latest with other terms, or an older version: nothing is written. */
        REFUSED
    }

    /** The outcome, the partner's latest applied entry when there is one, and for REFUSED why. */
    record Decision(Outcome outcome, Optional<AgreementHistory.Entry> latest, String reason) {}

    /** Thrown before anything is written when at least one agreement is refused; the message names each. */
    static final class RefusedException extends Exception {
        RefusedException(List<String> reasons) {
            super(String.join(System.lineSeparator(), reasons));
        }
    }

    private AgreementVersions() {}

    /**
     * Decides every agreement of one apply, in order, as if the ones before it were already in the
     * history (two files for one partner in one apply are judged one after the other).
     *
     * @param history every partner's entries, by partner id
     * @param inForce every partner's agreement in the agreements topic now; for a partner without
     *                history (applied before the history existed) it stands for the latest version
     * @return one decision per agreement, in the same order
     * @throws RefusedException when any is refused, naming every refused one
     */
    static List<Decision> decideAll(
            Map<String, List<AgreementHistory.Entry>> history,
            Map<String, PartnerAgreement> inForce,
            List<PartnerAgreement> agreements)
            throws RefusedException {
        Map<String, List<AgreementHistory.Entry>> seen = new HashMap<>();
        history.forEach((partner, entries) -> seen.put(partner, new ArrayList<>(entries)));
        List<Decision> decisions = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (PartnerAgreement a : agreements) {
            List<AgreementHistory.Entry> entries = seen.computeIfAbsent(a.getPartnerId(), k -> new ArrayList<>());
            Decision d = entries.isEmpty() && inForce.containsKey(a.getPartnerId())
                    ? decideWithoutHistory(inForce.get(a.getPartnerId()), a)
                    : decide(entries, a);
            decisions.add(d);
            if (d.outcome() == Outcome.REFUSED) {
                refused.add(d.reason());
            } else if (d.outcome() != Outcome.UNCHANGED) {
                // Not yet written: the time is unknown, and only the order matters for the next decision.
                entries.add(new AgreementHistory.Entry(java.time.Instant.now(), -1, AgreementHistory.applied(a, null)));
            }
        }
        if (!refused.isEmpty()) {
            throw new RefusedException(refused);
        }
        return decisions;
    }

    /**
     * @param history   the partner's history entries, in order
     * @param candidate the agreement about to be applied
     */
    static Decision decide(List<AgreementHistory.Entry> history, PartnerAgreement candidate) {
        Optional<AgreementHistory.Entry> latest =
                history.stream().filter(AgreementHistory.Entry::applied).reduce((a, b) -> b);
        if (latest.isEmpty()) {
            return new Decision(Outcome.APPLY, latest, "");
        }
        PartnerAgreement previous = latest.get().value().getAgreement();
        boolean endedSince = !history.get(history.size() - 1).applied();
        int version = candidate.getVersion();
        int latestVersion = previous.getVersion();
        if (version > latestVersion) {
            return new Decision(Outcome.APPLY, latest, "");
        }
        String partner = candidate.getPartnerId();
        if (version < latestVersion) {
            return new Decision(
                    Outcome.REFUSED,
                    latest,
                    String.format(
                            "partner %s: version %d is older than version %d, the latest in its "
                                    + "history (applied %s); applying older terms again would change what is in force without a new version: give them "
                                    + "version %d",
                            partner, version, latestVersion, latest.get().at(), latestVersion + 1));
        }
        if (!sameTerms(previous, candidate)) {
            return new Decision(
                    Outcome.REFUSED,
                    latest,
                    String.format(
                            "partner %s: version %d has other terms than version %d, the latest "
                                    + "in its history (applied %s); each change needs a greater version, so that an agreement version names one set of "
                                    + "terms: give the changed terms version %d",
                            partner, version, latestVersion, latest.get().at(), latestVersion + 1));
        }
        return new Decision(endedSince ? Outcome.APPLY_AGAIN : Outcome.UNCHANGED, latest, "");
    }

    /**
     * The rule for a partner whose agreement was applied before the history existed: the agreement
     * in force binds it like a latest version would. The same version with the same terms is applied
     * (recorded, so the history knows it from now on); an older one, or the same with other terms, is refused.
     */
    static Decision decideWithoutHistory(PartnerAgreement inForce, PartnerAgreement candidate) {
        int version = candidate.getVersion();
        int current = inForce.getVersion();
        if (version > current || (version == current && sameTerms(inForce, candidate))) {
            return new Decision(Outcome.APPLY, Optional.empty(), "");
        }
        return new Decision(
                Outcome.REFUSED,
                Optional.empty(),
                String.format(
                        "partner %s: version %d %s version %d, the one in force (applied "
                                + "before the history of agreements was kept); each change needs a greater version: give the changed terms version %d",
                        candidate.getPartnerId(),
                        version,
                        version < current ? "is older than" : "has other terms than",
                        current,
                        current + 1));
    }

    /**
     * Whether two agreements have the same terms, every field compared. The candidate is compared
     * as it will read back from the topics (through its Avro encoding), so that an instant finer than
     * a millisecond, which the topic cannot hold, does not count as a change. A replay request
     * ({@code agreements replay}) is not a term: it asks for the same terms to be sent again.
     */
    private static PartnerAgreement withoutReplay(PartnerAgreement agreement) throws java.io.IOException {
        PartnerAgreement read = PartnerAgreement.fromByteBuffer(agreement.toByteBuffer());
        read.setReplayRequest(null);
        return read;
    }

    static boolean sameTerms(PartnerAgreement stored, PartnerAgreement candidate) {
        try {
            return withoutReplay(candidate).equals(withoutReplay(stored));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot encode agreement of partner " + candidate.getPartnerId(), e);
        }
    }
}
