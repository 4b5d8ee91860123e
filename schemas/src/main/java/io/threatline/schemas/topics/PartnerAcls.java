package io.threatline.schemas.topics;

import java.util.List;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs that keep partners apart (DESIGN §3: one topic per partner is what lets ACLs do
 * it). A partner's principal may read only its own topics ({@code <prefix>partner.<id>.*}) and use
 * only its own consumer groups ({@code partner.<id>.*}); it may write nothing. The hub's principal
 * writes every partner topic. With Kafka's StandardAuthorizer and no ACL for anything else, all
 * other access is denied.
 */
public final class PartnerAcls {

    private final ThreatlineTopics topics;

    public PartnerAcls(ThreatlineTopics topics) {
        this.topics = topics;
    }

    /** The topic-name prefix of one partner's topics, e.g. {@code ti.partner.interpol.}; the dot keeps {@code a} from matching {@code ab}. */
    public String partnerTopicPrefix(String partnerId) {
        return topics.prefix() + "partner." + ThreatlineTopics.checkPartnerId(partnerId) + ".";
    }

    /** The consumer-group prefix a partner may use, e.g. {@code partner.interpol.siem}. */
    public static String partnerGroupPrefix(String partnerId) {
        return "partner." + ThreatlineTopics.checkPartnerId(partnerId) + ".";
    }

    /** Read and describe on the partner's own topics, read on its own consumer groups; nothing else. */
    public List<AclBinding> partnerReader(String partnerId, String principal) {
        ResourcePattern own = new ResourcePattern(ResourceType.TOPIC, partnerTopicPrefix(partnerId), PatternType.PREFIXED);
        ResourcePattern groups = new ResourcePattern(ResourceType.GROUP, partnerGroupPrefix(partnerId), PatternType.PREFIXED);
        return List.of(
            allow(own, principal, AclOperation.READ),
            allow(own, principal, AclOperation.DESCRIBE),
            allow(groups, principal, AclOperation.READ));
    }

    /** Write and describe on every partner topic, for the hub that fills them. */
    public List<AclBinding> hubWriter(String principal) {
        ResourcePattern partners = new ResourcePattern(ResourceType.TOPIC, topics.prefix() + "partner.", PatternType.PREFIXED);
        return List.of(
            allow(partners, principal, AclOperation.WRITE),
            allow(partners, principal, AclOperation.DESCRIBE));
    }

    private static AclBinding allow(ResourcePattern pattern, String principal, AclOperation operation) {
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
