package io.threatline.app;

import io.threatline.schemas.topics.PartnerAcls;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Takes away what {@code agreements apply --acls} and {@code run} gave a partner once its agreement
 * ends: every ACL of {@code User:<partner id>} on the partner's topics and groups
 * ({@link PartnerAcls#partnerFilters}) and the partner's Kafka SCRAM user (each mechanism it has).
 * A cluster without an authorizer, or without such a user, is not an error: there is nothing to
 * remove, and the output says so.
 */
final class PartnerAccessRemoval {

    private PartnerAccessRemoval() {}

    static void remove(Map<String, Object> kafkaProperties, ThreatlineTopics topics, String partnerId, PrintWriter out)
            throws Exception {
        String principal = "User:" + ThreatlineTopics.checkAgreementPartnerId(partnerId);
        try (Admin admin = Admin.create(kafkaProperties)) {
            removeAcls(admin, topics, partnerId, principal, out);
            removeUser(admin, partnerId, out);
        }
        out.flush();
    }

    private static void removeAcls(
            Admin admin, ThreatlineTopics topics, String partnerId, String principal, PrintWriter out)
            throws Exception {
        try {
            Collection<AclBinding> deleted = admin.deleteAcls(
                            new PartnerAcls(topics).partnerFilters(partnerId, principal))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            out.printf("acls: removed %d ACL(s) of %s%n", deleted.size(), principal);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SecurityDisabledException) {
                out.printf("acls: the cluster has no authorizer, so %s has no ACLs to remove%n", principal);
                return;
            }
            throw e;
        }
    }

    private static void removeUser(Admin admin, String user, PrintWriter out) throws Exception {
        Set<ScramMechanism> mechanisms;
        try {
            Map<String, UserScramCredentialsDescription> described =
                    admin.describeUserScramCredentials(List.of(user)).all().get(30, TimeUnit.SECONDS);
            UserScramCredentialsDescription description = described.get(user);
            mechanisms = description == null
                    ? Set.of()
                    : description.credentialInfos().stream()
                            .map(info -> info.mechanism())
                            .collect(Collectors.toSet());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                mechanisms = Set.of();
            } else if (e.getCause() instanceof UnsupportedVersionException
                    || e.getCause() instanceof SecurityDisabledException) {
                out.printf("user: the cluster keeps no SCRAM users, so there is no Kafka user %s to remove%n", user);
                return;
            } else {
                throw e;
            }
        }
        if (mechanisms.isEmpty()) {
            out.printf("user: no Kafka user %s exists, nothing to remove%n", user);
            return;
        }
        List<UserScramCredentialAlteration> deletions = mechanisms.stream()
                .map(m -> (UserScramCredentialAlteration) new UserScramCredentialDeletion(user, m))
                .toList();
        admin.alterUserScramCredentials(deletions).all().get(30, TimeUnit.SECONDS);
        out.printf(
                "user: removed Kafka user %s (%s)%n",
                user,
                mechanisms.stream().map(ScramMechanism::mechanismName).sorted().collect(Collectors.joining(", ")));
    }
}
