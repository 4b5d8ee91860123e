package io.threatline.streams.dedup;

import io.threatline.contract.Indicator;
import java.util.Objects;

/**
 * One indicator's record in the hub's state (docs/architecture.md, "The hub's state"): the merged
 * indicator, as the dedup keeps it (unenriched), and the partners that hold it — the ids of those
 * that were sent a NEW and have not since been sent its end, comma-separated in order (partner ids
 * cannot contain commas), empty when none. One record per indicator, so a sighting costs one read
 * and one write of the state whatever routing decides (the partners used to be a second store).
 *
 * @param holders read and written by the agreements' routing ({@code agreements/DeliveredSet})
 */
public record IndicatorState(Indicator indicator, String holders) {

    public IndicatorState {
        Objects.requireNonNull(indicator, "indicator");
        holders = holders == null ? "" : holders;
    }

    /** The partners that hold it, in order. */
    public java.util.Set<String> holderIds() {
        return io.threatline.streams.agreements.DeliveredSet.ids(holders);
    }

    /** The same indicator, held by these partners. */
    public IndicatorState withHolders(String partners) {
        return partners.equals(holders) ? this : new IndicatorState(indicator, partners);
    }
}
