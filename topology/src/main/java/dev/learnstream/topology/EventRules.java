package dev.learnstream.topology;

import dev.learnstream.events.AssessmentCompleted;
import dev.learnstream.events.CourseCreated;
import dev.learnstream.events.CoursePublished;
import dev.learnstream.events.ExerciseCompleted;
import dev.learnstream.events.QuestionAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        final Schema schema = event.getSchema();
        final String userId = text(event, "userId");
        if (userId == null || userId.isBlank()) {
            return Optional.of("userId is missing or blank");
        }
        if (userId.length() > MAX_ID_LENGTH) {
            return Optional.of("userId is longer than " + MAX_ID_LENGTH + " characters");
        }
        final String expectedKey = event instanceof CourseCreated || event instanceof CoursePublished
                ? text(event, "courseId") : userId;
        if (!expectedKey.equals(key)) {
            return Optional.of("record key '" + key + "' is not the event's " + (expectedKey.equals(userId)
                    ? "userId" : "courseId") + " '" + expectedKey + "'; key events by it so they stay on one partition");
        }
        final Instant occurredAt = (Instant) event.get(schema.getField("occurredAt").pos());
        if (occurredAt.isBefore(EARLIEST)) {
            return Optional.of("occurredAt " + occurredAt + " is before " + EARLIEST);
        }
        if (occurredAt.isAfter(now.plus(maxFutureSkew))) {
            return Optional.of("occurredAt " + occurredAt + " is more than " + maxFutureSkew.toHours()
                    + " h ahead of the clock (" + now + ")");
        }
        for (final String field : REQUIRED_TEXT) {
            if (schema.getField(field) != null) {
                final String value = text(event, field);
                if (value != null && value.isBlank()) {
                    return Optional.of(field + " is blank");
                }
            }
        }
        for (final String field : SCORES) {
            if (schema.getField(field) != null) {
                final double score = ((Number) event.get(schema.getField(field).pos())).doubleValue();
                if (!(score >= 0 && score <= 100)) {
                    return Optional.of(field + " " + score + " is outside 0-100");
                }
            }
        }
        for (final Map.Entry<String, Long> bound : MAX_SECONDS.entrySet()) {
            if (schema.getField(bound.getKey()) != null) {
                final long seconds = ((Number) event.get(schema.getField(bound.getKey()).pos())).longValue();
                if (seconds < 0) {
                    return Optional.of(bound.getKey() + " " + seconds + " is negative");
                }
                if (seconds > bound.getValue()) {
                    return Optional.of(bound.getKey() + " " + seconds + " is absurd (more than " + bound.getValue() + " s)");
                }
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

    private static String text(SpecificRecord event, String field) {
        final Object value = event.get(event.getSchema().getField(field).pos());
        return value == null ? null : value.toString();
    }
}
