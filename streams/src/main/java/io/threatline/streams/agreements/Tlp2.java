package io.threatline.streams.agreements;

import io.threatline.contract.Tlp;
import io.threatline.schemas.tlp.TlpOrder;
import java.util.Locale;
import java.util.Optional;

/**
 * Traffic Light Protocol 2.0 (FIRST) as an order of restriction:
 * {@code CLEAR < GREEN < AMBER < AMBER_STRICT < RED}.
 *
 * <p>Everything here fails closed: a {@code null} or {@link Tlp#UNKNOWN} marking is never "at or
 * below" anything, and counts as more restrictive than {@code RED} when markings are combined.
 */
public final class Tlp2 {

    private Tlp2() {
    }

    /**
     * Rank of a known marking, 0 for CLEAR up to 4 for RED; -1 for {@code null} or UNKNOWN.
     */
    public static int rank(Tlp tlp) {
        int rank = TlpOrder.rank(tlp);
        return rank > 4 ? -1 : rank;
    }

    /** Whether {@code tlp} is one of the five TLP 2.0 markings (not {@code null}, not UNKNOWN). */
    public static boolean isKnown(Tlp tlp) {
        return rank(tlp) >= 0;
    }

    /**
     * Whether a record marked {@code marking} may go to someone whose ceiling is {@code ceiling}.
     * False whenever either is {@code null} or UNKNOWN.
     */
    public static boolean atOrBelow(Tlp marking, Tlp ceiling) {
        return TlpOrder.atOrBelow(marking, ceiling);
    }

    /**
     * The more restrictive of two markings. {@code null} and UNKNOWN count as the most restrictive
     * of all (a merge with an unknown marking stays unknown, so it is never delivered); the result
     * is UNKNOWN in that case, never {@code null}.
     */
    public static Tlp mostRestrictive(Tlp a, Tlp b) {
        return TlpOrder.mostRestrictive(a, b);
    }

    /**
     * Reads a marking as people write it: {@code TLP:AMBER}, {@code amber}, {@code TLP:AMBER+STRICT},
     * {@code amber+strict}, {@code AMBER_STRICT}, {@code amber-strict}; case-insensitive, the
     * {@code TLP:} prefix optional. {@code UNKNOWN} and TLP 1.0's {@code WHITE} are not accepted
     * (WHITE is called CLEAR in TLP 2.0; write that). Empty when the text is none of these.
     */
    public static Optional<Tlp> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.startsWith("TLP:")) {
            t = t.substring(4).strip();
        }
        t = t.replace('+', '_').replace('-', '_').replace(' ', '_');
        return switch (t) {
            case "CLEAR" -> Optional.of(Tlp.CLEAR);
            case "GREEN" -> Optional.of(Tlp.GREEN);
            case "AMBER" -> Optional.of(Tlp.AMBER);
            case "AMBER_STRICT" -> Optional.of(Tlp.AMBER_STRICT);
            case "RED" -> Optional.of(Tlp.RED);
            default -> Optional.empty();
        };
    }

    /** The TLP 2.0 label of a marking: {@code TLP:CLEAR} ... {@code TLP:AMBER+STRICT}, {@code TLP:RED}; {@code TLP:UNKNOWN} otherwise. */
    public static String label(Tlp tlp) {
        if (!isKnown(tlp)) {
            return "TLP:UNKNOWN";
        }
        return tlp == Tlp.AMBER_STRICT ? "TLP:AMBER+STRICT" : "TLP:" + tlp.name();
    }
}
