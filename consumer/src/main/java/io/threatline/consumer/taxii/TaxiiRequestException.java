package io.threatline.consumer.taxii;

/** A request the server answers with a TAXII error message; the message is safe to show the client. */
final class TaxiiRequestException extends Exception {

    private final int status;

    TaxiiRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
