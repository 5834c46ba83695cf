package dev.learnstream.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

    @Test
    void readsConfluentKeysWithConfluentDefaults() {
        final AvroSerdeConfig config = AvroSerdeConfig.from(Map.of("schema.registry.url", "http://r:8081"));
        assertThat(config.autoRegisterSchemas()).isTrue();
        assertThat(config.useLatestVersion()).isFalse();
        assertThat(config.specificAvroReader()).isFalse();
        assertThat(config.valueSubjectNameStrategy()).isEqualTo(SubjectNameStrategy.TOPIC);
    }

    @Test
    void acceptsConfluentStrategyClassNames() {
        final AvroSerdeConfig config = AvroSerdeConfig.from(Map.of("schema.registry.url", "mock://x",
                "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
                "key.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
        assertThat(config.strategy(false)).isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(config.strategy(true)).isEqualTo(SubjectNameStrategy.RECORD);
    }

    @Test
    void badSettingsFailNamingTheSetting() {
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of("schema.registry.url", "mock://x", "auto.register.schemas", "yes")))
                .hasMessageContaining("auto.register.schemas");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of("schema.registry.url", "mock://x",
                "value.subject.name.strategy", "Whatever"))).hasMessageContaining("value.subject.name.strategy");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of("schema.registry.url", "mock://x", "http.read.timeout.ms", "soon")))
                .hasMessageContaining("http.read.timeout.ms");
        assertThatThrownBy(() -> SchemaRegistryClients.create(AvroSerdeConfig.from(Map.of("schema.registry.url", "ftp://r"))))
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void subjectNamesFollowTheStrategy() {
        final org.apache.avro.Schema schema = dev.learnstream.events.UserLogin.getClassSchema();
        assertThat(SubjectNameStrategy.TOPIC.subject("t", false, schema)).isEqualTo("t-value");
        assertThat(SubjectNameStrategy.TOPIC.subject("t", true, schema)).isEqualTo("t-key");
        assertThat(SubjectNameStrategy.RECORD.subject("t", false, schema)).isEqualTo("dev.learnstream.events.UserLogin");
        assertThat(SubjectNameStrategy.TOPIC_RECORD.subject("t", false, schema)).isEqualTo("t-dev.learnstream.events.UserLogin");
    }
}
