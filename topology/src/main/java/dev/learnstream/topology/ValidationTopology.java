package dev.learnstream.topology;

import dev.learnstream.avro.AvroSerde;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Validation and dead letters. Reads every input topic {@code T} as bytes, decodes and checks each
 * record ({@code validate-<id>}), and splits ({@code checked-<id>-valid / -invalid}): refused
 * records go to {@code T.dlq} with their original key and value bytes and the error context in
 * headers, in the same transaction as everything else. Valid events from all inputs are merged
 * and deduplicated by eventId (store {@value StoreNames#DEDUP}).
 *
 * <p>Topics read: every input of {@link EventTopic#inputs()}. Topics written: their {@code .dlq}.
 */
public final class ValidationTopology {

    private ValidationTopology() {
    }

    /** The valid, deduplicated events of all inputs, keyed as they came (by userId; courses by courseId). */
    public static KStream<String, SpecificRecord> build(StreamsBuilder builder, TopologySettings settings) {
        final TopicNames names = settings.topics();
        final Deserializer<SpecificRecord> deserializer = AvroSerde.<SpecificRecord>of(settings.serdeConfig(), false)
                .deserializer();
        KStream<String, SpecificRecord> merged = null;
        for (final EventTopic topic : EventTopic.inputs()) {
            final String id = topic.id();
            final Map<String, KStream<String, Checked>> checked = builder
                    .stream(names.name(topic), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read-" + id))
                    .processValues(() -> new DecodeAndValidate(topic, deserializer, settings.maxFutureSkew()),
                            Named.as("validate-" + id))
                    .split(Named.as("checked-" + id + "-"))
                    .branch((key, value) -> value instanceof Checked.Valid, Branched.as("valid"))
                    .defaultBranch(Branched.as("invalid"));
            checked.get("checked-" + id + "-invalid")
                    .processValues(ToDeadLetter::new, Named.as("dead-letter-" + id))
                    .to(names.dlq(topic), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("write-dlq-" + id));
            final KStream<String, SpecificRecord> valid = checked.get("checked-" + id + "-valid")
                    .mapValues(value -> ((Checked.Valid) value).event(), Named.as("valid-" + id));
            merged = merged == null ? valid : merged.merge(valid, Named.as("merge-" + id));
        }
        return merged.processValues(new Dedup(settings.dedupHorizon()), Named.as("dedup"));
    }
}
