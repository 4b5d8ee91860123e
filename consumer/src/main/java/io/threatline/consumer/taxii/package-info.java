/**
 * A read-only TAXII 2.1 server over the partner topics ({@link io.threatline.consumer.taxii.TaxiiServer}).
 *
 * <ul>
 * <li>Discovery {@code /taxii2/} lists only the caller's own API root {@code /<partnerId>/}.</li>
 * <li>Collections {@code indicators} (ti.partner.&lt;id&gt;.indicators.v1) and, when the agreement
 *     grants STATISTICS or TRENDS, {@code statistics} (ti.partner.&lt;id&gt;.statistics.v1).</li>
 * <li>{@code objects}, {@code objects/<id>} and {@code manifest} are paged with {@code limit}
 *     (default 1000, max 10000), {@code next}, {@code added_after}, {@code match[type]},
 *     {@code match[id]}, {@code match[spec_version]} and {@code match[version]}: every record of
 *     the topic is one version of its object; {@code last} (the default), {@code first},
 *     {@code all} and exact versions are served, the first and latest known from a
 *     {@link io.threatline.consumer.taxii.VersionIndex} per topic.</li>
 * <li>{@code objects/<id>/versions/} lists an object's versions ({@code modified}), paged.</li>
 * <li>{@code next} is a {@link io.threatline.consumer.taxii.PageCursor} (partition to next
 *     offset); the server keeps no session. {@code date_added} is the Kafka record timestamp,
 *     {@code added_after} is found with {@code offsetsForTimes}; within a page, partitions are
 *     merged by timestamp.</li>
 * <li>HTTP Basic, user = partner id; another partner's root answers 404 exactly like a root that
 *     does not exist. TAXII error bodies, {@code application/taxii+json;version=2.1} only (406
 *     otherwise).</li>
 * <li>Every non-empty page is reported to a {@link io.threatline.consumer.taxii.TaxiiDeliveryListener}
 *     before it is sent; if that fails the page is not sent (503).</li>
 * <li>Jetty with limits: idle timeout, a deadline for a connection's TLS handshake and first
 *     request, a connection cap, a bounded thread pool, an 8 KiB header limit; failed logins
 *     throttled per user and address before the password hash, a request rate per partner (both
 *     429 with {@code Retry-After}).</li>
 * </ul>
 *
 * Not done: {@code status} (the server is read only).
 */
package io.threatline.consumer.taxii;
