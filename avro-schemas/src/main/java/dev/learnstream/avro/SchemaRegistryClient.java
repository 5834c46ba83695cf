package dev.learnstream.avro;

import java.io.Closeable;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API our serde needs. Implementations throw
 * {@link SchemaRegistryException} with a message naming the registry and the subject or id.
 */
public interface SchemaRegistryClient extends Closeable {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of {@code schema} if it is registered under {@code subject}. */
    OptionalInt lookup(String subject, Schema schema);

    /** The schema with global id {@code id}; throws when the registry does not know it. */
    Schema schemaById(int id);

    /** The latest version registered under {@code subject}, if any. */
    Optional<RegisteredSchema> latest(String subject);

    /** Whether {@code schema} could be registered as the next version of {@code subject}. */
    boolean isCompatible(String subject, Schema schema);

    /** Where this client points, for error messages (a URL or {@code mock://scope}). */
    String location();

    @Override
    default void close() {
    }

    /** One version of a subject. */
    record RegisteredSchema(String subject, int id, int version, Schema schema) {
    }
}
