package io.threatline.consumer.stix;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds a STIX 2.1 {@code bundle}: objects added in order, an object with the same id and
 * {@code modified} added twice kept once, and the TLP marking definitions the objects reference
 * added once, so that a bundle is self-contained.
 */
public final class StixBundle {

    private final Map<String, ObjectNode> objects = new LinkedHashMap<>();
    private final Map<String, ObjectNode> markings = new LinkedHashMap<>();

    public StixBundle add(ObjectNode object) {
        String key = object.path("id").asText() + "|" + object.path("modified").asText("");
        objects.putIfAbsent(key, object);
        object.path("object_marking_refs").forEach(ref -> {
            String id = ref.asText();
            if (!markings.containsKey(id)) {
                TlpMarkings.all().stream()
                        .filter(md -> md.path("id").asText().equals(id))
                        .findFirst()
                        .ifPresent(md -> markings.put(id, md));
            }
        });
        return this;
    }

    public StixBundle addAll(Iterable<ObjectNode> more) {
        more.forEach(this::add);
        return this;
    }

    public boolean isEmpty() {
        return objects.isEmpty();
    }

    /** The bundle with a random id (STIX: bundles are transient and their id is not meant to be tracked). */
    public Optional<ObjectNode> build() {
        return build("bundle--" + UUID.randomUUID());
    }

    /**
     * The bundle with the given id; empty when no object was added, because a STIX bundle's
     * {@code objects} must not be empty.
     */
    public Optional<ObjectNode> build(String bundleId) {
        if (objects.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode bundle = JsonNodeFactory.instance.objectNode();
        bundle.put("type", "bundle");
        bundle.put("id", bundleId);
        List<ObjectNode> all = new ArrayList<>(markings.values());
        all.addAll(objects.values());
        bundle.putArray("objects").addAll(all);
        return Optional.of(bundle);
    }
}
