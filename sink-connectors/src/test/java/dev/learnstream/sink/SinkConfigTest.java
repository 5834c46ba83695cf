package dev.learnstream.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

    private static Map<String, String> minimal() {
        final Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "broker:9092");
        env.put("SCHEMA_REGISTRY_URL", "http://registry:8081");
        env.put("LEARNSTREAM_SINK_JDBC_URL", "jdbc:postgresql://db:5432/learnstream");
        return env;
    }

    @Test
    void defaults() {
        final SinkConfig config = SinkConfig.from(minimal());
        assertThat(config.groupId()).isEqualTo("learnstream-sink");
        assertThat(config.topics()).hasSize(11);
        assertThat(config.firstBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.httpPort()).isEqualTo(9404);
        assertThat(config.kafka()).isEmpty();
    }

    @Test
    void kafkaVariablesBecomeClientProperties() {
        final Map<String, String> env = minimal();
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("LEARNSTREAM_SINK_TOPICS", "learnstream.memory-scores, learnstream.quiz-analytics");
        final SinkConfig config = SinkConfig.from(env);
        assertThat(config.kafka()).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
        assertThat(config.topics()).containsExactly("learnstream.memory-scores", "learnstream.quiz-analytics");
    }

    @Test
    void aPropertiesFileGivesSettingsTheEnvironmentOverrides(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        final java.nio.file.Path file = dir.resolve("sink.properties");
        java.nio.file.Files.writeString(file, "LEARNSTREAM_SINK_GROUP_ID=from-file\nLEARNSTREAM_SINK_WRITERS=4\n");
        final Map<String, String> env = minimal();
        env.put("LEARNSTREAM_CONFIG_FILE", file.toString());
        env.put("LEARNSTREAM_SINK_WRITERS", "3");
        final SinkConfig config = SinkConfig.fromEnvironment(env);
        assertThat(config.groupId()).isEqualTo("from-file");
        assertThat(config.writers()).isEqualTo(3);
        env.put("LEARNSTREAM_CONFIG_FILE", dir.resolve("missing.properties").toString());
        assertThatThrownBy(() -> SinkConfig.fromEnvironment(env)).hasMessageStartingWith("LEARNSTREAM_CONFIG_FILE: cannot read");
    }

    @Test
    void badSettingsFailNamingTheSetting() {
        assertThatThrownBy(() -> SinkConfig.from(Map.of())).hasMessage("KAFKA_BOOTSTRAP_SERVERS is required");
        final Map<String, String> env = minimal();
        env.put("LEARNSTREAM_SINK_JDBC_URL", "jdbc:mysql://db/learnstream");
        assertThatThrownBy(() -> SinkConfig.from(env)).hasMessageStartingWith("LEARNSTREAM_SINK_JDBC_URL must be a PostgreSQL JDBC URL");
        env.putAll(minimal());
        env.put("LEARNSTREAM_SINK_TOPICS", "learnstream.nope");
        assertThatThrownBy(() -> SinkConfig.from(env)).hasMessageStartingWith("LEARNSTREAM_SINK_TOPICS: 'learnstream.nope' is not a result topic");
        env.putAll(minimal());
        env.remove("LEARNSTREAM_SINK_TOPICS");
        env.put("LEARNSTREAM_SINK_RETRY_MAX_BACKOFF", "500ms");
        assertThatThrownBy(() -> SinkConfig.from(env)).hasMessageStartingWith("LEARNSTREAM_SINK_RETRY_MAX_BACKOFF (PT0.5S) must not be shorter");
        env.remove("LEARNSTREAM_SINK_RETRY_MAX_BACKOFF");
        env.put("LEARNSTREAM_SINK_MAX_BATCH_RECORDS", "0");
        assertThatThrownBy(() -> SinkConfig.from(env)).hasMessageStartingWith("LEARNSTREAM_SINK_MAX_BATCH_RECORDS must be between 1");
        env.remove("LEARNSTREAM_SINK_MAX_BATCH_RECORDS");
        env.put("LEARNSTREAM_SINK_HTTP_PORT", "http");
        assertThatThrownBy(() -> SinkConfig.from(env)).hasMessageStartingWith("LEARNSTREAM_SINK_HTTP_PORT must be a whole number");
    }
}
