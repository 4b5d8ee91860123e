package io.threatline.schemas.tlp;

import io.threatline.contract.Tlp;

/**
 * TLP 2.0's order of restriction, CLEAR < GREEN < AMBER < AMBER+STRICT < RED, with UNKNOWN (or a
 * missing marking) treated as more restrictive than anything: whatever is unknown fails closed.
 */
public final class TlpOrder {
    private TlpOrder() {
    }

    /** 0 for CLEAR up to 4 for RED; 5 for UNKNOWN or null. */
    public static int rank(Tlp tlp) {
        if (tlp == null) {
            return 5;
        }
        return switch (tlp) {
            case CLEAR -> 0;
            case GREEN -> 1;
            case AMBER -> 2;
            case AMBER_STRICT -> 3;
            case RED -> 4;
            case UNKNOWN -> 5;
        };
    }

    /** Whether a record marked {@code marking} may go to a partner whose ceiling is {@code ceiling}; never for UNKNOWN. */
    public static boolean atOrBelow(Tlp marking, Tlp ceiling) {
        return rank(marking) < 5 && rank(ceiling) < 5 && rank(marking) <= rank(ceiling);
    }

    /** The more restrictive of two markings (UNKNOWN wins). */
    public static Tlp mostRestrictive(Tlp a, Tlp b) {
        if (a == null || b == null) {
            return Tlp.UNKNOWN;
        }
        return rank(a) >= rank(b) ? a : b;
    }
}
