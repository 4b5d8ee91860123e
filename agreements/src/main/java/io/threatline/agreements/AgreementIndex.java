package io.threatline.agreements;

import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.schemas.tlp.Tlp2;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A set of agreements indexed by what they select — the INDICATORS data kind, the TLP ceiling,
 * the indicator types and the malware families of their scope — so that an indicator change visits
 * only the agreements that can take it (docs/benchmarks.md, issue 13: with 200 agreements the hub
 * decided every agreement for every change). The rule itself stays in {@link AgreementPolicy}: the
 * index only leaves out agreements for which {@link AgreementPolicy#decide} is certain to withhold
 * the indicator, and errs the other way when it cannot tell (a family name that is not plain ASCII
 * makes an agreement a candidate for every family, since {@code equalsIgnoreCase} is not a
 * lower-casing of the whole name).
 *
 * <p>Built once per change of the agreements; {@link #candidates} is then a few hash and bit-set
 * operations. Not thread-safe to build, safe to read.
 */
public final class AgreementIndex {

    private final List<PartnerAgreement> agreements;
    private final Map<String, Integer> positions = new HashMap<>();
    private final Selector[] selectors;
    /** Agreements that select no family (or a family name the index cannot compare), by position. */
    private final BitSet anyFamily = new BitSet();
    /** Agreements that select families, by ASCII-lower-cased family name, by position. */
    private final Map<String, BitSet> byFamily = new HashMap<>();
    /** Every agreement that selects families: the candidates for an indicator whose family names are not plain ASCII. */
    private final BitSet familyScoped = new BitSet();

    /** What an agreement selects, as far as the index reads it. */
    private record Selector(boolean indicators, Set<IndicatorType> types) {}

    private AgreementIndex(List<PartnerAgreement> agreements) {
        this.agreements = List.copyOf(agreements);
        this.selectors = new Selector[this.agreements.size()];
        for (int i = 0; i < selectors.length; i++) {
            PartnerAgreement a = this.agreements.get(i);
            positions.put(a.getPartnerId(), i);
            if (a.getScope() == null || a.getDataKinds() == null) {
                // decide withholds it (INVALID_AGREEMENT); kept as a candidate all the same, the rule is decide's.
                selectors[i] = new Selector(true, null);
                anyFamily.set(i);
                continue;
            }
            List<IndicatorType> types = a.getScope().getIndicatorTypes();
            selectors[i] = new Selector(
                    a.getDataKinds().contains(DataKind.INDICATORS), types.isEmpty() ? null : EnumSet.copyOf(types));
            List<String> families = a.getScope().getMalwareFamilies();
            if (families.isEmpty() || !families.stream().allMatch(AgreementIndex::plainAscii)) {
                anyFamily.set(i);
            } else {
                familyScoped.set(i);
                for (String family : families) {
                    byFamily.computeIfAbsent(asciiLower(family), f -> new BitSet())
                            .set(i);
                }
            }
        }
    }

    public static AgreementIndex of(List<PartnerAgreement> agreements) {
        return new AgreementIndex(agreements);
    }

    /** The agreements indexed, in their order. */
    public List<PartnerAgreement> all() {
        return agreements;
    }

    /**
     * The positions (in {@link #all()}) of the agreements that may deliver or embargo {@code indicator}:
     * for every other one, {@link AgreementPolicy#decide} withholds it whatever the time. A new set,
     * which the caller may add to.
     */
    public BitSet candidates(Indicator indicator) {
        BitSet picked = new BitSet(selectors.length);
        IndicatorType type = indicator.getType();
        if (type == null || type == IndicatorType.UNKNOWN || !Tlp2.isKnown(indicator.getTlp())) {
            return picked; // never delivered under any agreement (TYPE_OUT_OF_SCOPE, UNKNOWN_TLP)
        }
        picked.or(anyFamily);
        for (String family : indicator.getMalwareFamilies()) {
            if (family == null) {
                continue;
            }
            if (!plainAscii(family)) {
                picked.or(familyScoped);
                break;
            }
            BitSet scoped = byFamily.get(asciiLower(family));
            if (scoped != null) {
                picked.or(scoped);
            }
        }
        for (int i = picked.nextSetBit(0); i >= 0; i = picked.nextSetBit(i + 1)) {
            Selector s = selectors[i];
            PartnerAgreement a = agreements.get(i);
            boolean may = s.indicators()
                    && (s.types() == null || s.types().contains(type))
                    && (a.getTlpCeiling() == null
                            || !Tlp2.isKnown(a.getTlpCeiling())
                            || Tlp2.atOrBelow(indicator.getTlp(), a.getTlpCeiling()));
            if (!may) {
                picked.clear(i);
            }
        }
        return picked;
    }

    /**
     * The agreements a change must be routed to, in order: the {@link #candidates} and the agreements
     * of the partners that hold the indicator ({@code holders}), which may have to hear that it ended
     * or left their scope. For any other agreement routing would do nothing.
     */
    public List<PartnerAgreement> targets(Indicator indicator, Collection<String> holders) {
        BitSet picked = candidates(indicator);
        for (String holder : holders) {
            Integer position = positions.get(holder);
            if (position != null) {
                picked.set(position);
            }
        }
        return agreementsAt(picked);
    }

    /** {@link #candidates} as agreements, in order. */
    public List<PartnerAgreement> candidateAgreements(Indicator indicator) {
        return agreementsAt(candidates(indicator));
    }

    private List<PartnerAgreement> agreementsAt(BitSet picked) {
        List<PartnerAgreement> out = new ArrayList<>(picked.cardinality());
        for (int i = picked.nextSetBit(0); i >= 0; i = picked.nextSetBit(i + 1)) {
            out.add(agreements.get(i));
        }
        return out;
    }

    private static boolean plainAscii(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Lower case of an ASCII name: for ASCII, {@code a.equalsIgnoreCase(b)} exactly when these are equal. */
    private static String asciiLower(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return b == null ? s : b.toString();
    }
}
