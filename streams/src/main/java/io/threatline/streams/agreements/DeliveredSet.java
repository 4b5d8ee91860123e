package io.threatline.streams.agreements;

import java.util.TreeSet;

/**
 * The partners an indicator has been delivered to, stored as one comma-separated value per
 * indicator (partner ids cannot contain commas), so routing costs one store read per change.
 */
public final class DeliveredSet {
    private final TreeSet<String> partners = new TreeSet<>();
    private boolean changed;

    /** The partner ids a stored set holds, in order (for readers of the state, such as the console). */
    public static java.util.Set<String> ids(String stored) {
        return parse(stored).partners();
    }

    static DeliveredSet parse(String stored) {
        DeliveredSet set = new DeliveredSet();
        if (stored != null && !stored.isEmpty()) {
            for (String p : stored.split(",")) {
                set.partners.add(p);
            }
        }
        return set;
    }

    boolean contains(String partner) {
        return partners.contains(partner);
    }

    void add(String partner) {
        changed |= partners.add(partner);
    }

    void remove(String partner) {
        changed |= partners.remove(partner);
    }

    /** The partners, in order; a live view, so copy it before changing the set while going through it (targets() reads it before any route()). */
    java.util.Set<String> partners() {
        return java.util.Collections.unmodifiableSet(partners);
    }

    boolean changed() {
        return changed;
    }

    boolean isEmpty() {
        return partners.isEmpty();
    }

    String format() {
        return String.join(",", partners);
    }
}
