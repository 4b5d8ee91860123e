package io.threatline.streams.enrich;

/**
 * What the reference data says about an IP address.
 *
 * @param asn autonomous system number, or null
 * @param asOrganization organisation holding the AS, or null
 * @param country ISO 3166-1 alpha-2 country code, or null
 */
public record IpInfo(Long asn, String asOrganization, String country) {}
