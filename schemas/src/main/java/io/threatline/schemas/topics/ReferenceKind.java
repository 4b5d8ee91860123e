package io.threatline.schemas.topics;

/** Kinds of reference data, each in its own compacted topic {@code <prefix>reference.<kind>.v1}. */
public enum ReferenceKind {
    /** Malware family aliases (for example Caphaw to Shylock), from MISP galaxy clusters. */
    FAMILY_ALIASES("family-aliases"),
    /** IP ranges to autonomous system and country. */
    IP_RANGES("ip-ranges"),
    /** Benign values (MISP warninglists) that suppress false positives. */
    BENIGN("benign");

    private final String topicPart;

    ReferenceKind(String topicPart) {
        this.topicPart = topicPart;
    }

    public String topicPart() {
        return topicPart;
    }
}
