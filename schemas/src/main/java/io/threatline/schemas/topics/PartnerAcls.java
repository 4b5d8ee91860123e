package io.threatline.schemas.topics;

import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs that keep partners apart (DESIGN §3: one topic per partner is what lets ACLs do
 * it). A partner's principal may read exactly the topics it is fed on ({@link #partnerReadableTopics}:
 * its indicators, their JSON mirror, its statistics; not its dead-letter topic, whose reasons name
 * internal hosts) and use only its own consumer groups ({@code partner.<id>.*}); it may write
 * nothing. The hub's principal writes every partner topic. With Kafka's StandardAuthorizer and no
 * ACL for anything else, all other access is denied. The only principal a partner may have is
 * {@code User:<partner id>} ({@link #checkPrincipal}).
 */
public final class PartnerAcls {

    private final ThreatlineTopics topics;

    public PartnerAcls(ThreatlineTopics topics) {
        this.topics = topics;
    }

    /**
     * The principal an agreement may name for its partner: {@code User:<partner id>}, nothing else
     * (no wildcard, no other partner's or Threatline's own user), since {@code agreements apply --acls}
     * grants it the partner's topics.
     *
     * @throws IllegalArgumentException naming the principal and the one allowed
     */
    public static String checkPrincipal(String partnerId, String principal) {
        String expected = "User:" + ThreatlineTopics.checkPartnerId(partnerId);
        String given = principal == null ? "" : principal.strip();
        if (!given.equals(expected)) {
            String why =
                    given.contains("*") ? "a wildcard, which would grant every user" : "not the partner's own user";
            throw new IllegalArgumentException("principal '" + given + "' is " + why + "; the only principal partner '"
                    + partnerId + "' may have is " + expected);
        }
        return expected;
    }

    /** The topics a partner may read, each named exactly: its indicators, their JSON mirror and its statistics. */
    public List<String> partnerReadableTopics(String partnerId) {
        return List.of(
                topics.partnerIndicators(partnerId),
                topics.partnerIndicatorsJson(partnerId),
                topics.partnerStatistics(partnerId));
    }

    /** The consumer-group prefix a partner may use, e.g. {@code partner.interpol.siem}. */
    public static String partnerGroupPrefix(String partnerId) {
        return "partner." + ThreatlineTopics.checkPartnerId(partnerId) + ".";
    }

    /** Read and describe on each of {@link #partnerReadableTopics} (LITERAL), read on its own consumer groups; nothing else. */
    public List<AclBinding> partnerReader(String partnerId, String principal) {
        List<AclBinding> bindings = new java.util.ArrayList<>();
        for (String topic : partnerReadableTopics(partnerId)) {
            ResourcePattern own = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
            bindings.add(allow(own, principal, AclOperation.READ));
            bindings.add(allow(own, principal, AclOperation.DESCRIBE));
        }
        ResourcePattern groups =
                new ResourcePattern(ResourceType.GROUP, partnerGroupPrefix(partnerId), PatternType.PREFIXED);
        bindings.add(allow(groups, principal, AclOperation.READ));
        return List.copyOf(bindings);
    }

    /**
     * Write and describe on the partner's own inbound topic (LITERAL), for an agreement that lets it
     * report back (docs/sharing-back.md); no other topic, no other partner's.
     */
    public List<AclBinding> partnerReporter(String partnerId, String principal) {
        ResourcePattern inbound =
                new ResourcePattern(ResourceType.TOPIC, topics.partnerInbound(partnerId), PatternType.LITERAL);
        return List.of(allow(inbound, principal, AclOperation.WRITE), allow(inbound, principal, AclOperation.DESCRIBE));
    }

    /**
     * Filters matching every ACL that grants {@code principal} anything on the partner's topics (its
     * readable ones, and anything under {@code <prefix>partner.<id>.}, as earlier versions granted
     * with one PREFIXED pattern) or groups: what ending its agreement removes.
     */
    public List<AclBindingFilter> partnerFilters(String partnerId, String principal) {
        List<AclBindingFilter> filters = new java.util.ArrayList<>();
        AccessControlEntryFilter anything =
                new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY);
        List<String> own = new java.util.ArrayList<>(partnerReadableTopics(partnerId));
        own.add(topics.partnerInbound(partnerId));
        for (String topic : own) {
            filters.add(new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.TOPIC, topic, PatternType.LITERAL), anything));
        }
        filters.add(new AclBindingFilter(
                new ResourcePatternFilter(
                        ResourceType.TOPIC,
                        topics.prefix() + "partner." + ThreatlineTopics.checkPartnerId(partnerId) + ".",
                        PatternType.PREFIXED),
                anything));
        filters.add(new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.GROUP, partnerGroupPrefix(partnerId), PatternType.PREFIXED),
                anything));
        return List.copyOf(filters);
    }

    /** Write and describe on every partner topic, for the hub that fills them. */
    public List<AclBinding> hubWriter(String principal) {
        ResourcePattern partners =
                new ResourcePattern(ResourceType.TOPIC, topics.prefix() + "partner.", PatternType.PREFIXED);
        return List.of(
                allow(partners, principal, AclOperation.WRITE), allow(partners, principal, AclOperation.DESCRIBE));
    }

    private static AclBinding allow(ResourcePattern pattern, String principal, AclOperation operation) {
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
