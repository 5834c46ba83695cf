package dev.learnstream.sink;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;

/**
 * How one result topic becomes one table: the record key, split at the topology's separator,
 * gives the primary-key columns (so a tombstone, which has only a key, deletes its row); the Avro
 * value gives the other columns. Writes are set-based: per batch, a binary COPY into a staging
 * table and one {@code MERGE} from it (or, row by row and before PostgreSQL 15, one
 * {@code INSERT … SELECT … FROM UNNEST … ON CONFLICT} with one array per column), and one
 * {@code DELETE} for the batch's tombstones.
 *
 * @param keyParts turns the key's parts into key column values; throws {@link UnwritableRecordException}
 * @param values   turns a value into the value column values, in {@code valueColumns} order
 */
record TableMapping<V extends SpecificRecord>(String topic, String table, Class<V> valueClass,
                                              List<Column> keyColumns, Function<String[], Object[]> keyParts,
                                              List<Column> valueColumns, Function<V, Object[]> values) {

    TableMapping {
        keyColumns = List.copyOf(keyColumns);
        valueColumns = List.copyOf(valueColumns);
    }

    /** Key column values of a record key; @throws UnwritableRecordException when the key does not fit. */
    Object[] key(String recordKey) {
        if (recordKey == null) {
            throw new UnwritableRecordException("record has no key; table " + table + " needs "
                    + names(keyColumns));
        }
        final String[] parts = dev.learnstream.topology.Keys.split(recordKey);
        if (parts.length != keyColumns.size()) {
            throw new UnwritableRecordException("key has " + parts.length + " part(s); table " + table + " needs "
                    + keyColumns.size() + " (" + names(keyColumns) + ")");
        }
        return keyParts.apply(parts);
    }

    /** Value column values; @throws UnwritableRecordException when the value cannot be stored. */
    Object[] row(SpecificRecord value) {
        if (!valueClass.isInstance(value)) {
            throw new UnwritableRecordException("value is a " + value.getSchema().getFullName() + "; table " + table
                    + " stores " + valueClass.getSimpleName());
        }
        try {
            return values.apply(valueClass.cast(value));
        } catch (RuntimeException e) {
            throw new UnwritableRecordException("value cannot be mapped to table " + table + ": " + e, e);
        }
    }

    List<Column> columns() {
        return Stream.concat(keyColumns.stream(), valueColumns.stream()).toList();
    }

    String upsertSql() {
        final List<Column> all = columns();
        final String names = names(all);
        final String selected = all.stream().map(c -> c.type().convert("u." + c.name())).collect(Collectors.joining(", "));
        final String arrays = all.stream().map(c -> "CAST(? AS " + c.type().arrayElement + "[])")
                .collect(Collectors.joining(", "));
        final String updates = valueColumns.stream().map(c -> c.name() + " = EXCLUDED." + c.name())
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + names + ") SELECT " + selected + " FROM UNNEST(" + arrays + ") AS u("
                + names + ") ON CONFLICT (" + names(keyColumns) + ") DO UPDATE SET " + updates;
    }

    /** What keeps the table's actual column types ({@code pg_type.typname} by column) from taking this mapping's rows. */
    List<String> typeProblems(java.util.Map<String, String> actual) {
        return columns().stream().<String>mapMulti((column, problems) -> {
            final String type = actual.get(column.name());
            if (type == null) {
                problems.accept(table + "." + column.name() + " is missing");
            } else if (!type.equals(column.type().pgType)) {
                problems.accept(table + "." + column.name() + " is " + type + ", the sink writes " + column.type().pgType);
            }
        }).toList();
    }

    /** The session's staging table of this table: same column types and collations, emptied at every commit. */
    String stagingTable() {
        return "sink_stage_" + table;
    }

    String stagingDdl() {
        return "CREATE TEMPORARY TABLE IF NOT EXISTS " + stagingTable() + " ON COMMIT DELETE ROWS AS SELECT "
                + names(columns()) + " FROM " + table + " WITH NO DATA";
    }

    String copySql() {
        return "COPY " + stagingTable() + " (" + names(columns()) + ") FROM STDIN (FORMAT binary)";
    }

    /** Upserts the staged rows: one primary-key lookup per row, then an update in place or an insert. */
    String mergeSql() {
        final List<Column> all = columns();
        final String on = keyColumns.stream().map(c -> "t." + c.name() + " = s." + c.name())
                .collect(Collectors.joining(" AND "));
        final String matched = valueColumns.isEmpty() ? "DO NOTHING" : "UPDATE SET " + valueColumns.stream()
                .map(c -> c.name() + " = s." + c.name()).collect(Collectors.joining(", "));
        return "MERGE INTO " + table + " AS t USING " + stagingTable() + " AS s ON " + on + " WHEN MATCHED THEN "
                + matched + " WHEN NOT MATCHED THEN INSERT (" + names(all) + ") VALUES ("
                + all.stream().map(c -> "s." + c.name()).collect(Collectors.joining(", ")) + ")";
    }

    String deleteSql() {
        final String arrays = keyColumns.stream().map(c -> "CAST(? AS " + c.type().arrayElement + "[])")
                .collect(Collectors.joining(", "));
        final String keys = names(keyColumns);
        final String converted = keyColumns.stream().map(c -> c.type().convert("d." + c.name()))
                .collect(Collectors.joining(", "));
        return "DELETE FROM " + table + " WHERE (" + keys + ") IN (SELECT " + converted + " FROM UNNEST(" + arrays
                + ") AS d(" + keys + "))";
    }

    private static String names(List<Column> columns) {
        return columns.stream().map(Column::name).collect(Collectors.joining(", "));
    }

    /** Key parts as they are, text columns only, or epoch millis for time columns (19-digit parts). */
    static Function<String[], Object[]> plainKey(List<Column> keyColumns) {
        return parts -> {
            final Object[] out = new Object[parts.length];
            for (int i = 0; i < parts.length; i++) {
                out[i] = keyPart(keyColumns.get(i), parts[i]);
            }
            return out;
        };
    }

    static Object keyPart(Column column, String part) {
        if (column.type() == SqlType.TIMESTAMP) {
            try {
                return Long.parseLong(part);
            } catch (NumberFormatException e) {
                throw new UnwritableRecordException("key part " + column.name() + " must be epoch milliseconds, got '"
                        + part + "'", e);
            }
        }
        return part;
    }

    static String lower(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase(Locale.ROOT);
    }
}
