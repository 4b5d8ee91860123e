package io.threatline.streams.enrich;

import io.threatline.contract.reference.FamilyAlias;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Resolves reported malware family names to canonical families through the family-alias store
 * (the GlobalKTable of {@code ti.reference.family-aliases.v1}, keyed by the alias in lower case).
 *
 * <p>Names are trimmed and looked up case-insensitively ({@link Locale#ROOT}). A name with no
 * alias row is kept as reported (trimmed): an unknown family is still information. The result has
 * no two names that differ only by case (the alphabetically first spelling is kept, so the result
 * does not depend on the order of the input) and is sorted case-insensitively, so that the same
 * families always give the same list and an unchanged indicator does not look changed.
 */
public final class FamilyResolver {

    private static final Comparator<String> ORDER =
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    private final ReadOnlyKeyValueStore<String, FamilyAlias> aliases;

    public FamilyResolver(ReadOnlyKeyValueStore<String, FamilyAlias> aliases) {
        this.aliases = Objects.requireNonNull(aliases, "aliases");
    }

    /** The canonical family of one name, or the trimmed name if no alias is known; null for blank. */
    public String canonicalFamily(String reported) {
        if (reported == null || reported.isBlank()) {
            return null;
        }
        String name = reported.strip();
        FamilyAlias alias = aliases.get(name.toLowerCase(Locale.ROOT));
        return alias != null && alias.getFamily() != null && !alias.getFamily().isBlank() ? alias.getFamily() : name;
    }

    /** The canonical families of {@code reported}: resolved, deduplicated, sorted; blanks dropped. */
    public List<String> canonicalFamilies(List<String> reported) {
        if (reported == null || reported.isEmpty()) {
            return List.of();
        }
        TreeMap<String, String> byLowerCase = new TreeMap<>();
        for (String name : reported) {
            String family = canonicalFamily(name);
            if (family != null) {
                byLowerCase.merge(family.toLowerCase(Locale.ROOT), family, (a, b) -> ORDER.compare(a, b) <= 0 ? a : b);
            }
        }
        List<String> families = new ArrayList<>(byLowerCase.values());
        families.sort(ORDER);
        return List.copyOf(families);
    }
}
