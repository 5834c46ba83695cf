package dev.learnstream.topology;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Turns a refused record back into its original bytes, with the error context in headers. */
final class ToDeadLetter implements FixedKeyProcessor<String, Checked, byte[]> {

    private FixedKeyProcessorContext<String, byte[]> context;

    @Override
    public void init(FixedKeyProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Checked> record) {
        final Checked.Invalid invalid = (Checked.Invalid) record.value();
        final RecordMetadata source = context.recordMetadata().orElseThrow();
        context.forward(record.withValue(invalid.rawValue()).withHeaders(DeadLetters.headers(record.headers(),
                invalid.stage(), invalid.errorClass(), invalid.message(), source.topic(), source.partition(),
                source.offset(), record.timestamp())));
    }
}
