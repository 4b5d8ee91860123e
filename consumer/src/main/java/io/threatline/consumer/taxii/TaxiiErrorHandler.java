package io.threatline.consumer.taxii;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the requests Jetty refuses before the TAXII handler sees them (headers too large, a
 * malformed request line) with a TAXII error message instead of Jetty's HTML page, naming only
 * the status: no server version, no stack trace.
 */
final class TaxiiErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String reason = HttpStatus.getMessage(code);
        TaxiiHandler.send(response, callback, code, TaxiiHandler.errorBody(code, "the request was refused: " + reason));
    }
}
