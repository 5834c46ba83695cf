package dev.learnstream.topology;

import static dev.learnstream.topology.TestEvents.T0;
import static dev.learnstream.topology.TestEvents.aCourse;
import static dev.learnstream.topology.TestEvents.aQuiz;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.learnstream.events.CourseCreated;
import dev.learnstream.events.ModuleQuizCompleted;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class EventRulesTest {

    private static final Instant NOW = T0.plusSeconds(60);
    private static final Duration SKEW = Duration.ofDays(1);

    private static Optional<String> check(String key, SpecificRecord event) {
        return EventRules.check(key, event, NOW, SKEW);
    }

    @Test
    void eachRuleIsNamedWithItsFieldWhicheverEventTypeCameFirst() {
        // Two event types in turn, each twice: the fields found for one type must not serve the other.
        for (int round = 0; round < 2; round++) {
            assertEquals(Optional.empty(), check("u1", aQuiz().build()));
            assertEquals(Optional.of("score 101.0 is outside 0-100"), check("u1", aQuiz().setScore(101).build()));
            assertEquals(Optional.of("timeTakenSeconds -1 is negative"),
                    check("u1", aQuiz().setTimeTakenSeconds(-1).build()));
            assertEquals(Optional.of("module is blank"), check("u1", aQuiz().setModule(" ").build()));
            assertEquals(Optional.empty(), check("dsa-101", aCourse().build()));
            assertEquals(Optional.of("title is blank"), check("dsa-101", aCourse().setTitle("").build()));
            assertEquals(Optional.of("record key 'u1' is not the event's courseId 'dsa-101'; key events by it so"
                    + " they stay on one partition"), check("u1", aCourse().build()));
        }
    }

    @Test
    void aRecordMadeWithoutItsRequiredFieldsIsRefusedByNameNotByAnException() {
        // Records made field by field skip the builders' checks; the rules are public and must
        // still say what is wrong rather than throw.
        final CourseCreated course = new CourseCreated();
        course.setUserId("instructor-1");
        assertEquals(Optional.of("record key 'dsa-101' is not the event's courseId 'null'; key events by it so"
                + " they stay on one partition"), check("dsa-101", course));
        final ModuleQuizCompleted quiz = new ModuleQuizCompleted();
        quiz.setUserId("u1");
        assertEquals(Optional.of("occurredAt is missing"), check("u1", quiz));
    }
}
