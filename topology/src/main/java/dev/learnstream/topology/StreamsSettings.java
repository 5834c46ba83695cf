package dev.learnstream.topology;

import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicProvisioner;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration LearnStream runs with; callers' settings win. */
public final class StreamsSettings {

    /** What Kafka Streams gives its producers under exactly-once unless told otherwise. */
    private static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;

    private StreamsSettings() {
    }

    /**
     * Under exactly-once a commit ends a transaction, and a transaction open longer than the
     * producer's {@code transaction.timeout.ms} (10 s by default) is aborted by the broker: a
     * commit interval near 10 s or above (e.g. for a replay, where a longer interval lets the
     * record cache merge more writes) would fail transactions. Unless set explicitly, the timeout
     * grows to the commit interval plus 30 s once the interval passes half the default.
     */
    private static void longerTransactionsForLongerCommits(Properties props) {
        final String timeout = ProducerConfig.TRANSACTION_TIMEOUT_CONFIG;
        if (props.containsKey(timeout) || props.containsKey(StreamsConfig.producerPrefix(timeout))) {
            return;
        }
        final Object commit = props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        final long commitMs;
        try {
            commitMs = commit == null ? 0 : Long.parseLong(commit.toString().trim());
        } catch (NumberFormatException e) {
            return; // StreamsConfig names the bad setting when the application is built.
        }
        if (2 * commitMs > DEFAULT_TRANSACTION_TIMEOUT_MS) {
            props.put(StreamsConfig.producerPrefix(timeout), (int) Math.min(Integer.MAX_VALUE, commitMs + 30_000));
        }
    }

    /**
     * A whole-number setting of ours among Kafka Streams' configs (a number, or its text), or
     * {@code fallback} when absent; fails naming the setting and the {@code unit} it counts.
     */
    static long number(Map<String, Object> configs, String name, long fallback, String unit) {
        final Object value = configs.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return value instanceof Number number ? number.longValue() : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number of " + unit + ", got '" + value + "'");
        }
    }

    public static Properties properties(String applicationId, String bootstrapServers, TopologySettings settings,
                                        Map<String, ?> overrides) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Everything unforeseen is dead-lettered with its source bytes inside the transaction (KIP-1034).
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class.getName());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class.getName());
        // The course catalog is a global store: a bad record there is dead-lettered too, not fatal.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Kafka Streams' partition assignor reads the main consumer's configs as a StreamsConfig of
        // its own and, without this, warns at every start that the handler is not enabled.
        props.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        props.put(DeadLetterExceptionHandler.INPUT_TOPICS_CONFIG, EventTopic.inputs().stream()
                .map(settings.topics()::name).collect(Collectors.joining(",")));
        // A renamed store or internal topic silently loses state: refuse generated names.
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // Changelogs and repartitions inherit the event's timestamp, which the rules allow ahead of
        // the broker's clock: a broker refusing it would stop the application (see TopicProvisioner).
        TopicProvisioner.ANY_TIMESTAMP.forEach((name, value) -> props.put(StreamsConfig.topicPrefix(name), value));
        // All stores of the process read through one block cache, however many partitions it hosts,
        // and keep small memtables (see RocksDbMemory).
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbMemory.class);
        props.put(RocksDbMemory.CACHE_BYTES_CONFIG, RocksDbMemory.DEFAULT_CACHE_BYTES);
        props.put(RocksDbMemory.MEMTABLE_BYTES_CONFIG, RocksDbMemory.DEFAULT_MEMTABLE_BYTES);
        props.put(DecodedStore.ENTRIES_CONFIG, DecodedStore.DEFAULT_ENTRIES);
        props.putAll(overrides);
        longerTransactionsForLongerCommits(props);
        // Checked now, not when the first store opens on a stream thread.
        final Map<String, Object> all = new java.util.HashMap<>();
        props.forEach((key, value) -> all.put(key.toString(), value));
        RocksDbMemory.cacheBytes(all);
        RocksDbMemory.memtableBytes(all);
        DecodedStore.entries(all);
        WindowedMetricsProcessor.learnerPartitions(all);
        return props;
    }
}
