package dev.learnstream.topology;

import dev.learnstream.avro.AvroDeserializer;
import dev.learnstream.avro.AvroSerdeConfig;
import dev.learnstream.stack.LocalStack;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A consumer of result topics as the sink reads them: committed transactions only, from the start, Avro values. */
final class CommittedReader {

    private CommittedReader() {
    }

    static <V> KafkaConsumer<String, V> of(LocalStack stack, Map<String, Object> serdes, String group) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        final AvroDeserializer<V> values = new AvroDeserializer<>();
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, serdes.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL),
                AvroSerdeConfig.SPECIFIC_AVRO_READER, "true"), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }
}
