package io.threatline.consumer.syslog;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sample partner indicators for the syslog format tests. */
final class Samples {

  static final Instant FIRST_SEEN = Instant.parse("2026-11-01T08:00:00.123Z");
  static final Instant LAST_SEEN = Instant.parse("2026-11-28T17:30:00.456Z");
  static final Instant VALID_UNTIL = Instant.parse("2026-12-28T17:30:00.456Z");
  static final Instant SHARED_AT = Instant.parse("2026-11-29T10:15:30.789Z");

  private Samples() {}

  /** A typical value of each indicator type. */
  static String valueOf(IndicatorType type) {
    return switch (type) {
      case IPV4 -> "203.0.113.7";
      case IPV6 -> "2001:db8::7";
      case DOMAIN -> "bad.example.com";
      case URL -> "http://bad.example.com/login.php?a=1&b=2";
      case MD5 -> "44d88612fea8a8f36de82e1278abb02f";
      case SHA1 -> "3395856ce81f2b7382dee72602f798b642f14140";
      case SHA256 -> "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
      case EMAIL -> "phisher@bad.example.com";
      case UNKNOWN -> "something";
    };
  }

  /** All types except UNKNOWN, which is never delivered. */
  static List<IndicatorType> types() {
    List<IndicatorType> t = new ArrayList<>(List.of(IndicatorType.values()));
    t.remove(IndicatorType.UNKNOWN);
    return t;
  }

  /** All actions except UNKNOWN, which is never delivered. */
  static List<LifecycleAction> actions() {
    List<LifecycleAction> a = new ArrayList<>(List.of(LifecycleAction.values()));
    a.remove(LifecycleAction.UNKNOWN);
    return a;
  }

  static PartnerIndicator.Builder builder(IndicatorType type, LifecycleAction action, String value) {
    return PartnerIndicator.newBuilder()
        .setPartnerId("europol-ec3")
        .setAgreementId("mou-2026-01")
        .setAgreementVersion(3)
        .setIndicatorId(type.name().toLowerCase() + ":" + value)
        .setType(type)
        .setValue(value)
        .setAction(action)
        .setFirstSeen(FIRST_SEEN)
        .setLastSeen(LAST_SEEN)
        .setValidUntil(VALID_UNTIL)
        .setConfidence(80)
        .setScore(73)
        .setTlp(Tlp.AMBER_STRICT)
        .setMalwareFamilies(List.of("Emotet", "TrickBot"))
        .setCampaigns(List.of("winter-2026"))
        .setTags(List.of("c2", "botnet"))
        .setKillChainPhases(List.of(KillChainPhase.DELIVERY, KillChainPhase.COMMAND_AND_CONTROL))
        .setCountry("NL")
        .setAsn(64500L)
        .setVendors(List.of("acme"))
        .setSensors(List.of("acme/s-1"))
        .setRedistributionAllowed(true)
        .setRedistributionScope("EU law enforcement")
        .setSharedAt(SHARED_AT);
  }

  static PartnerIndicator indicator(IndicatorType type, LifecycleAction action) {
    return builder(type, action, valueOf(type)).build();
  }
}
