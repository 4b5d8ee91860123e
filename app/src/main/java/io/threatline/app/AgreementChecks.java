package io.threatline.app;

import io.threatline.agreements.files.AgreementFiles;
import io.threatline.agreements.files.InvalidAgreementException;
import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.consumer.delivery.StandardChannels;
import io.threatline.contract.PartnerAgreement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code agreements check} and {@code apply} check beyond the file format ({@link AgreementFiles},
 * which also refuses reserved partner ids): every channel of every agreement is checked as delivery
 * checks it when it builds the channel ({@link StandardChannels#validate}), so that an agreement
 * delivery would refuse (an overflowing duration, a bad port, an unreadable certificate, a Kafka
 * principal other than {@code User:<partner id>}) is refused before it is applied, naming the file,
 * the partner, the channel and the setting.
 */
final class AgreementChecks {

    /** Code of an {@link InvalidAgreementException} for a channel setting that delivery would refuse. */
    static final String INVALID_CHANNEL_SETTING = "INVALID_CHANNEL_SETTING";

    /**
     * Where the files and secrets the channels name are checked: {@code secretsDir} present means on
     * this host, the delivery host (files read, secrets resolved from it and the environment);
     * empty means on another machine (paths and references checked for form only).
     */
    private final Optional<Optional<Path>> onThisHost;

    private AgreementChecks(Optional<Optional<Path>> onThisHost) {
        this.onThisHost = onThisHost;
    }

    /** Checks as delivery on this host would, with secrets from {@code secretsDir} (if given) and the environment. */
    static AgreementChecks onThisHost(Optional<Path> secretsDir) {
        return new AgreementChecks(Optional.of(secretsDir));
    }

    /** Checks for delivery on another machine: everything the settings decide alone; files and secrets by path and reference. */
    static AgreementChecks forAnotherHost() {
        return new AgreementChecks(Optional.empty());
    }

    /** An agreement with the file it came from. */
    record Loaded(PartnerAgreement agreement, Path file) {}

    /**
     * Loads the files (a directory means each agreement file directly in it, as {@link AgreementFiles#loadAll}),
     * then checks every channel of every agreement.
     *
     * @throws InvalidAgreementException naming the file (and, for a channel, partner, channel and setting)
     */
    List<PartnerAgreement> load(List<Path> paths) {
        List<Loaded> loaded = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                AgreementFiles.loadAll(path); // the directory's own rules (one file per partner) first
                for (Path file : agreementFiles(path)) {
                    loaded.add(new Loaded(AgreementFiles.load(file), file));
                }
            } else {
                loaded.add(new Loaded(AgreementFiles.load(path), path));
            }
        }
        loaded.forEach(this::checkChannels);
        return loaded.stream().map(Loaded::agreement).toList();
    }

    private void checkChannels(Loaded loaded) {
        PartnerAgreement a = loaded.agreement();
        List<io.threatline.contract.ChannelSettings> channels = a.getChannels();
        for (int i = 0; i < channels.size(); i++) {
            io.threatline.contract.ChannelSettings channel = channels.get(i);
            ChannelSettings settings = onThisHost
                    .map(dir -> new ChannelSettings(
                            a.getPartnerId(), channel.getChannel(), channel.getSettings(), Secrets.from(dir)))
                    .orElseGet(() ->
                            ChannelSettings.elsewhere(a.getPartnerId(), channel.getChannel(), channel.getSettings()));
            try {
                StandardChannels.validate(settings);
            } catch (IllegalArgumentException e) {
                throw new InvalidAgreementException(
                        INVALID_CHANNEL_SETTING,
                        loaded.file().toString(),
                        0,
                        "channels[" + i + "] (" + channel.getChannel().name().toLowerCase(Locale.ROOT) + ")",
                        e.getMessage());
            }
        }
    }

    private static List<Path> agreementFiles(Path directory) {
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new InvalidAgreementException(
                    AgreementFiles.UNREADABLE,
                    directory.toString(),
                    0,
                    null,
                    "cannot list the directory: " + e.getMessage());
        }
    }
}
