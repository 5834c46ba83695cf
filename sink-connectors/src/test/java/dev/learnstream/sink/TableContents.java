package dev.learnstream.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.jdbi.v3.core.Handle;

/**
 * A table's contents as comparable values, read two independent ways: from PostgreSQL, and from
 * the final state of its result topic (last value per key, tombstones removing the key).
 */
final class TableContents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TableContents() {
    }

    /** Rows by key (key column values joined by '|'), each row as a list of normalized values. */
    static Map<String, List<Object>> fromTable(Handle handle, TableMapping<?> mapping) {
        final String select = mapping.columns().stream().map(c -> switch (c.type()) {
            case TIMESTAMP -> "(extract(epoch FROM " + c.name() + ") * 1000)::bigint";
            case JSON -> c.name() + "::text";
            default -> c.name();
        }).collect(Collectors.joining(", "));
        final int keys = mapping.keyColumns().size();
        final List<Column> columns = mapping.columns();
        final Map<String, List<Object>> rows = new TreeMap<>();
        handle.createQuery("SELECT " + select + " FROM " + mapping.table()).map((rs, ctx) -> row(rs, columns))
                .forEach(row -> rows.put(key(row.subList(0, keys)), row));
        return rows;
    }

    private static List<Object> row(ResultSet rs, List<Column> columns) throws SQLException {
        final List<Object> row = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            final Object value = rs.getObject(i + 1);
            row.add(normalize(columns.get(i), value));
        }
        return row;
    }

    /** The final state of each mapping's topic, read from the beginning to the current end (read_committed). */
    static Map<String, Map<String, List<Object>>> fromTopics(String bootstrap, String registryUrl,
                                                             List<TableMapping<?>> mappings) {
        final Deserializer<SpecificRecord> values = dev.learnstream.topics.EventSerdes.values(
                dev.learnstream.topics.EventSerdes.config(registryUrl, Map.of())).deserializer();
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final Map<String, Map<String, List<Object>>> tables = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final TableMapping<?> mapping : mappings) {
                consumer.partitionsFor(mapping.topic()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                tables.put(mapping.table(), new TreeMap<>());
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            final Map<String, TableMapping<?>> byTopic = SinkTables.byTopic(mappings);
            final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the result topics to their end within 2 minutes");
                }
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    final TableMapping<?> mapping = byTopic.get(record.topic());
                    final Map<String, List<Object>> table = tables.get(mapping.table());
                    final Object[] key = mapping.key(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8));
                    final List<Object> keyValues = new ArrayList<>();
                    for (int i = 0; i < key.length; i++) {
                        keyValues.add(normalize(mapping.keyColumns().get(i), key[i]));
                    }
                    if (record.value() == null) {
                        table.remove(key(keyValues));
                        continue;
                    }
                    final List<Object> row = new ArrayList<>(keyValues);
                    final Object[] columns = mapping.row(values.deserialize(record.topic(), record.value()));
                    for (int i = 0; i < columns.length; i++) {
                        row.add(normalize(mapping.valueColumns().get(i), columns[i]));
                    }
                    table.put(key(keyValues), row);
                }
            }
        }
        return tables;
    }

    private static Object normalize(Column column, Object value) {
        if (value == null) {
            return null;
        }
        return switch (column.type()) {
            case JSON -> {
                try {
                    yield JSON.readTree(value.toString());
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("not JSON in " + column.name() + ": " + value, e);
                }
            }
            case TIMESTAMP, BIGINT -> ((Number) value).longValue();
            case INTEGER -> ((Number) value).intValue();
            case DOUBLE -> ((Number) value).doubleValue();
            default -> value;
        };
    }

    private static String key(List<Object> keyValues) {
        return keyValues.stream().map(String::valueOf).collect(Collectors.joining("|"));
    }

    static String describe(Map<String, List<Object>> rows) {
        return rows.size() + " rows" + (rows.isEmpty() ? "" : ", e.g. " + rows.values().iterator().next());
    }

}
