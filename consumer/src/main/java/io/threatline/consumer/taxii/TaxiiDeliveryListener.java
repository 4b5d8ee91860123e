package io.threatline.consumer.taxii;

/**
 * Told of every non-empty page served to a partner, before the page is sent; the delivery audit
 * implements it. If it throws, the page is not sent (the client gets a 503 and can retry), so
 * nothing leaves without a record of it.
 */
@FunctionalInterface
public interface TaxiiDeliveryListener {

    TaxiiDeliveryListener NONE = delivery -> {};

    void delivered(TaxiiDelivery delivery);
}
