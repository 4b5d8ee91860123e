package io.threatline.app;

import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine;

/** Prints Threatline's and Kafka's versions. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String own = ThreatlineCommand.class.getPackage().getImplementationVersion();
        return new String[] {
            "threatline " + (own == null ? "dev" : own), "Apache Kafka clients " + AppInfoParser.getVersion()
        };
    }
}
