package io.threatline.schemas.tlp;

import io.threatline.contract.Tlp;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The STIX 2.1 ids of the TLP marking definitions, declared once for the producer's STIX adapter
 * (reading) and the partner side's STIX mapping (writing). TLP 2.0: the OASIS CTI TC's
 * extension-definition {@value #TLP2_EXTENSION} (oasis-open/cti-stix-common-objects,
 * {@code extension-definition-specifications/tlp-2.0}), which fixes each level's id. TLP 1.0: the
 * four predefined by STIX 2.1 §7.2.1.4; TLP 1.0 WHITE is TLP 2.0 CLEAR.
 */
public final class StixTlpIds {

    public static final String TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    /** TLP 2.0 marking-definition ids per level. */
    public static final Map<Tlp, String> TLP2 = Map.copyOf(new EnumMap<>(Map.of(
            Tlp.CLEAR, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp.GREEN, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp.AMBER, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp.AMBER_STRICT, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp.RED, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1")));

    /** TLP 1.0 marking-definition ids predefined by STIX 2.1, and the level each stands for. */
    public static final Map<String, Tlp> TLP1 = Map.of(
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp.CLEAR, // TLP:WHITE
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp.GREEN,
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp.AMBER,
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp.RED);

    private StixTlpIds() {}

    /** The TLP 2.0 marking-definition id of a level; empty for {@link Tlp#UNKNOWN}. */
    public static Optional<String> tlp2(Tlp tlp) {
        return Optional.ofNullable(TLP2.get(tlp));
    }
}
