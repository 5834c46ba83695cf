package dev.learnstream.avro;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * In-memory registries for unit tests, one per {@code mock://scope}. Behaves like Confluent's:
 * global ids shared across subjects for identical schemas, BACKWARD compatibility checked on
 * register. Tests drop their scope when done.
 */
public final class MockSchemaRegistry implements SchemaRegistryClient {

    private static final Map<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    private MockSchemaRegistry(String scope) {
        this.scope = scope;
    }

    /** The registry of {@code scope}, created on first use. */
    public static MockSchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistry::new);
    }

    /** Forgets everything registered in {@code scope}. */
    public static void drop(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        final OptionalInt existing = lookup(subject, schema);
        if (existing.isPresent()) {
            return existing.getAsInt();
        }
        if (!isCompatible(subject, schema)) {
            throw new SchemaRegistryException("Schema registry at " + location() + " answered HTTP 409 while registering"
                    + " a schema under subject '" + subject + "': not backward compatible with the latest version", 409, 409);
        }
        final int id = idsBySchema.computeIfAbsent(schema.toString(), text -> {
            final int next = schemasById.size() + 1;
            schemasById.put(next, schema);
            return next;
        });
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized OptionalInt lookup(String subject, Schema schema) {
        final Integer id = idsBySchema.get(schema.toString());
        if (id != null && versionsBySubject.getOrDefault(subject, List.of()).contains(id)) {
            return OptionalInt.of(id);
        }
        return OptionalInt.empty();
    }

    @Override
    public synchronized Schema schemaById(int id) {
        final Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema registry at " + location() + " answered HTTP 404 (error 40403)"
                    + " while fetching schema id " + id + ": Schema not found", 404, 40403);
        }
        return schema;
    }

    @Override
    public synchronized Optional<RegisteredSchema> latest(String subject) {
        final List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            return Optional.empty();
        }
        final int id = versions.get(versions.size() - 1);
        return Optional.of(new RegisteredSchema(subject, id, versions.size(), schemasById.get(id)));
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        return latest(subject)
                .map(latest -> SchemaCompatibility.checkReaderWriterCompatibility(schema, latest.schema()).getType()
                        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE)
                .orElse(true);
    }

    @Override
    public String location() {
        return "mock://" + scope;
    }
}
