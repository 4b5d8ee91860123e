package io.threatline.streams.statistics;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.PartnerAgreement;
import io.threatline.streams.agreements.AgreementsSnapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct scopes the statistics count under: one per distinct {@link AgreementPolicy#scopeKey}
 * (TLP ceiling and scope) among the current agreements that grant STATISTICS or TRENDS. A count is
 * kept per scope, not per agreement, so partners with the same terms share one count and the cost
 * grows with the number of distinct statistics scopes, not with the number of agreements (200
 * agreements of which a handful grant statistics cost a handful of counts).
 *
 * <p>A scope is named by its id, the first 64 bits of the SHA-256 of its key in hex, which the
 * count keys carry through the repartition and the window stores. Recomputed, per processor, only
 * when the agreements change ({@link AgreementsSnapshot.View#all} returns the same list until then).
 */
public final class StatisticScopes {

    /** One scope: its id and the agreements (at least one) that have it. */
    public record Scope(String id, List<PartnerAgreement> agreements) {

        /** Whether an indicator is counted under this scope: its agreements' TLP ceiling and scope allow it. */
        public boolean counts(Indicator indicator) {
            return AgreementPolicy.inScope(agreements.get(0), indicator);
        }
    }

    private final AgreementsSnapshot.View view;
    private List<PartnerAgreement> loaded;
    private List<Scope> scopes = List.of();
    private Map<String, Scope> byId = Map.of();

    public StatisticScopes(AgreementsSnapshot.View view) {
        this.view = view;
    }

    /** The current scopes, in the order of the agreements' partners. */
    public List<Scope> all() {
        refresh();
        return scopes;
    }

    /** The agreements whose scope has this id; none when no current statistics agreement has it. */
    public List<PartnerAgreement> agreementsOf(String scopeId) {
        refresh();
        Scope scope = byId.get(scopeId);
        return scope == null ? List.of() : scope.agreements();
    }

    /** Whether statistics are counted for the agreement: it grants STATISTICS or TRENDS and has a scope. */
    static boolean countsFor(PartnerAgreement agreement) {
        return agreement.getScope() != null
                && agreement.getDataKinds() != null
                && (agreement.getDataKinds().contains(DataKind.STATISTICS)
                        || agreement.getDataKinds().contains(DataKind.TRENDS));
    }

    /** The id of the agreement's scope: 16 hex digits of the SHA-256 of {@link AgreementPolicy#scopeKey}. */
    public static String id(PartnerAgreement agreement) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(AgreementPolicy.scopeKey(agreement).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private void refresh() {
        List<PartnerAgreement> agreements = view.all();
        if (agreements == loaded) {
            return;
        }
        Map<String, List<PartnerAgreement>> grouped = new LinkedHashMap<>();
        for (PartnerAgreement agreement : agreements) {
            if (countsFor(agreement)) {
                grouped.computeIfAbsent(id(agreement), k -> new ArrayList<>()).add(agreement);
            }
        }
        List<Scope> all = new ArrayList<>();
        Map<String, Scope> ids = new LinkedHashMap<>();
        grouped.forEach((id, members) -> {
            Scope scope = new Scope(id, Collections.unmodifiableList(members));
            all.add(scope);
            ids.put(id, scope);
        });
        scopes = Collections.unmodifiableList(all);
        byId = ids;
        loaded = agreements;
    }
}
