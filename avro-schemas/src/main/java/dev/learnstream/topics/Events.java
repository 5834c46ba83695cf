package dev.learnstream.topics;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Reads the envelope fields every input event carries (eventId, userId, occurredAt,
 * correlationId) from any generated record, since Avro has no common supertype for them.
 */
public final class Events {

    public static final String EVENT_ID = "eventId";
    public static final String USER_ID = "userId";
    public static final String OCCURRED_AT = "occurredAt";

    private Events() {
    }

    /** The event id as text (generated records hold a UUID, generic ones a string). */
    public static String eventId(IndexedRecord record) {
        final Object value = field(record, EVENT_ID);
        return value == null ? null : value.toString();
    }

    public static String userId(IndexedRecord record) {
        final Object value = field(record, USER_ID);
        return value == null ? null : value.toString();
    }

    public static Instant occurredAt(IndexedRecord record) {
        final Object value = field(record, OCCURRED_AT);
        return value instanceof Long millis ? Instant.ofEpochMilli(millis) : (Instant) value;
    }

    /** The optional correlation id, null when absent or when the type has none. */
    public static String correlationId(IndexedRecord record) {
        final Schema.Field field = record.getSchema().getField("correlationId");
        final Object value = field == null ? null : record.get(field.pos());
        return value == null ? null : value.toString();
    }

    private static Object field(IndexedRecord record, String name) {
        final Schema.Field field = record.getSchema().getField(name);
        if (field == null) {
            throw new IllegalArgumentException(record.getSchema().getFullName() + " has no field " + name);
        }
        return record.get(field.pos());
    }
}
