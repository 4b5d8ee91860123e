package io.threatline.platform.registry;

import io.threatline.platform.registry.CompatibilityChecker.Previous;
import io.threatline.platform.registry.SchemaLogEntry.ConfigCleared;
import io.threatline.platform.registry.SchemaLogEntry.ConfigSet;
import io.threatline.platform.registry.SchemaLogEntry.SchemaVersion;
import io.threatline.platform.registry.SchemaLogEntry.VersionPermanentlyDeleted;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's subjects, versions, global schema ids and compatibility configuration, with Confluent Schema
 * Registry's rules, persisted through a {@link SchemaLog}.
 *
 * <p>The state is rebuilt from {@link SchemaLog#readAll()} on construction. Changes are serialised: each is
 * validated against the current state, appended to the log and only then applied in memory. Reads run concurrently
 * and never wait for the log. Failures are reported as {@link SchemaRegistryException}s.
 */
public final class SubjectRegistry {

    /** Version number meaning "the latest live version" ({@code "latest"} or {@code -1} in the REST API). */
    public static final int LATEST = -1;

    private static final Logger LOGGER = LoggerFactory.getLogger(SubjectRegistry.class);

    private final SchemaLog log;
    private final RegistryModel model;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Object writeMutex = new Object();

    /**
     * Builds the registry from the entries already in {@code log}.
     *
     * @param defaultLevel the global compatibility level while none is configured
     */
    public SubjectRegistry(SchemaLog log, CompatibilityLevel defaultLevel) {
        this.log = log;
        this.model = new RegistryModel(defaultLevel);
        List<SchemaLogEntry> entries = log.readAll();
        entries.forEach(model::apply);
        LOGGER.info(
                "Rebuilt schema registry from {} log entries: {} subjects, {} schemas, next id {}",
                entries.size(),
                model.subjects(true).size(),
                model.schemaCount(),
                model.nextId());
    }

    /**
     * Registers a schema under a subject, or finds it there already.
     *
     * @return the schema's global id: the existing one if the same schema (by canonical form) is known in any
     *         subject, otherwise a new one
     */
    public int register(String subject, String schemaText) {
        Schema schema = AvroSchemas.parse(schemaText);
        String canonical = AvroSchemas.canonical(schema);
        synchronized (writeMutex) {
            Optional<Integer> knownId = model.idOf(canonical);
            List<SchemaVersion> live = model.versions(subject, false);
            if (knownId.isPresent() && live.stream().anyMatch(v -> v.id() == knownId.get())) {
                return knownId.get();
            }
            CompatibilityLevel level = model.effectiveLevel(subject);
            List<String> problems = CompatibilityChecker.check(level, schema, newestFirst(live));
            if (!problems.isEmpty()) {
                LOGGER.info("Rejected schema incompatible ({}) with subject '{}'", level, subject);
                throw SchemaRegistryException.incompatible(subject, problems);
            }
            int id = knownId.orElseGet(model::nextId);
            int version = model.maxVersion(subject) + 1;
            commit(new SchemaVersion(subject, version, id, canonical, false));
            LOGGER.info("Registered schema id {} as version {} of subject '{}'", id, version, subject);
            return id;
        }
    }

    /** Finds the version of a subject holding the given schema (the newest if several do). */
    public SchemaVersion lookup(String subject, String schemaText, boolean includeDeleted) {
        Schema schema = AvroSchemas.parse(schemaText);
        return read(() -> {
            List<SchemaVersion> versions = existingVersions(subject, includeDeleted);
            Optional<Integer> id = model.idOf(AvroSchemas.canonical(schema));
            for (int i = versions.size() - 1; i >= 0; i--) {
                if (id.isPresent() && versions.get(i).id() == id.get()) {
                    return versions.get(i);
                }
            }
            throw SchemaRegistryException.schemaNotFound();
        });
    }

    /** Subject names, sorted: those with a live version, or with any version if {@code includeDeleted}. */
    public List<String> subjects(boolean includeDeleted) {
        return read(() -> model.subjects(includeDeleted));
    }

    /** Version numbers of a subject, ascending. */
    public List<Integer> versions(String subject, boolean includeDeleted) {
        return read(() -> existingVersions(subject, includeDeleted).stream()
                .map(SchemaVersion::version)
                .toList());
    }

    /** One version of a subject, or its latest live one for {@link #LATEST}. */
    public SchemaVersion version(String subject, int version, boolean includeDeleted) {
        return read(() -> find(subject, version, includeDeleted));
    }

    /** The schema text registered under a global id; ids stay resolvable while any version, even soft-deleted, uses them. */
    public String schemaById(int id) {
        return read(() -> model.schema(id)
                .map(AvroSchemas::canonical)
                .orElseThrow(() -> SchemaRegistryException.schemaNotFound(id)));
    }

    /** The subject versions registered under a global id. */
    public List<SchemaVersion> versionsById(int id, boolean includeDeleted) {
        return read(() -> {
            if (model.schema(id).isEmpty()) {
                throw SchemaRegistryException.schemaNotFound(id);
            }
            return model.versionsWithId(id, includeDeleted);
        });
    }

    /**
     * Checks a schema against one version of a subject, against the versions its level covers for
     * {@link #LATEST}, or against the whole subject (compatible if it has none) when {@code version} is null.
     *
     * @return incompatibility messages; empty if compatible
     */
    public List<String> checkCompatibility(String subject, Integer version, String schemaText) {
        return read(() -> {
            List<Previous> previous;
            if (version == null || version == LATEST) {
                previous = newestFirst(
                        version == null ? model.versions(subject, false) : existingVersions(subject, false));
            } else {
                SchemaVersion target = find(subject, version, false);
                previous = List.of(
                        new Previous(target.version(), model.schema(target.id()).orElseThrow()));
            }
            return CompatibilityChecker.check(model.effectiveLevel(subject), AvroSchemas.parse(schemaText), previous);
        });
    }

    /**
     * Soft-deletes a version, or permanently deletes an already soft-deleted one.
     *
     * @return the deleted version number
     */
    public int deleteVersion(String subject, int version, boolean permanent) {
        synchronized (writeMutex) {
            if (model.versions(subject, permanent).isEmpty()) {
                throw SchemaRegistryException.subjectNotFound(subject);
            }
            SchemaVersion target = version == LATEST ? find(subject, LATEST, permanent) : find(subject, version, true);
            if (permanent && !target.deleted()) {
                throw SchemaRegistryException.versionNotSoftDeleted(subject, target.version());
            }
            if (!permanent && target.deleted()) {
                throw SchemaRegistryException.versionSoftDeleted(subject, target.version());
            }
            commit(permanent ? new VersionPermanentlyDeleted(subject, target.version()) : target.withDeleted(true));
            LOGGER.info("Deleted version {} of subject '{}' (permanent: {})", target.version(), subject, permanent);
            return target.version();
        }
    }

    /**
     * Soft-deletes all live versions of a subject, or permanently deletes a soft-deleted subject (and its
     * compatibility level).
     *
     * @return the deleted version numbers
     */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        synchronized (writeMutex) {
            List<SchemaVersion> all = existingVersions(subject, true);
            List<SchemaVersion> live = model.versions(subject, false);
            if (!permanent && live.isEmpty()) {
                throw SchemaRegistryException.subjectSoftDeleted(subject);
            }
            if (permanent && !live.isEmpty()) {
                throw SchemaRegistryException.subjectNotSoftDeleted(subject);
            }
            List<Integer> deleted = new ArrayList<>();
            for (SchemaVersion v : permanent ? all : live) {
                commit(permanent ? new VersionPermanentlyDeleted(subject, v.version()) : v.withDeleted(true));
                deleted.add(v.version());
            }
            if (permanent && model.subjectLevel(subject).isPresent()) {
                commit(new ConfigCleared(subject));
            }
            LOGGER.info("Deleted versions {} of subject '{}' (permanent: {})", deleted, subject, permanent);
            return deleted;
        }
    }

    /** The global compatibility level (configured, or the default). */
    public CompatibilityLevel globalLevel() {
        return read(model::globalLevel);
    }

    /** The compatibility level configured for the subject itself, if any. */
    public Optional<CompatibilityLevel> subjectLevel(String subject) {
        return read(() -> model.subjectLevel(subject));
    }

    /** Sets the global level ({@code subject == null}) or a subject's level. */
    public void setLevel(String subject, CompatibilityLevel level) {
        synchronized (writeMutex) {
            commit(new ConfigSet(subject, level));
            LOGGER.info("Compatibility of {} set to {}", subject == null ? "the registry" : "'" + subject + "'", level);
        }
    }

    /** Clears the global level back to the default, returning the level in force before. */
    public CompatibilityLevel clearGlobalLevel() {
        synchronized (writeMutex) {
            CompatibilityLevel before = model.globalLevel();
            commit(new ConfigCleared(null));
            return before;
        }
    }

    /** Clears a subject's own level, returning it. */
    public CompatibilityLevel clearSubjectLevel(String subject) {
        synchronized (writeMutex) {
            CompatibilityLevel before = model.subjectLevel(subject)
                    .orElseThrow(() -> model.subjects(true).contains(subject)
                            ? SchemaRegistryException.compatibilityNotConfigured(subject)
                            : SchemaRegistryException.subjectNotFound(subject));
            commit(new ConfigCleared(subject));
            return before;
        }
    }

    private SchemaVersion find(String subject, int version, boolean includeDeleted) {
        List<SchemaVersion> versions = existingVersions(subject, includeDeleted);
        if (version == LATEST) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream()
                .filter(v -> v.version() == version)
                .findFirst()
                .orElseThrow(() -> SchemaRegistryException.versionNotFound(version));
    }

    private List<SchemaVersion> existingVersions(String subject, boolean includeDeleted) {
        List<SchemaVersion> versions = model.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private List<Previous> newestFirst(List<SchemaVersion> versions) {
        List<Previous> previous = new ArrayList<>();
        for (SchemaVersion v : versions) {
            previous.add(new Previous(v.version(), model.schema(v.id()).orElseThrow()));
        }
        Collections.reverse(previous);
        return previous;
    }

    private void commit(SchemaLogEntry entry) {
        try {
            log.append(entry);
        } catch (RuntimeException e) {
            LOGGER.error("Could not store {} in the schema log", entry, e);
            throw SchemaRegistryException.storeError("Error while storing the change in the schema log", e);
        }
        lock.writeLock().lock();
        try {
            model.apply(entry);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private <T> T read(Supplier<T> query) {
        lock.readLock().lock();
        try {
            return query.get();
        } finally {
            lock.readLock().unlock();
        }
    }
}
