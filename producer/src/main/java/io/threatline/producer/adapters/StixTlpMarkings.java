package io.threatline.producer.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.contract.Tlp;
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

    static final String TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    static final Map<String, Tlp> WELL_KNOWN = Map.of(
            // TLP 1.0, predefined by STIX 2.1
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp.CLEAR, // TLP:WHITE
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp.GREEN,
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp.AMBER,
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp.RED,
            // TLP 2.0, OASIS CTI TC extension
            "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp.CLEAR,
            "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp.GREEN,
            "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp.AMBER,
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp.AMBER_STRICT,
            "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp.RED);

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
            Optional<Tlp> tlp = FieldValues.tlp(markingDefinition.path("definition").path("tlp").asText(null));
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
