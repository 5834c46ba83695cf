package dev.learnstream.topology;

import dev.learnstream.results.DlqCount;
import dev.learnstream.topics.EventTopic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Counts what is in the dead-letter topics, per source topic and stage, from their headers: the
 * counts are exactly what the DLQs hold (read_committed under exactly-once), whoever wrote them.
 * Store {@value StoreNames#DLQ_COUNTS}, keyed {@code topic␟stage}; topic written
 * {@value ResultTopics#DLQ_COUNTS}.
 */
public final class DeadLetterCountsTopology {

    private DeadLetterCountsTopology() {
    }

    public static void build(StreamsBuilder builder, TopologySettings settings) {
        final List<String> deadLetterTopics = new ArrayList<>();
        EventTopic.inputs().forEach(topic -> deadLetterTopics.add(settings.topics().dlq(topic)));
        deadLetterTopics.add(ResultTopics.PROCESSING_DLQ);
        builder.stream(deadLetterTopics, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-dead-letters"))
                .processValues(DeadLetterInfo::new, Named.as("dead-letter-info"))
                .selectKey((key, info) -> Keys.of(info.getSourceTopic(), info.getStage()), Named.as("key-by-topic-and-stage"))
                .groupByKey(Grouped.with("dead-letters-by-topic", Serdes.String(),
                        AvroSerdes.avro(settings.serdeConfig(), DlqCount.class)))
                .reduce((total, one) -> new DlqCount(one.getSourceTopic(), one.getStage(), total.getCount() + one.getCount(),
                                one.getLastError(), one.getLastAt()), Named.as("count-dead-letters"),
                        AvroSerdes.materialized(StoreNames.DLQ_COUNTS, settings.serdeConfig(), DlqCount.class))
                .toStream(Named.as("dead-letter-count-changes"))
                .to(ResultTopics.DLQ_COUNTS, Produced.with(Serdes.String(), AvroSerdes.avro(settings.serdeConfig(), DlqCount.class))
                        .withName("write-dlq-counts"));
    }

    /** One dead letter as a count of 1, described by its headers. */
    private static final class DeadLetterInfo implements FixedKeyProcessor<byte[], byte[], DlqCount> {
        private FixedKeyProcessorContext<byte[], DlqCount> context;

        @Override
        public void init(FixedKeyProcessorContext<byte[], DlqCount> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<byte[], byte[]> record) {
            final String source = DeadLetters.text(record.headers(), DeadLetters.SOURCE_TOPIC);
            final String stage = DeadLetters.text(record.headers(), DeadLetters.STAGE);
            context.forward(record.withValue(new DlqCount(
                    source != null ? source : context.recordMetadata().map(m -> m.topic()).orElse("unknown"),
                    stage != null ? stage : "unknown", 1L,
                    DeadLetters.text(record.headers(), DeadLetters.ERROR_MESSAGE), Instant.ofEpochMilli(record.timestamp()))));
        }
    }
}
