package dev.learnstream.sink;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes batches into PostgreSQL, each as one transaction holding the rows and the next offsets
 * of the partitions it came from. The offsets double as a fence: a batch commits only if the
 * stored offsets are still those it started from, so a sink instance that lost its partitions
 * (a zombie after a long pause) cannot overwrite newer rows with older ones.
 */
final class SinkWriter implements AutoCloseable {

    /** Another writer advanced a partition since this one read it: the batch must be dropped and re-read. */
    static final class FencedException extends RuntimeException {
        FencedException(String message) {
            super(message);
        }
    }

    /** A COPY into a staging table failed; the cause is PostgreSQL's error. */
    static final class CopyFailedException extends RuntimeException {
        CopyFailedException(String message, SQLException cause) {
            super(message, cause);
        }
    }

    /** What a committed batch did, per table. */
    record Written(Map<String, Integer> upserts, Map<String, Integer> deletes, List<DeadLetter> rejected) {
    }

    private final Jdbi jdbi;
    private final String group;
    private Handle handle;
    /** The connection's server has MERGE (PostgreSQL 15+): batches are staged and merged. */
    private boolean merging;
    /** Tables whose staging table exists on the current connection; emptied when a connection is opened. */
    private final Set<String> staged = new HashSet<>();

    SinkWriter(Jdbi jdbi, String group) {
        this.jdbi = jdbi;
        this.group = group;
        jdbi.registerArrayType(String.class, "text");
        jdbi.registerArrayType(Integer.class, "int4");
        jdbi.registerArrayType(Long.class, "int8");
        jdbi.registerArrayType(Double.class, "float8");
        jdbi.registerArrayType(Boolean.class, "bool");
    }

    /** One connection, kept across batches; dropped after any failure so the next attempt reconnects. */
    private Handle handle() {
        if (handle == null) {
            final Handle opened = jdbi.open();
            try {
                merging = opened.getConnection().getMetaData().getDatabaseMajorVersion() >= 15;
                if (merging) {
                    // Staging tables live in the session's local buffers: room for a large batch
                    // without spilling to disk (the default is 8 MB).
                    opened.execute("SET temp_buffers = '64MB'");
                    // Each staged row finds its target row through the primary key. Without
                    // statistics of the staging table the planner may otherwise hash or sort the
                    // whole target table: a cost that grows with the table, not with the batch.
                    opened.execute("SET enable_hashjoin = off");
                    opened.execute("SET enable_mergejoin = off");
                }
            } catch (SQLException | RuntimeException e) {
                opened.close();
                throw e instanceof RuntimeException runtime ? runtime
                        : new org.jdbi.v3.core.ConnectionException((SQLException) e);
            }
            handle = opened;
            staged.clear();
        }
        return handle;
    }

    /** Creates the staging tables this batch needs, outside its transaction so that they outlive a rollback. */
    private void stage(Handle h, Batch batch) {
        for (final Batch.TableChanges changes : batch.tables()) {
            final TableMapping<?> mapping = changes.mapping;
            if (!staged.contains(mapping.table())) {
                h.execute(mapping.stagingDdl());
                staged.add(mapping.table());
            }
        }
    }

    private void dropConnection() {
        if (handle != null) {
            try {
                handle.close();
            } catch (RuntimeException ignored) {
                // The connection is broken anyway; a new one is opened on the next attempt.
            }
            handle = null;
        }
    }

    /** Stored next offsets of this writer's group for the given partitions (absent: never written). */
    Map<TopicPartition, Long> storedOffsets(Collection<TopicPartition> partitions) {
        try {
            final Map<TopicPartition, Long> stored = new HashMap<>();
            handle().createQuery("SELECT topic, partition, next_offset FROM sink_offsets WHERE consumer_group = ?")
                    .bind(0, group)
                    .map((rs, ctx) -> Map.entry(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3)))
                    .forEach(entry -> {
                        if (partitions.contains(entry.getKey())) {
                            stored.put(entry.getKey(), entry.getValue());
                        }
                    });
            return stored;
        } catch (RuntimeException e) {
            dropConnection();
            throw e;
        }
    }

    /**
     * Writes the batch in one transaction. {@code expected} holds, for every partition of the
     * batch, the stored offset this writer last saw (null: none stored). {@code beforeCommit}
     * receives the records rejected by PostgreSQL, and runs inside the transaction, so that they
     * are safely elsewhere (the sink's dead-letter topic) before their offsets are committed.
     *
     * @param isolate write row by row with savepoints, to find the rows PostgreSQL rejects
     * @throws FencedException when the stored offsets moved since {@code expected}
     */
    Written write(Batch batch, Map<TopicPartition, Long> expected, boolean isolate, Consumer<List<DeadLetter>> beforeCommit) {
        try {
            final Handle connection = handle();
            final boolean staging = merging && !isolate;
            if (staging) {
                stage(connection, batch);
            }
            return connection.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
                checkFence(h, batch, expected);
                final Map<String, Integer> upserts = new LinkedHashMap<>();
                final Map<String, Integer> deletes = new LinkedHashMap<>();
                final List<DeadLetter> rejected = new ArrayList<>();
                for (final Batch.TableChanges changes : batch.tables()) {
                    final List<Batch.Change> toDelete = changes.deletes();
                    final List<Batch.Change> toUpsert = sortedByKey(changes.upserts());
                    if (isolate) {
                        rejected.addAll(writeIsolated(h, changes.mapping, toDelete, toUpsert));
                    } else {
                        delete(h, changes.mapping, toDelete);
                        if (staging) {
                            merge(h, changes.mapping, toUpsert);
                        } else {
                            upsert(h, changes.mapping, toUpsert);
                        }
                    }
                    deletes.put(changes.mapping.table(), toDelete.size());
                    upserts.put(changes.mapping.table(), toUpsert.size());
                }
                storeOffsets(h, batch.nextOffsets());
                beforeCommit.accept(rejected);
                return new Written(upserts, deletes, rejected);
            });
        } catch (RuntimeException e) {
            dropConnection();
            throw e;
        }
    }

    /** In key order, so consecutive index insertions land on neighbouring B-tree pages. */
    private static List<Batch.Change> sortedByKey(List<Batch.Change> changes) {
        final List<Batch.Change> sorted = new ArrayList<>(changes);
        sorted.sort(java.util.Comparator.comparing(Batch.Change::recordKey));
        return sorted;
    }

    private void checkFence(Handle h, Batch batch, Map<TopicPartition, Long> expected) {
        final List<TopicPartition> partitions = new ArrayList<>(batch.nextOffsets().keySet());
        final String[] topics = partitions.stream().map(TopicPartition::topic).toArray(String[]::new);
        final Integer[] numbers = partitions.stream().map(TopicPartition::partition).toArray(Integer[]::new);
        // FOR UPDATE: a concurrent writer of the same partitions waits here until this one is done.
        final Map<TopicPartition, Long> stored = new HashMap<>();
        h.createQuery("SELECT o.topic, o.partition, o.next_offset FROM sink_offsets o "
                        + "JOIN UNNEST(CAST(? AS text[]), CAST(? AS int4[])) AS p(topic, partition) "
                        + "ON o.topic = p.topic AND o.partition = p.partition WHERE o.consumer_group = ? FOR UPDATE OF o")
                .bindArray(0, String.class, (Object[]) topics)
                .bindArray(1, Integer.class, (Object[]) numbers)
                .bind(2, group)
                .map((rs, ctx) -> Map.entry(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3)))
                .forEach(entry -> stored.put(entry.getKey(), entry.getValue()));
        for (final TopicPartition partition : partitions) {
            final Long mine = expected.get(partition);
            final Long theirs = stored.get(partition);
            if (mine == null ? theirs != null : !mine.equals(theirs)) {
                throw new FencedException("offset of " + partition + " in sink_offsets is " + theirs
                        + ", this sink expected " + mine + ": another sink instance wrote it");
            }
        }
    }

    private static void delete(Handle h, TableMapping<?> mapping, List<Batch.Change> changes) {
        execute(h, mapping.deleteSql(), mapping.keyColumns(), changes, Batch.Change::key);
    }

    private static void upsert(Handle h, TableMapping<?> mapping, List<Batch.Change> changes) {
        execute(h, mapping.upsertSql(), mapping.columns(), changes, Batch.Change::row);
    }

    /** A binary COPY of the changes into the table's staging table, then one MERGE into the table. */
    private static void merge(Handle h, TableMapping<?> mapping, List<Batch.Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try {
            final CopyManager copies = h.getConnection().unwrap(PGConnection.class).getCopyAPI();
            BinaryCopy.copy(copies.copyIn(mapping.copySql()), mapping.columns(),
                    changes.stream().map(Batch.Change::row).toList());
        } catch (SQLException e) {
            // Unchecked, with the SQLException as cause: DatabaseErrors sorts it by its SQLState.
            throw new CopyFailedException("COPY into " + mapping.stagingTable() + " failed: " + e.getMessage(), e);
        }
        h.createUpdate(mapping.mergeSql()).execute();
    }

    /** One statement for all the changes: column c of every change's values, bound as the c-th array. */
    private static void execute(Handle h, String sql, List<Column> columns, List<Batch.Change> changes,
                                java.util.function.Function<Batch.Change, Object[]> values) {
        if (changes.isEmpty()) {
            return;
        }
        final Update update = h.createUpdate(sql);
        for (int c = 0; c < columns.size(); c++) {
            final Object[] column = (Object[]) java.lang.reflect.Array.newInstance(columns.get(c).type().elementClass(),
                    changes.size());
            for (int i = 0; i < column.length; i++) {
                column[i] = values.apply(changes.get(i))[c];
            }
            update.bind(c, (org.jdbi.v3.core.argument.Argument) (position, statement, context) ->
                    statement.setObject(position, column));
        }
        update.execute();
    }

    /** Row by row, each behind a savepoint, so a row PostgreSQL rejects is set aside and the rest commit. */
    private static List<DeadLetter> writeIsolated(Handle h, TableMapping<?> mapping, List<Batch.Change> toDelete,
                                                  List<Batch.Change> toUpsert) {
        final List<DeadLetter> rejected = new ArrayList<>();
        for (final Batch.Change change : toDelete) {
            savepointed(h, () -> delete(h, mapping, List.of(change)), change, rejected);
        }
        for (final Batch.Change change : toUpsert) {
            savepointed(h, () -> upsert(h, mapping, List.of(change)), change, rejected);
        }
        return rejected;
    }

    private static void savepointed(Handle h, Runnable write, Batch.Change change, List<DeadLetter> rejected) {
        h.execute("SAVEPOINT sink_row");
        try {
            write.run();
            h.execute("RELEASE SAVEPOINT sink_row");
        } catch (RuntimeException e) {
            if (!DatabaseErrors.rowAtFault(e)) {
                throw e;
            }
            h.execute("ROLLBACK TO SAVEPOINT sink_row");
            rejected.add(new DeadLetter(change.source(), "write", e));
        }
    }

    private void storeOffsets(Handle h, Map<TopicPartition, Long> next) {
        final List<TopicPartition> partitions = new ArrayList<>(next.keySet());
        h.createUpdate("INSERT INTO sink_offsets (consumer_group, topic, partition, next_offset, updated_at) "
                        + "SELECT ?, p.topic, p.partition, p.next_offset, now() "
                        + "FROM UNNEST(CAST(? AS text[]), CAST(? AS int4[]), CAST(? AS int8[])) AS p(topic, partition, next_offset) "
                        + "ON CONFLICT (consumer_group, topic, partition) "
                        + "DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at")
                .bind(0, group)
                .bindArray(1, String.class, partitions.stream().map(TopicPartition::topic).toArray())
                .bindArray(2, Integer.class, partitions.stream().map(TopicPartition::partition).toArray())
                .bindArray(3, Long.class, partitions.stream().map(next::get).toArray())
                .execute();
    }

    /**
     * Forgets this group's offsets and empties the result tables, in one transaction, so the
     * next start replays every result topic from the beginning into empty tables.
     */
    void reset(Collection<TableMapping<?>> mappings) {
        try {
            handle().useTransaction(h -> {
                h.createUpdate("DELETE FROM sink_offsets WHERE consumer_group = ?").bind(0, group).execute();
                for (final TableMapping<?> mapping : mappings) {
                    h.execute("TRUNCATE " + mapping.table());
                }
            });
        } catch (RuntimeException e) {
            dropConnection();
            throw e;
        }
    }

    @Override
    public void close() {
        dropConnection();
    }
}
