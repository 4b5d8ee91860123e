package io.threatline.producer.adapters;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.Tlp;
import io.threatline.schemas.tlp.Tlp2;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parsing of the field values that several adapters share (TLP names, kill-chain phases, indicator
 * type names, timestamps), so that "amber+strict" or "command-and-control" mean the same thing in
 * every format. Each parser returns empty for a value it does not understand; the adapter decides
 * which problem code that is.
 */
final class FieldValues {

    private FieldValues() {}

    /**
     * A TLP name: clear, white (TLP 1.0, same as clear), green, amber, amber+strict (also
     * amber_strict, amber-strict, "amber strict"), red; case-insensitive, with or without a
     * {@code tlp:} prefix.
     */
    static Optional<Tlp> tlp(String raw) {
        return Tlp2.parseData(raw);
    }

    /** The more restrictive of two markings; null counts as "no marking yet". */
    static Tlp moreRestrictive(Tlp a, Tlp b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        // The enum is declared in order of restriction (CLEAR < ... < RED); UNKNOWN never gets here.
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /**
     * A Lockheed Martin kill-chain phase, as the enum name or as STIX/MISP write it
     * ({@code command-and-control}, {@code Actions on Objectives}); also the common C2 spellings.
     */
    static Optional<KillChainPhase> killChainPhase(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        switch (s) {
            case "RECONNAISSANCE":
            case "RECON":
                return Optional.of(KillChainPhase.RECONNAISSANCE);
            case "WEAPONIZATION":
            case "WEAPONISATION":
                return Optional.of(KillChainPhase.WEAPONIZATION);
            case "DELIVERY":
                return Optional.of(KillChainPhase.DELIVERY);
            case "EXPLOITATION":
                return Optional.of(KillChainPhase.EXPLOITATION);
            case "INSTALLATION":
                return Optional.of(KillChainPhase.INSTALLATION);
            case "COMMAND_AND_CONTROL":
            case "COMMAND_CONTROL":
            case "C2":
                return Optional.of(KillChainPhase.COMMAND_AND_CONTROL);
            case "ACTIONS_ON_OBJECTIVES":
            case "ACTIONS_ON_OBJECTIVE":
            case "ACTION_ON_OBJECTIVES":
                return Optional.of(KillChainPhase.ACTIONS_ON_OBJECTIVES);
            default:
                // UNKNOWN is the schema's forward-compatibility symbol, not something a feed says.
                return Optional.empty();
        }
    }

    /**
     * An indicator type name: the enum name in any case, or a hyphenated spelling such as
     * {@code sha-256}. UNKNOWN is not accepted: an event must say what its value is.
     */
    static Optional<IndicatorType> indicatorType(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip().toUpperCase(Locale.ROOT).replace("-", "");
        for (IndicatorType t : IndicatorType.values()) {
            if (t != IndicatorType.UNKNOWN && t.name().equals(s)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** An ISO-8601 instant ({@code Z} or an offset) or, if all digits, epoch milliseconds. */
    static Optional<Instant> instant(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (!s.isEmpty() && (isDigits(s) || (s.startsWith("-") && isDigits(s.substring(1))))) {
            try {
                return Optional.of(Instant.ofEpochMilli(Long.parseLong(s)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return isoInstant(s);
    }

    /** An ISO-8601 instant with {@code Z} or an offset, as STIX timestamps are. */
    static Optional<Instant> isoInstant(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        Instant at;
        try {
            at = Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                at = OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
        try {
            at.toEpochMilli(); // the schema stores milliseconds: a far-away year would fail only when sent
            return Optional.of(at);
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** A confidence 0..100 written as an integer. */
    static Optional<Integer> confidence(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.isEmpty() || s.length() > 3 || !isDigits(s)) {
            return Optional.empty();
        }
        int c = Integer.parseInt(s);
        return c <= 100 ? Optional.of(c) : Optional.empty();
    }

    /** Splits a {@code ;}-separated list, dropping blank items. */
    static List<String> semicolonList(String raw) {
        List<String> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        for (String part : raw.split(";", -1)) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    /**
     * IPv4 or IPv6 by shape, for feeds that only say "an IP" (MISP ip-src/ip-dst): a colon can only
     * be in an IPv6 address. CIDR suffixes are left on the value.
     */
    static IndicatorType ipType(String value) {
        return value.indexOf(':') >= 0 ? IndicatorType.IPV6 : IndicatorType.IPV4;
    }

    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 80 ? value.substring(0, 77) + "..." : value;
        return "'" + shown + "'";
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
