package io.threatline.consumer.stix;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.contract.Tlp;
import io.threatline.schemas.tlp.StixTlpIds;
import io.threatline.schemas.tlp.Tlp2;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The five TLP 2.0 marking-definition objects as the OASIS CTI TC published them
 * (oasis-open/cti-stix-common-objects, {@code extension-definition-specifications/tlp-2.0}): fixed
 * ids, {@code created} 2022-10-01, and the TLP 2.0 property extension
 * {@value #TLP2_EXTENSION} holding the level. The ids are declared once in schemas'
 * {@link StixTlpIds}, which the producer's STIX adapter reads too.
 */
public final class TlpMarkings {

    public static final String TLP2_EXTENSION = StixTlpIds.TLP2_EXTENSION;
    private static final String CREATED = "2022-10-01T00:00:00.000Z";

    /** A level's id, name ({@link Tlp2#label}) and the TLP 2.0 extension's value (the label's level in lower case). */
    private static Level level(Tlp tlp) {
        String label = Tlp2.label(tlp);
        return new Level(StixTlpIds.TLP2.get(tlp), label, label.substring(4).toLowerCase(java.util.Locale.ROOT));
    }

    private record Level(String id, String name, String extensionValue) {}

    private static final Map<Tlp, Level> LEVELS = new EnumMap<>(Map.of(
            Tlp.CLEAR, level(Tlp.CLEAR),
            Tlp.GREEN, level(Tlp.GREEN),
            Tlp.AMBER, level(Tlp.AMBER),
            Tlp.AMBER_STRICT, level(Tlp.AMBER_STRICT),
            Tlp.RED, level(Tlp.RED)));

    private TlpMarkings() {}

    /** The marking-definition id of a TLP level; empty for {@link Tlp#UNKNOWN}, which is never delivered. */
    public static Optional<String> id(Tlp tlp) {
        return Optional.ofNullable(LEVELS.get(tlp)).map(Level::id);
    }

    /** The published marking-definition object of a TLP level; empty for {@link Tlp#UNKNOWN}. */
    public static Optional<ObjectNode> definition(Tlp tlp) {
        Level level = LEVELS.get(tlp);
        if (level == null) {
            return Optional.empty();
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode md = f.objectNode();
        md.put("type", "marking-definition");
        md.put("spec_version", "2.1");
        md.put("id", level.id());
        md.put("created", CREATED);
        md.put("name", level.name());
        ObjectNode extension = md.putObject("extensions").putObject(TLP2_EXTENSION);
        extension.put("extension_type", "property-extension");
        extension.put("tlp_2_0", level.extensionValue());
        return Optional.of(md);
    }

    /** All five TLP 2.0 marking definitions, least restrictive first. */
    public static List<ObjectNode> all() {
        return LEVELS.keySet().stream().map(t -> definition(t).orElseThrow()).toList();
    }
}
