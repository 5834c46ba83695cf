package dev.learnstream.sink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One poll's records, reduced to what the database must do: per table, the last state of each
 * key (an upsert, or a delete for a tombstone), the records that cannot be written, and the next
 * offset of every partition. Reducing by key keeps a batch's statements free of duplicate keys,
 * which {@code ON CONFLICT DO UPDATE} refuses within one statement.
 */
final class Batch {

    /** A table's pending changes: by record key, the full row (key then value columns) or a delete. */
    static final class TableChanges {
        final TableMapping<?> mapping;
        final Map<String, Change> byKey = new LinkedHashMap<>();

        TableChanges(TableMapping<?> mapping) {
            this.mapping = mapping;
        }

        /** Keeps only the key's latest change, an upsert or a delete. */
        void latest(Change change) {
            byKey.put(change.recordKey(), change);
        }

        List<Change> upserts() {
            return byKey.values().stream().filter(c -> c.row != null).toList();
        }

        List<Change> deletes() {
            return byKey.values().stream().filter(c -> c.row == null).toList();
        }
    }

    /**
     * @param recordKey the record key as text (the batch's dedup and sort key)
     * @param row       key then value column values; null for a delete
     */
    record Change(SinkRecord source, String recordKey, Object[] key, Object[] row) {
    }

    private final Map<String, TableChanges> tables = new LinkedHashMap<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
    private int records;
    private long newestTimestamp = Long.MIN_VALUE;

    /**
     * Adds a record: decoded and mapped, or kept as a dead letter. Records come in offset order per
     * partition. @throws RegistryUnavailableException when the record's schema cannot be fetched now
     */
    void add(SinkRecord record, TableMapping<?> mapping, Deserializer<SpecificRecord> values) {
        records++;
        final TopicPartition partition = record.topicPartition();
        nextOffsets.put(partition, record.offset() + 1);
        newestTimestamp = Math.max(newestTimestamp, record.timestamp());
        final TableChanges changes = tables.computeIfAbsent(mapping.table(), t -> new TableChanges(mapping));
        final String key = record.keyText();
        final Object[] keyValues;
        try {
            keyValues = mapping.key(key);
        } catch (UnwritableRecordException e) {
            deadLetters.add(new DeadLetter(record, "map", e));
            return;
        }
        if (record.value() == null) {
            changes.latest(new Change(record, key, keyValues, null));
            return;
        }
        final SpecificRecord value;
        try {
            value = values.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (registryUnavailable(e)) {
                throw new RegistryUnavailableException("cannot resolve the schema of " + record.topic() + "-"
                        + record.partition() + "@" + record.offset() + ": " + e.getMessage(), e);
            }
            deadLetters.add(new DeadLetter(record, "deserialize", e));
            return;
        }
        final Object[] valueColumns;
        try {
            valueColumns = mapping.row(value);
        } catch (UnwritableRecordException e) {
            deadLetters.add(new DeadLetter(record, "map", e));
            return;
        }
        final Object[] row = new Object[keyValues.length + valueColumns.length];
        System.arraycopy(keyValues, 0, row, 0, keyValues.length);
        System.arraycopy(valueColumns, 0, row, keyValues.length, valueColumns.length);
        changes.latest(new Change(record, key, keyValues, row));
    }

    /** A registry that is down or overloaded says nothing about the record; a 404 or a bad schema does. */
    private static boolean registryUnavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof dev.learnstream.avro.SchemaRegistryException registry) {
                final int status = registry.status();
                return status == 0 || status == 429 || status >= 500;
            }
        }
        return false;
    }

    Iterable<TableChanges> tables() {
        return tables.values();
    }

    List<DeadLetter> deadLetters() {
        return Collections.unmodifiableList(deadLetters);
    }

    Map<TopicPartition, Long> nextOffsets() {
        return Collections.unmodifiableMap(nextOffsets);
    }

    int records() {
        return records;
    }

    boolean isEmpty() {
        return records == 0;
    }

    /** Record timestamp of the newest record, or Long.MIN_VALUE for an empty batch. */
    long newestTimestamp() {
        return newestTimestamp;
    }
}
