/**
 * Indicator identity: one canonical id per indicator, however partners write it.
 *
 * <p>An id is {@code <type>:<canonical value>}, the type in lower case: {@code ipv4:192.0.2.0/24},
 * {@code ipv6:2001:db8::1}, {@code domain:xn--bcher-kva.de}, {@code url:https://example.com/a?b},
 * {@code md5:d41d8cd98f00b204e9800998ecf8427e}, {@code email:User@example.com}. Start at {@link
 * io.threatline.schemas.identity.IndicatorIdentity}; each type's rules, and the reasons for them,
 * are on its canonicaliser class. Rejection codes are listed in {@link
 * io.threatline.schemas.identity.RejectionCodes}.
 *
 * <p>Everything here is pure, thread-safe and exception-free for bad input, because it runs on
 * every event.
 */
package io.threatline.schemas.identity;
