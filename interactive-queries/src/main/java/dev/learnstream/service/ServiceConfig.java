package dev.learnstream.service;

import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topology.DecodedStore;
import dev.learnstream.topology.RocksDbMemory;
import dev.learnstream.topology.EnvironmentSettings;
import dev.learnstream.topology.NamedSettings;
import dev.learnstream.topology.StreamsSettings;
import dev.learnstream.topology.TopologySettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The service's configuration: environment variables, over an optional properties file
 * ({@code LEARNSTREAM_CONFIG_FILE}, same names). Every {@code KAFKA_*} variable becomes a Kafka
 * property ({@code KAFKA_NUM_STREAM_THREADS} → {@code num.stream.threads}). Anything invalid fails
 * at start-up with a message naming the setting.
 *
 * @param kafka           Kafka Streams properties, including application.server
 * @param serdeConfig     Avro serde settings (registry URL and credentials)
 * @param httpHost        interface the API listens on
 * @param httpPort        API port (0 = any free port, resolved at start)
 * @param advertisedHost  host other instances use to reach this one
 * @param apiKeys         who may call the API
 * @param forwardTimeout  how long a forwarded query may take before the standby is asked
 * @param topology        topology settings (LEARNSTREAM_* of {@link EnvironmentSettings})
 * @param topics          which missing topics to create at start-up, and how
 */
public record ServiceConfig(Map<String, Object> kafka, Map<String, Object> serdeConfig, String httpHost, int httpPort,
                            String advertisedHost, ApiKeys apiKeys, Duration forwardTimeout,
                            TopologySettings topology, TopicCreation topics) {

    /**
     * Whether the service creates the topics it needs that do not exist yet (input topics, DLQs,
     * compacted result topics), and with how many partitions and replicas. Existing topics are
     * left as they are.
     */
    public record TopicCreation(boolean enabled, int partitions, short replication) {
    }

    public static final String CONFIG_FILE = "LEARNSTREAM_CONFIG_FILE";

    /** Reads the configuration; @throws IllegalArgumentException naming the bad setting. */
    public static ServiceConfig from(Map<String, String> environment) {
        return fromSettings(NamedSettings.environmentOverFile(environment, CONFIG_FILE));
    }

    static ServiceConfig fromSettings(Map<String, String> settings) {
        final NamedSettings named = new NamedSettings(settings);
        final String bootstrap = named.required("KAFKA_BOOTSTRAP_SERVERS");
        final String registry = named.required("SCHEMA_REGISTRY_URL");
        final Map<String, Object> serdeOverrides = new HashMap<>();
        if (settings.containsKey("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")) {
            serdeOverrides.put("basic.auth.credentials.source", "USER_INFO");
            serdeOverrides.put("basic.auth.user.info", settings.get("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"));
        }
        final Map<String, Object> serdeConfig = EventSerdes.config(registry, serdeOverrides);
        final TopologySettings topology = EnvironmentSettings.read(TopicNames.defaults(), serdeConfig, settings);

        final String httpHost = named.text("LEARNSTREAM_HTTP_HOST", "0.0.0.0");
        final int httpPort = named.integer("LEARNSTREAM_HTTP_PORT", 8080, 0, 65535);
        final String advertisedHost = named.text("LEARNSTREAM_ADVERTISED_HOST", localHostName());
        final String applicationId = named.text("LEARNSTREAM_APPLICATION_ID", "learnstream");
        final String stateDir = named.text("LEARNSTREAM_STATE_DIR", Path.of("state").toAbsolutePath().toString());
        final int standbys = named.integer("LEARNSTREAM_STANDBY_REPLICAS", 1, 0, 10);
        final Duration forwardTimeout = named.duration("LEARNSTREAM_FORWARD_TIMEOUT", Duration.ofSeconds(2));
        if (forwardTimeout.isNegative() || forwardTimeout.isZero()) {
            throw new IllegalArgumentException("LEARNSTREAM_FORWARD_TIMEOUT must be positive, got " + forwardTimeout);
        }
        final String keys = named.required("LEARNSTREAM_API_KEYS");
        final ApiKeys apiKeys = ApiKeys.parse("LEARNSTREAM_API_KEYS", keys);

        final int rocksDbMib = named.integer("LEARNSTREAM_ROCKSDB_CACHE_MIB",
                (int) (RocksDbMemory.DEFAULT_CACHE_BYTES >> 20), (int) (RocksDbMemory.MIN_CACHE_BYTES >> 20), 1 << 20);
        final int memtableMib = named.integer("LEARNSTREAM_ROCKSDB_MEMTABLE_MIB",
                (int) (RocksDbMemory.DEFAULT_MEMTABLE_BYTES >> 20), (int) (RocksDbMemory.MIN_MEMTABLE_BYTES >> 20), 1024);

        final int decodedEntries = named.integer("LEARNSTREAM_DECODED_ENTRIES", DecodedStore.DEFAULT_ENTRIES, 1,
                Integer.MAX_VALUE);

        final Map<String, Object> kafka = new LinkedHashMap<>();
        kafka.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        kafka.put(RocksDbMemory.CACHE_BYTES_CONFIG, (long) rocksDbMib << 20);
        kafka.put(RocksDbMemory.MEMTABLE_BYTES_CONFIG, (long) memtableMib << 20);
        kafka.put(DecodedStore.ENTRIES_CONFIG, decodedEntries);
        // Standbys let a surviving instance answer for a dead one at once, flagged as stale.
        kafka.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbys);
        settings.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !name.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                kafka.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        final Properties props = StreamsSettings.properties(applicationId, bootstrap, topology, kafka);
        try {
            new StreamsConfig(props);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("Kafka setting (KAFKA_*): " + e.getMessage(), e);
        }
        final Map<String, Object> all = new LinkedHashMap<>();
        props.forEach((key, value) -> all.put(key.toString(), value));
        final TopicCreation topics = new TopicCreation(named.flag("LEARNSTREAM_CREATE_TOPICS", true),
                named.integer("LEARNSTREAM_TOPIC_PARTITIONS", 2, 1, 10_000),
                (short) named.integer("LEARNSTREAM_TOPIC_REPLICATION", 1, 1, Short.MAX_VALUE));
        return new ServiceConfig(all, serdeConfig, httpHost, httpPort, advertisedHost, apiKeys, forwardTimeout, topology,
                topics);
    }

    /** Kafka Streams properties with application.server set to this instance's advertised API address. */
    public Properties streamsProperties(int actualHttpPort) {
        final Properties props = new Properties();
        props.putAll(kafka);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHost + ":" + actualHttpPort);
        return props;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
