package io.threatline.schemas.tlp;

import io.threatline.contract.Tlp;
import java.util.Locale;
import java.util.Optional;

/**
 * The one home of the Traffic Light Protocol 2.0 (FIRST) in Threatline: its order of restriction,
 * how people write a marking (parse) and how it is shown (label). Every module uses it: the hub
 * (merging markings, agreement ceilings), the agreement files, delivery and the publisher.
 *
 * <p>The order of restriction:
 * {@code CLEAR < GREEN < AMBER < AMBER_STRICT < RED}.
 *
 * <p>Everything here fails closed: a {@code null} or {@link Tlp#UNKNOWN} marking is never "at or
 * below" anything, and counts as more restrictive than {@code RED} when markings are combined.
 */
public final class Tlp2 {

    private Tlp2() {}

    /**
     * Rank of a known marking, 0 for CLEAR up to 4 for RED; -1 for {@code null} or UNKNOWN.
     */
    public static int rank(Tlp tlp) {
        if (tlp == null) {
            return -1;
        }
        return switch (tlp) {
            case CLEAR -> 0;
            case GREEN -> 1;
            case AMBER -> 2;
            case AMBER_STRICT -> 3;
            case RED -> 4;
            case UNKNOWN -> -1;
        };
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
        return isKnown(marking) && isKnown(ceiling) && rank(marking) <= rank(ceiling);
    }

    /**
     * The more restrictive of two markings. {@code null} and UNKNOWN count as the most restrictive
     * of all (a merge with an unknown marking stays unknown, so it is never delivered); the result
     * is UNKNOWN in that case, never {@code null}.
     */
    public static Tlp mostRestrictive(Tlp a, Tlp b) {
        if (!isKnown(a) || !isKnown(b)) {
            return Tlp.UNKNOWN;
        }
        return rank(a) >= rank(b) ? a : b;
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

    /**
     * Reads a marking as data from sensors and other tools writes it: like {@link #parse}, and TLP
     * 1.0's {@code WHITE} read as {@code CLEAR} (the same level). Agreements use {@link #parse}, which
     * refuses WHITE, so that a ceiling is always written in TLP 2.0.
     */
    public static Optional<Tlp> parseData(String text) {
        if (text != null) {
            String t = text.strip().toUpperCase(Locale.ROOT);
            if (t.equals("WHITE") || t.equals("TLP:WHITE")) {
                return Optional.of(Tlp.CLEAR);
            }
        }
        return parse(text);
    }

    /** The TLP 2.0 label of a marking: {@code TLP:CLEAR} ... {@code TLP:AMBER+STRICT}, {@code TLP:RED}; {@code TLP:UNKNOWN} otherwise. */
    public static String label(Tlp tlp) {
        if (!isKnown(tlp)) {
            return "TLP:UNKNOWN";
        }
        return tlp == Tlp.AMBER_STRICT ? "TLP:AMBER+STRICT" : "TLP:" + tlp.name();
    }
}
