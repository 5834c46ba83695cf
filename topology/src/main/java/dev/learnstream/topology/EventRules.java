package dev.learnstream.topology;

import dev.learnstream.events.AssessmentCompleted;
import dev.learnstream.events.CourseCreated;
import dev.learnstream.events.CoursePublished;
import dev.learnstream.events.ExerciseCompleted;
import dev.learnstream.events.QuestionAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The rules a decoded event must keep beyond its schema. Each broken rule is named in the DLQ
 * message, with the field and the value, so a platform team can fix its producer.
 */
public final class EventRules {

    /** Events before this are clock bugs (the seeds' platforms are younger). */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final int MAX_ID_LENGTH = 256;
    /** Upper bounds of durations, in seconds, by field: beyond them a duration is absurd. */
    private static final Map<String, Long> MAX_SECONDS = Map.of(
            "timeTakenSeconds", Duration.ofHours(12).toSeconds(),
            "durationSeconds", Duration.ofDays(2).toSeconds(),
            "timeSpentSeconds", Duration.ofDays(3650).toSeconds());
    private static final List<String> SCORES = List.of("score", "finalScore", "passingScore");
    /** String fields that must not be blank when present. */
    private static final List<String> REQUIRED_TEXT = List.of("domain", "course", "module", "courseId", "moduleId",
            "assessmentId", "exerciseId", "language", "title", "instructorId");

    private EventRules() {
    }

    /**
     * The first broken rule, if any.
     *
     * @param key the record key, which must be the event's partitioning id
     * @param now the wall clock, for the future bound
     */
    public static Optional<String> check(String key, SpecificRecord event, Instant now, Duration maxFutureSkew) {
        final Fields fields = FIELDS.computeIfAbsent(event.getSchema(), Fields::of);
        final String userId = text(event, fields.userId);
        if (userId == null || userId.isBlank()) {
            return Optional.of("userId is missing or blank");
        }
        if (userId.length() > MAX_ID_LENGTH) {
            return Optional.of("userId is longer than " + MAX_ID_LENGTH + " characters");
        }
        final String expectedKey = event instanceof CourseCreated || event instanceof CoursePublished
                ? text(event, fields.courseId) : userId;
        if (expectedKey == null || !expectedKey.equals(key)) {
            return Optional.of("record key '" + key + "' is not the event's " + (userId.equals(expectedKey)
                    ? "userId" : "courseId") + " '" + expectedKey + "'; key events by it so they stay on one partition");
        }
        final Instant occurredAt = fields.occurredAt < 0 ? null : (Instant) event.get(fields.occurredAt);
        if (occurredAt == null) {
            return Optional.of("occurredAt is missing");
        }
        if (occurredAt.isBefore(EARLIEST)) {
            return Optional.of("occurredAt " + occurredAt + " is before " + EARLIEST);
        }
        if (occurredAt.isAfter(now.plus(maxFutureSkew))) {
            return Optional.of("occurredAt " + occurredAt + " is more than " + maxFutureSkew.toHours()
                    + " h ahead of the clock (" + now + ")");
        }
        for (final Field field : fields.requiredText) {
            final String value = text(event, field.position);
            if (value != null && value.isBlank()) {
                return Optional.of(field.name + " is blank");
            }
        }
        for (final Field field : fields.scores) {
            final double score = ((Number) event.get(field.position)).doubleValue();
            if (!(score >= 0 && score <= 100)) {
                return Optional.of(field.name + " " + score + " is outside 0-100");
            }
        }
        for (final Field field : fields.durations) {
            final long seconds = ((Number) event.get(field.position)).longValue();
            if (seconds < 0) {
                return Optional.of(field.name + " " + seconds + " is negative");
            }
            if (seconds > field.max) {
                return Optional.of(field.name + " " + seconds + " is absurd (more than " + field.max + " s)");
            }
        }
        if (event instanceof AssessmentCompleted done) {
            return assessment(done);
        }
        if (event instanceof ExerciseCompleted done && done.getAttempts() < 1) {
            return Optional.of("attempts " + done.getAttempts() + " is below 1");
        }
        return Optional.empty();
    }

    private static Optional<String> assessment(AssessmentCompleted done) {
        if (done.getTotalQuestions() < 1) {
            return Optional.of("totalQuestions " + done.getTotalQuestions() + " is below 1");
        }
        if (done.getCorrectAnswers() < 0 || done.getCorrectAnswers() > done.getTotalQuestions()) {
            return Optional.of("correctAnswers " + done.getCorrectAnswers() + " is outside 0-" + done.getTotalQuestions());
        }
        final List<QuestionAnswer> answers = done.getAnswers();
        if (!answers.isEmpty()) {
            if (answers.size() != done.getTotalQuestions()) {
                return Optional.of(answers.size() + " answers for " + done.getTotalQuestions() + " questions");
            }
            final Set<String> seen = new HashSet<>();
            long correct = 0;
            for (final QuestionAnswer answer : answers) {
                if (answer.getQuestionId().isBlank() || !seen.add(answer.getQuestionId())) {
                    return Optional.of("questionId '" + answer.getQuestionId() + "' is blank or repeated");
                }
                if (answer.getTimeSpentSeconds() < 0) {
                    return Optional.of("timeSpentSeconds of question " + answer.getQuestionId() + " is negative");
                }
                correct += answer.getCorrect() ? 1 : 0;
            }
            if (correct != done.getCorrectAnswers()) {
                return Optional.of("correctAnswers " + done.getCorrectAnswers() + " but " + correct + " answers are correct");
            }
        }
        return Optional.empty();
    }

    private static String text(SpecificRecord event, int position) {
        final Object value = position < 0 ? null : event.get(position);
        return value == null ? null : value.toString();
    }

    /** A checked field of an event type: its name, its position in the record, its bound if any. */
    private record Field(String name, int position, long max) {
    }

    /**
     * Where an event type keeps the fields the rules read, found once per type rather than by
     * about twenty lookups by name in its schema at every event.
     */
    private record Fields(int userId, int courseId, int occurredAt, List<Field> requiredText, List<Field> scores,
                          List<Field> durations) {

        static Fields of(Schema schema) {
            return new Fields(position(schema, "userId"), position(schema, "courseId"),
                    position(schema, "occurredAt"), present(schema, REQUIRED_TEXT), present(schema, SCORES),
                    present(schema, MAX_SECONDS.keySet()).stream()
                            .map(field -> new Field(field.name, field.position, MAX_SECONDS.get(field.name)))
                            .toList());
        }

        private static int position(Schema schema, String name) {
            final Schema.Field field = schema.getField(name);
            return field == null ? -1 : field.pos();
        }

        private static List<Field> present(Schema schema, Collection<String> names) {
            return names.stream().filter(name -> schema.getField(name) != null)
                    .map(name -> new Field(name, schema.getField(name).pos(), 0)).toList();
        }
    }

    /** By the events' schema objects, which are few and live as long as their classes. */
    private static final Map<Schema, Fields> FIELDS = new ConcurrentHashMap<>();
}
