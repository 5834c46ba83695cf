package dev.learnstream.sink;

import dev.learnstream.topology.NamedSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The sink's configuration, from environment variables over an optional properties file with the
 * same names ({@code LEARNSTREAM_CONFIG_FILE}); {@code KAFKA_*} become client properties, as for
 * the service. Anything invalid fails at start-up naming the setting.
 *
 * @param bootstrapServers  Kafka bootstrap servers ({@code KAFKA_BOOTSTRAP_SERVERS})
 * @param registryUrl       Schema Registry URL ({@code SCHEMA_REGISTRY_URL})
 * @param jdbcUrl           PostgreSQL JDBC URL ({@code LEARNSTREAM_SINK_JDBC_URL})
 * @param jdbcUser          user, if not in the URL ({@code LEARNSTREAM_SINK_JDBC_USER})
 * @param jdbcPassword      password ({@code LEARNSTREAM_SINK_JDBC_PASSWORD})
 * @param groupId           consumer group, also the key of the stored offsets ({@code LEARNSTREAM_SINK_GROUP_ID})
 * @param topics            result topics to materialize ({@code LEARNSTREAM_SINK_TOPICS}, default all)
 * @param maxBatchRecords   records per poll ({@code LEARNSTREAM_SINK_MAX_BATCH_RECORDS})
 * @param writers           database connections writing a poll in parallel, each partition always on the same one
 *                          ({@code LEARNSTREAM_SINK_WRITERS})
 * @param firstBackoff      first retry delay after a transient database error ({@code LEARNSTREAM_SINK_RETRY_BACKOFF})
 * @param maxBackoff        longest retry delay; the delay doubles up to it ({@code LEARNSTREAM_SINK_RETRY_MAX_BACKOFF})
 * @param httpHost          interface of the metrics and health endpoint ({@code LEARNSTREAM_SINK_HTTP_HOST})
 * @param httpPort          its port, 0 for none ({@code LEARNSTREAM_SINK_HTTP_PORT})
 * @param kafka             extra consumer and producer properties from {@code KAFKA_*}
 */
public record SinkConfig(String bootstrapServers, String registryUrl, String jdbcUrl, String jdbcUser,
                         String jdbcPassword, String groupId, List<String> topics, int maxBatchRecords, int writers,
                         Duration firstBackoff, Duration maxBackoff, String httpHost, int httpPort,
                         Map<String, Object> kafka) {

    public static final String JDBC_URL = "LEARNSTREAM_SINK_JDBC_URL";

    public SinkConfig {
        topics = List.copyOf(topics);
        kafka = Map.copyOf(kafka);
    }

    /** From the environment (and the file it may name); @throws IllegalArgumentException naming the bad setting */
    public static SinkConfig fromEnvironment(Map<String, String> environment) {
        return from(NamedSettings.environmentOverFile(environment, "LEARNSTREAM_CONFIG_FILE"));
    }

    /** @throws IllegalArgumentException naming the bad setting */
    public static SinkConfig from(Map<String, String> settings) {
        final NamedSettings named = new NamedSettings(settings);
        final String bootstrap = named.required("KAFKA_BOOTSTRAP_SERVERS");
        final String registry = named.required("SCHEMA_REGISTRY_URL");
        final String jdbcUrl = named.required(JDBC_URL);
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(JDBC_URL + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got '"
                    + jdbcUrl + "'");
        }
        final String group = named.text("LEARNSTREAM_SINK_GROUP_ID", "learnstream-sink");
        final List<String> topics = topics(named.text("LEARNSTREAM_SINK_TOPICS", null));
        final int maxBatch = named.integer("LEARNSTREAM_SINK_MAX_BATCH_RECORDS", 50_000, 1, 1_000_000);
        final int writers = named.integer("LEARNSTREAM_SINK_WRITERS", 2, 1, 32);
        final Duration first = positive("LEARNSTREAM_SINK_RETRY_BACKOFF",
                named.duration("LEARNSTREAM_SINK_RETRY_BACKOFF", Duration.ofSeconds(1)));
        final Duration max = positive("LEARNSTREAM_SINK_RETRY_MAX_BACKOFF",
                named.duration("LEARNSTREAM_SINK_RETRY_MAX_BACKOFF", Duration.ofSeconds(30)));
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("LEARNSTREAM_SINK_RETRY_MAX_BACKOFF (" + max
                    + ") must not be shorter than LEARNSTREAM_SINK_RETRY_BACKOFF (" + first + ")");
        }
        final String httpHost = named.text("LEARNSTREAM_SINK_HTTP_HOST", "0.0.0.0");
        final int httpPort = named.integer("LEARNSTREAM_SINK_HTTP_PORT", 9404, 0, 65535);
        final Map<String, Object> kafka = new LinkedHashMap<>();
        settings.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !name.equals("KAFKA_BOOTSTRAP_SERVERS") && value != null && !value.isBlank()) {
                kafka.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return new SinkConfig(bootstrap, registry, jdbcUrl, named.text("LEARNSTREAM_SINK_JDBC_USER", null),
                named.text("LEARNSTREAM_SINK_JDBC_PASSWORD", null), group, topics, maxBatch, writers, first, max, httpHost,
                httpPort, kafka);
    }

    /** Settings for running beside an embedded stack (dev mode, tests). */
    public static SinkConfig local(String bootstrapServers, String registryUrl, String jdbcUrl) {
        return new SinkConfig(bootstrapServers, registryUrl, jdbcUrl, null, null, "learnstream-sink",
                allTopics(), 50_000, 2, Duration.ofSeconds(1), Duration.ofSeconds(30), "127.0.0.1", 0, Map.of());
    }

    public SinkConfig withGroup(String group) {
        return new SinkConfig(bootstrapServers, registryUrl, jdbcUrl, jdbcUser, jdbcPassword, group, topics,
                maxBatchRecords, writers, firstBackoff, maxBackoff, httpHost, httpPort, kafka);
    }

    public SinkConfig withBackoff(Duration first, Duration max) {
        return new SinkConfig(bootstrapServers, registryUrl, jdbcUrl, jdbcUser, jdbcPassword, groupId, topics,
                maxBatchRecords, writers, first, max, httpHost, httpPort, kafka);
    }

    public SinkConfig withWriters(int count) {
        return new SinkConfig(bootstrapServers, registryUrl, jdbcUrl, jdbcUser, jdbcPassword, groupId, topics,
                maxBatchRecords, count, firstBackoff, maxBackoff, httpHost, httpPort, kafka);
    }

    public SinkConfig withTopics(List<String> chosen) {
        return new SinkConfig(bootstrapServers, registryUrl, jdbcUrl, jdbcUser, jdbcPassword, groupId, chosen,
                maxBatchRecords, writers, firstBackoff, maxBackoff, httpHost, httpPort, kafka);
    }

    public SinkConfig withMaxBatchRecords(int records) {
        return new SinkConfig(bootstrapServers, registryUrl, jdbcUrl, jdbcUser, jdbcPassword, groupId, topics,
                records, writers, firstBackoff, maxBackoff, httpHost, httpPort, kafka);
    }

    /** The topics of every table. */
    public static List<String> allTopics() {
        return SinkTables.all().stream().map(TableMapping::topic).toList();
    }

    private static List<String> topics(String text) {
        if (text == null) {
            return allTopics();
        }
        final Set<String> known = Set.copyOf(allTopics());
        final List<String> chosen = new ArrayList<>();
        for (final String topic : Arrays.stream(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList()) {
            if (!known.contains(topic)) {
                throw new IllegalArgumentException("LEARNSTREAM_SINK_TOPICS: '" + topic + "' is not a result topic the sink "
                        + "knows; known: " + known.stream().sorted().collect(Collectors.joining(", ")));
            }
            chosen.add(topic);
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("LEARNSTREAM_SINK_TOPICS names no topic");
        }
        return chosen;
    }

    private static Duration positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }
}
