package dev.learnstream.topology;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything the validation does not foresee (a failing serde on an internal topic, a bug in a
 * processor) lands here. The record's original source bytes go to the dead-letter topic of the
 * input it came from, or to {@link ResultTopics#PROCESSING_DLQ} when it failed after a
 * repartition, inside the same exactly-once transaction (KIP-1034), and processing goes on.
 */
public final class DeadLetterExceptionHandler implements ProcessingExceptionHandler, DeserializationExceptionHandler {

    /** Comma-separated input topics, so the handler knows which have a {@code .dlq} sibling. */
    public static final String INPUT_TOPICS_CONFIG = "learnstream.dlq.input.topics";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

    private Set<String> inputs = Set.of();

    @Override
    public void configure(Map<String, ?> configs) {
        final Object topics = configs.get(INPUT_TOPICS_CONFIG);
        if (topics != null && !topics.toString().isBlank()) {
            inputs = Set.of(topics.toString().split(","));
        }
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        return ProcessingExceptionHandler.Response.resume(List.of(deadLetter(context, DeadLetters.Stage.PROCESS, exception)));
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        return DeserializationExceptionHandler.Response.resume(
                List.of(deadLetter(context, DeadLetters.Stage.DESERIALIZE, exception)));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, DeadLetters.Stage stage,
                                                      Exception exception) {
        final String target = inputs.contains(context.topic()) ? context.topic() + ".dlq" : ResultTopics.PROCESSING_DLQ;
        LOG.warn("Dead-lettering a record from {}-{}@{} to {} at stage {}: {}", context.topic(), context.partition(),
                context.offset(), target, stage.label(), exception.toString());
        return new ProducerRecord<>(target, null, context.timestamp(), context.sourceRawKey(), context.sourceRawValue(),
                DeadLetters.headers(context.headers(), stage, exception.getClass().getName(), exception.getMessage(),
                        context.topic(), context.partition(), context.offset(), context.timestamp()));
    }
}
