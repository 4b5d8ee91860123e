package io.threatline.consumer.taxii;

import java.util.Locale;

/** TAXII 2.1 media types and the {@code Accept} negotiation of the server. */
public final class TaxiiMediaTypes {

    public static final String TAXII = "application/taxii+json;version=2.1";
    public static final String STIX = "application/stix+json;version=2.1";

    private TaxiiMediaTypes() {}

    /**
     * Whether a response in {@link #TAXII} is acceptable: no {@code Accept} header, or one that
     * lists {@code application/taxii+json} with version 2.1 or no version, {@code application/*}
     * or {@code *}{@code /*}, with a non-zero {@code q}.
     */
    public static boolean acceptsTaxii(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            String version = null;
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String[] param = parts[i].split("=", 2);
                String name = param[0].trim().toLowerCase(Locale.ROOT);
                String value = param.length > 1 ? param[1].trim().replace("\"", "") : "";
                if (name.equals("version")) {
                    version = value;
                } else if (name.equals("q")) {
                    refused = value.matches("0(\\.0*)?");
                }
            }
            if (refused) {
                continue;
            }
            if (type.equals("*/*") || type.equals("application/*")) {
                return true;
            }
            if (type.equals("application/taxii+json") && (version == null || version.equals("2.1"))) {
                return true;
            }
        }
        return false;
    }
}
