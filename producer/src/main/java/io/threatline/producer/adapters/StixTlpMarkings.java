package io.threatline.producer.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.contract.Tlp;
import io.threatline.schemas.tlp.StixTlpIds;
import java.util.Map;
import java.util.Optional;

/**
 * The TLP marking-definition objects every STIX producer references by id without shipping them.
 *
 * <p>TLP 1.0: the four objects predefined by STIX 2.1 (section 7.2.1.4; also {@code TLP_WHITE} ...
 * {@code TLP_RED} in oasis-open/cti-python-stix2 {@code stix2/v21/common.py}). TLP 2.0: the five
 * objects published by the OASIS CTI TC with the TLP 2.0 extension {@code
 * extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d} (oasis-open/cti-stix-common-objects,
 * {@code extension-definition-specifications/tlp-2.0/marking-definition.json}, which fixes each
 * level's id by enum). TLP 1.0 WHITE and TLP 2.0 CLEAR are the same level.
 */
final class StixTlpMarkings {

    static final String TLP2_EXTENSION = StixTlpIds.TLP2_EXTENSION;

    static final Map<String, Tlp> WELL_KNOWN = wellKnown();

    private static Map<String, Tlp> wellKnown() {
        Map<String, Tlp> ids = new java.util.HashMap<>(StixTlpIds.TLP1);
        StixTlpIds.TLP2.forEach((tlp, id) -> ids.put(id, tlp));
        return Map.copyOf(ids);
    }

    private StixTlpMarkings() {}

    /**
     * The TLP level a marking-definition object in a bundle stands for, if it is a TLP marking: by
     * its TLP 2.0 extension, by a STIX 2.1 {@code definition_type: tlp}, or by a name such as
     * {@code TLP:AMBER+STRICT} (which is how producers with their own ids, e.g. OpenCTI, say it).
     */
    static Optional<Tlp> of(JsonNode markingDefinition) {
        JsonNode extension = markingDefinition.path("extensions").path(TLP2_EXTENSION);
        if (extension.isObject()) {
            Optional<Tlp> tlp = FieldValues.tlp(extension.path("tlp_2_0").asText(null));
            if (tlp.isPresent()) {
                return tlp;
            }
        }
        if ("tlp".equalsIgnoreCase(markingDefinition.path("definition_type").asText(""))) {
            Optional<Tlp> tlp = FieldValues.tlp(
                    markingDefinition.path("definition").path("tlp").asText(null));
            if (tlp.isPresent()) {
                return tlp;
            }
        }
        String name = markingDefinition.path("name").asText("");
        if (name.regionMatches(true, 0, "TLP:", 0, 4)) {
            return FieldValues.tlp(name);
        }
        return Optional.empty();
    }
}
