/**
 * STIX 2.1 for Threatline's partner records: {@link io.threatline.consumer.stix.StixMapper}
 * (indicator and trend-statistic mapping, documented there), the TLP 2.0 marking definitions
 * ({@link io.threatline.consumer.stix.TlpMarkings}), deterministic ids
 * ({@link io.threatline.consumer.stix.StixIds}) and bundles ({@link io.threatline.consumer.stix.StixBundle}).
 * Used by the TAXII server, and meant for the webhook and files channels' STIX bundles.
 */
package io.threatline.consumer.stix;
