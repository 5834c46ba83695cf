package dev.learnstream.topology;

import dev.learnstream.topics.EventTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Decodes an input record's bytes and checks the rules. Decoding is ours rather than the source
 * serde's so that a refused record keeps its original bytes for the dead-letter topic.
 */
final class DecodeAndValidate implements FixedKeyProcessor<String, byte[], Checked> {

    private final EventTopic topic;
    private final Deserializer<SpecificRecord> deserializer;
    private final Duration maxFutureSkew;
    private FixedKeyProcessorContext<String, Checked> context;

    DecodeAndValidate(EventTopic topic, Deserializer<SpecificRecord> deserializer, Duration maxFutureSkew) {
        this.topic = topic;
        this.deserializer = deserializer;
        this.maxFutureSkew = maxFutureSkew;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Checked> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        context.forward(record.withValue(check(record)));
    }

    private Checked check(FixedKeyRecord<String, byte[]> record) {
        final byte[] raw = record.value();
        if (raw == null) {
            return invalid(null, DeadLetters.Stage.DESERIALIZE, "EmptyValue", "the record has no value (a tombstone on an event topic)");
        }
        final SpecificRecord event;
        try {
            event = deserializer.deserialize(context.recordMetadata().map(m -> m.topic()).orElse(""), raw);
        } catch (SerializationException e) {
            return invalid(raw, DeadLetters.Stage.DESERIALIZE, e.getClass().getName(), e.getMessage());
        }
        if (!topic.carries(event.getClass())) {
            return invalid(raw, DeadLetters.Stage.VALIDATE, "UnexpectedEventType",
                    event.getSchema().getFullName() + " does not belong on this topic; it carries " + topic.recordTypes()
                            .stream().map(Class::getSimpleName).toList());
        }
        if (record.key() == null) {
            return invalid(raw, DeadLetters.Stage.VALIDATE, "MissingKey", "the record has no key");
        }
        final Optional<String> broken = EventRules.check(record.key(), event,
                Instant.ofEpochMilli(context.currentSystemTimeMs()), maxFutureSkew);
        return broken.<Checked>map(message -> invalid(raw, DeadLetters.Stage.VALIDATE, "RuleViolation", message))
                .orElseGet(() -> new Checked.Valid(event));
    }

    private static Checked invalid(byte[] raw, DeadLetters.Stage stage, String errorClass, String message) {
        return new Checked.Invalid(raw, stage, errorClass, message);
    }
}
