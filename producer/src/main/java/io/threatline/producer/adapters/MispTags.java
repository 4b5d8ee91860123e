package io.threatline.producer.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.contract.Tlp;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the tags and galaxies of one MISP event or attribute say: {@code tlp:*} tags give the TLP
 * (the most restrictive if there are several), {@code misp-galaxy:<galaxy>="<Name>"} tags and
 * {@code Galaxy[].GalaxyCluster[].value} give malware families or the campaign, {@code
 * misp:confidence-level="..."} gives a confidence, and every other tag is kept as a tag.
 *
 * <p>Galaxies are malware families unless their type says they describe something else: a galaxy
 * type containing {@code campaign} gives the campaign; one naming actors, intrusion sets, attack
 * patterns, courses of action, sectors, countries, regions, targets, tactics, techniques or
 * matrices is not a family and its tag is kept as an ordinary tag. That way any malware galaxy
 * (banker, malpedia, ransomware, rat, botnet, stealer, tool, mitre-malware ...) works without a
 * list to keep up to date.
 */
final class MispTags {

    private static final Pattern GALAXY_TAG = Pattern.compile("misp-galaxy:([^=]+)=\"(.*)\"", Pattern.DOTALL);
    private static final Pattern CONFIDENCE_TAG = Pattern.compile("misp:confidence-level=\"([^\"]*)\"");
    private static final List<String> NOT_MALWARE = List.of(
            "actor",
            "intrusion-set",
            "attack-pattern",
            "course-of-action",
            "sector",
            "country",
            "region",
            "target",
            "tactic",
            "technique",
            "matrix",
            "data-source",
            "data-component");
    /** The numerical values of the MISP taxonomy's confidence-level predicate. */
    private static final Map<String, Integer> CONFIDENCE_LEVELS = Map.of(
            "completely-confident", 100,
            "usually-confident", 75,
            "fairly-confident", 50,
            "rarely-confident", 25,
            "unconfident", 0);

    Tlp tlp;
    final LinkedHashSet<String> families = new LinkedHashSet<>();
    String campaign;
    Integer confidence;
    final LinkedHashSet<String> tags = new LinkedHashSet<>();

    /** Reads {@code Tag[]} and {@code Galaxy[]} of a MISP event or attribute. */
    static MispTags of(JsonNode eventOrAttribute) {
        MispTags t = new MispTags();
        for (JsonNode tag : JsonDocuments.array(eventOrAttribute, "Tag")) {
            String name = tag.isTextual() ? tag.asText() : JsonDocuments.text(tag, "name");
            if (name != null && !name.isBlank()) {
                t.addTag(name.strip());
            }
        }
        for (JsonNode galaxy : JsonDocuments.array(eventOrAttribute, "Galaxy")) {
            String galaxyType = galaxy.path("type").asText("");
            for (JsonNode cluster : JsonDocuments.array(galaxy, "GalaxyCluster")) {
                String type = galaxyType.isEmpty() ? cluster.path("type").asText("") : galaxyType;
                String value = JsonDocuments.text(cluster, "value");
                if (value != null && !value.isBlank()) {
                    t.addGalaxy(type, value.strip(), null);
                }
            }
        }
        return t;
    }

    private void addTag(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("tlp:")) {
            Optional<Tlp> level = FieldValues.tlp(lower);
            if (level.isPresent()) {
                tlp = FieldValues.moreRestrictive(tlp, level.get());
                return;
            }
            // tlp:ex:chr, tlp:unclear ...: not a level we know, keep it visible as a tag.
        }
        Matcher galaxy = GALAXY_TAG.matcher(name);
        if (galaxy.matches()) {
            addGalaxy(galaxy.group(1), galaxy.group(2).strip(), name);
            return;
        }
        Matcher conf = CONFIDENCE_TAG.matcher(lower);
        if (conf.matches() && CONFIDENCE_LEVELS.containsKey(conf.group(1))) {
            int level = CONFIDENCE_LEVELS.get(conf.group(1));
            confidence = confidence == null ? level : Math.min(confidence, level);
            return;
        }
        tags.add(name);
    }

    private void addGalaxy(String galaxyType, String value, String tagName) {
        String type = galaxyType.toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            return;
        }
        if (type.contains("campaign")) {
            if (campaign == null) {
                campaign = value;
            }
        } else if (NOT_MALWARE.stream().anyMatch(type::contains)) {
            tags.add(tagName != null ? tagName : "misp-galaxy:" + galaxyType + "=\"" + value + "\"");
        } else {
            families.add(value);
        }
    }
}
