package io.threatline.producer.simulator;

import java.util.List;

/**
 * Malware families the simulated indicators belong to. A family may have an alias: sensors of
 * different vendors name it differently (Shylock is also reported as Caphaw), the way real feeds
 * do, so the hub's alias resolution has something to resolve.
 */
public enum SimulatedFamily {
    SHYLOCK("Shylock", "Caphaw", "op-shylock-2026", "Trojan", 0.15),
    EMOTET("Emotet", null, "emotet-epoch5-2026", "Botnet", 0.15),
    QAKBOT("QakBot", null, "qakbot-invoice-wave", "Trojan", 0.12),
    DRIDEX("Dridex", null, "dridex-banking-q1", "Trojan", 0.10),
    TRICKBOT("TrickBot", null, "trickbot-anchor-2026", "Trojan", 0.09),
    ZEUS("ZeuS", null, "zeus-p2p-revival", "Trojan", 0.08),
    ICEDID("IcedID", null, "icedid-lure-2026", "Downloader", 0.06),
    AGENT_TESLA("AgentTesla", null, null, "Spyware", 0.05);

    private final String name;
    private final String alias;
    private final String campaign;
    private final List<String> asReported;
    private final List<String> asReportedByAlias;
    private final String categoryTag;
    /** Share of all indicators in the family; the rest (20%) have none. */
    final double share;

    SimulatedFamily(String name, String alias, String campaign, String category, double share) {
        this.name = name;
        this.alias = alias;
        this.campaign = campaign;
        this.asReported = List.of(name);
        this.asReportedByAlias = List.of(alias == null ? name : alias);
        this.categoryTag = "malware_classification:malware-category=\"" + category + "\"";
        this.share = share;
    }

    /** The family's usual name, e.g. {@code Shylock}. */
    public String familyName() {
        return name;
    }

    /** The other name some vendors use, e.g. {@code Caphaw}; null if there is none. */
    public String alias() {
        return alias;
    }

    /** The campaign some of its indicators are tied to; null if none. */
    public String campaign() {
        return campaign;
    }

    /** Every name sensors report the family by: the name, then the alias if any. */
    public List<String> reportedNames() {
        return alias == null ? List.of(name) : List.of(name, alias);
    }

    /** The {@code malwareFamilies} list a sensor sends: one name, the alias for alias-using sensors. */
    List<String> asReported(boolean usesAlias) {
        return usesAlias ? asReportedByAlias : asReported;
    }

    String categoryTag() {
        return categoryTag;
    }
}
