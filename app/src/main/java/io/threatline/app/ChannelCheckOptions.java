package io.threatline.app;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where {@code agreements check} and {@code apply} check the files and secrets that channels name
 * ({@link AgreementChecks}): by default on this host, as the delivery service here would; with
 * {@code --delivery-elsewhere}, for a delivery service on another machine.
 */
final class ChannelCheckOptions {

    @Option(
            names = "--secrets-dir",
            defaultValue = ".threatline/secrets",
            description =
                    "Where delivery on this host finds the secrets channels refer to (secret:<name>), as `run` keeps them "
                            + "(default: ${DEFAULT-VALUE}); THREATLINE_SECRET_* environment variables are looked up too.")
    Path secretsDir;

    @Option(
            names = "--delivery-elsewhere",
            description =
                    "Delivery runs on another machine: check the certificate, key and trust files and the secrets that "
                            + "channels name by path and reference only (everything else is checked as delivery checks it).")
    boolean deliveryElsewhere;

    AgreementChecks checks() {
        return deliveryElsewhere
                ? AgreementChecks.forAnotherHost()
                : AgreementChecks.onThisHost(Optional.of(secretsDir));
    }
}
