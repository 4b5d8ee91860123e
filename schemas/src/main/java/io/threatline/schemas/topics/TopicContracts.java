package io.threatline.schemas.topics;

import io.threatline.contract.AgreementHistoryEntry;
import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.FalsePositiveReport;
import io.threatline.contract.Indicator;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Suppression;
import io.threatline.contract.ThreatEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Which Avro value schema each core topic carries, so the schemas can be registered (and checked
 * for compatibility) before any program writes. Keys are plain strings (indicator id, partner id).
 */
public final class TopicContracts {
    private TopicContracts() {}

    /** Topic name to value schema, for the core topics that carry a contract record. */
    public static Map<String, Schema> valueSchemas(ThreatlineTopics topics) {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(topics.sensorEvents(), ThreatEvent.getClassSchema());
        schemas.put(topics.indicators(), Indicator.getClassSchema());
        schemas.put(topics.agreements(), PartnerAgreement.getClassSchema());
        schemas.put(topics.agreementsHistory(), AgreementHistoryEntry.getClassSchema());
        schemas.put(topics.deadLetter(), DeadLetter.getClassSchema());
        schemas.put(topics.deliveryAudit(), DeliveryReceipt.getClassSchema());
        schemas.put(topics.deliveryReceiptRequests(), DeliveryReceipt.getClassSchema());
        schemas.put(topics.falsePositives(), FalsePositiveReport.getClassSchema());
        schemas.put(topics.suppressions(), Suppression.getClassSchema());
        schemas.put(topics.erasures(), io.threatline.contract.Erasure.getClassSchema());
        schemas.put(topics.erasureRequests(), ThreatEvent.getClassSchema());
        return schemas;
    }
}
