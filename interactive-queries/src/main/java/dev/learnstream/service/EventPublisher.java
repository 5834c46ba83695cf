package dev.learnstream.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.learnstream.events.CourseCreated;
import dev.learnstream.events.CoursePublished;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.Events;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topology.EventRules;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code POST /api/v1/events/{type}} (seed 000): a JSON event is checked against its Avro schema
 * and the topology's validation rules, then produced as Avro to its topic, keyed as the topology
 * expects (userId; courseId for course lifecycle events). The type is the record name
 * ({@code ModuleQuizCompleted}) or its kebab-case form ({@code module-quiz-completed}).
 * Admin keys may publish anything; student keys only their own learner events.
 */
public final class EventPublisher {

    public record Published(String eventId, String type, String topic) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Producer<String, SpecificRecord> producer;
    private final TopicNames topics;
    private final Duration maxFutureSkew;
    private final Clock clock;
    private final JsonToAvro converter;
    private final Map<String, Class<? extends SpecificRecord>> types = new LinkedHashMap<>();

    public EventPublisher(Producer<String, SpecificRecord> producer, TopicNames topics, Duration maxFutureSkew,
                          Clock clock) {
        this.producer = producer;
        this.topics = topics;
        this.maxFutureSkew = maxFutureSkew;
        this.clock = clock;
        this.converter = new JsonToAvro(clock);
        for (final EventTopic topic : EventTopic.inputs()) {
            for (final Class<? extends SpecificRecord> type : topic.recordTypes()) {
                types.put(type.getSimpleName().toLowerCase(Locale.ROOT), type);
                types.put(kebab(type.getSimpleName()), type);
            }
        }
    }

    Published publish(String typeName, String body, ApiKeys.Principal principal) {
        final Class<? extends SpecificRecord> type = types.get(typeName.toLowerCase(Locale.ROOT));
        if (type == null) {
            throw ApiException.notFound("Unknown event type '" + typeName + "'");
        }
        final boolean courseLifecycle = type == CourseCreated.class || type == CoursePublished.class;
        if (principal.role() == ApiKeys.Role.INSTRUCTOR
                || principal.role() == ApiKeys.Role.STUDENT && courseLifecycle) {
            throw ApiException.forbidden("This key may not publish " + type.getSimpleName() + " events");
        }
        final JsonNode json;
        try {
            json = JSON.readTree(body == null || body.isBlank() ? "null" : body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body", "The body is not valid JSON: " + e.getOriginalMessage());
        }
        final SpecificRecord event;
        try {
            event = converter.record(type, json);
        } catch (JsonToAvro.FieldException e) {
            throw ApiException.badRequest(e.path(), e.getMessage());
        }
        final String user = Events.userId(event);
        if (principal.role() == ApiKeys.Role.STUDENT && !principal.userId().equals(user)) {
            throw ApiException.forbidden("A student key may only publish its own events");
        }
        final String key = courseLifecycle ? event.get(event.getSchema().getField("courseId").pos()).toString() : user;
        final Optional<String> broken = EventRules.check(key, event, clock.instant(), maxFutureSkew);
        if (broken.isPresent()) {
            throw ApiException.badRequest(fieldOf(broken.get()), broken.get());
        }
        final String topic = topics.name(EventTopic.of(type));
        try {
            producer.send(new ProducerRecord<>(topic, null, Events.occurredAt(event).toEpochMilli(), key, event))
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable("Kafka did not take the event: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("Interrupted while producing");
        }
        return new Published(Events.eventId(event), type.getSimpleName(), topic);
    }

    /** The field a rule message starts with ("score 150 is outside ..." → "score"). */
    private static String fieldOf(String message) {
        final int space = message.indexOf(' ');
        return space > 0 ? message.substring(0, space) : "body";
    }

    static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
