package io.threatline.consumer.files;

import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.ChannelSinkFactory;
import io.threatline.contract.DeliveryChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * Builds the {@link FileSink} of a partner from its FILES channel settings.
 *
 * <p>The directory is the partner's alone: it may not be a symbolic link (nor is any file in it
 * written through one, see {@link AtomicFiles#open}), and {@link OutboxOwner} refuses a directory
 * that is, holds or lies inside another partner's outbox, naming both partners.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>directory</td><td>required</td><td>the partner's own folder (created if missing); a MISP
 *       feed is one folder, so two partners never share one</td></tr>
 *   <tr><td>format</td><td>jsonl</td><td>{@code jsonl}, {@code csv}, {@code stix} or {@code misp}</td></tr>
 *   <tr><td>rotate</td><td>PT1H</td><td>ISO-8601 duration of a jsonl/csv file's window, aligned to
 *       the epoch (PT1H: on the hour); at most P366D</td></tr>
 *   <tr><td>max_bytes</td><td>268435456 (256 MiB)</td><td>a jsonl/csv file is completed once it
 *       reaches this size, 4096 to 2147483647</td></tr>
 *   <tr><td>misp_org_name</td><td>Threatline</td><td>{@code Orgc.name} of MISP events</td></tr>
 *   <tr><td>misp_org_uuid</td><td>derived from the name</td><td>{@code Orgc.uuid} of MISP events</td></tr>
 * </table>
 */
public final class FileSinkFactory implements ChannelSinkFactory {

    static final int DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

    private final Clock clock;

    public FileSinkFactory() {
        this(Clock.systemUTC());
    }

    /** A factory whose sinks read time (rotation windows, MISP event dates) from {@code clock}. */
    public FileSinkFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public DeliveryChannel channel() {
        return DeliveryChannel.FILES;
    }

    /** The checked settings of a files channel. */
    private record Plan(
            Path directory,
            String raw,
            FileFormat format,
            Duration rotate,
            int maxBytes,
            String orgName,
            String orgUuid) {}

    @Override
    public void validate(ChannelSettings settings) {
        plan(settings);
    }

    @Override
    public ChannelSink create(ChannelSettings settings) {
        Plan plan = plan(settings);
        Path directory = prepare(settings, plan);
        try {
            FormatWriter writer = switch (plan.format()) {
                case JSONL ->
                    new AppendedRecordsWriter(directory, new JsonlFormat(), plan.rotate(), plan.maxBytes(), clock);
                case CSV ->
                    new AppendedRecordsWriter(directory, new CsvFormat(), plan.rotate(), plan.maxBytes(), clock);
                case STIX -> new StixBundleWriter(directory);
                case MISP -> new MispFeedWriter(directory, new MispEventMapper(plan.orgName(), plan.orgUuid()), clock);
            };
            return new FileSink(
                    settings.partnerId(),
                    directory,
                    plan.format(),
                    writer,
                    settings.optional(ChannelSettings.AGREEMENT_RETENTION).map(java.time.Duration::parse),
                    clock);
        } catch (IOException e) {
            // A refused channel (not an unchecked error out of the delivery service's reconcile): the
            // service logs it, runs the partner's other channels, and tries again at its next check.
            throw settings.error("directory", "is '" + directory + "', where the files channel cannot be opened: " + e);
        }
    }

    /** Every check that writes nothing: the same for {@link #validate} and {@link #create}. */
    private static Plan plan(ChannelSettings settings) {
        String raw = settings.required("directory");
        Path directory;
        try {
            directory = Path.of(raw).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw settings.error("directory", "is '" + raw + "', not a valid path: " + e.getReason());
        }
        if (settings.onThisHost() && Files.isSymbolicLink(directory)) {
            throw settings.error(
                    "directory",
                    "is '" + raw + "', a symbolic link; an outbox must be a real directory,"
                            + " so that no write can land elsewhere");
        }
        if (settings.onThisHost()
                && Files.exists(directory)
                && (!Files.isDirectory(directory) || !Files.isWritable(directory))) {
            throw settings.error("directory", "is '" + raw + "', which is not a writable directory");
        }
        FileFormat format = FileFormat.valueOf(
                settings.oneOf("format", "jsonl", FileFormat.settingValues()).toUpperCase(Locale.ROOT));
        Duration rotate = settings.duration("rotate", Duration.ofHours(1));
        int maxBytes = settings.integer("max_bytes", DEFAULT_MAX_BYTES, 4096, Integer.MAX_VALUE);
        String orgName = settings.string("misp_org_name", "Threatline");
        String orgUuid = settings.optional("misp_org_uuid")
                .map(u -> uuid(settings, u))
                .orElseGet(() -> UUID.nameUUIDFromBytes(("threatline/org/" + orgName).getBytes(StandardCharsets.UTF_8))
                        .toString());
        return new Plan(directory, raw, format, rotate, maxBytes, orgName, orgUuid);
    }

    /** Creates the outbox and claims it for the partner: what only building the channel does. */
    private static Path prepare(ChannelSettings settings, Plan plan) {
        Path directory = plan.directory();
        String raw = plan.raw();
        try {
            AtomicFiles.createDirectories(directory);
        } catch (IOException e) {
            throw settings.error("directory", "is '" + raw + "', which cannot be created: " + e);
        }
        if (!Files.isWritable(directory)) {
            throw settings.error("directory", "is '" + raw + "', which is not writable");
        }
        try {
            OutboxOwner.claim(directory, settings.partnerId());
        } catch (OutboxOwner.Conflict e) {
            throw settings.error("directory", "is '" + raw + "', " + e.getMessage());
        } catch (IOException e) {
            throw settings.error("directory", "is '" + raw + "', whose owner cannot be checked: " + e);
        }
        return directory;
    }

    private static String uuid(ChannelSettings settings, String raw) {
        try {
            return UUID.fromString(raw).toString();
        } catch (IllegalArgumentException e) {
            throw settings.error("misp_org_uuid", "is '" + raw + "', not a UUID");
        }
    }
}
