package dev.learnstream.topology;

import static dev.learnstream.topology.TestEvents.T0;
import static dev.learnstream.topology.TestEvents.aQuiz;
import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.results.DlqCount;
import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.topics.EventTopic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ValidationTopologyTest {

    private final TopologyFixture fixture = new TopologyFixture("ValidationTopologyTest");

    @AfterEach
    void close() {
        fixture.close();
    }

    private List<TestRecord<String, byte[]>> dlq(EventTopic topic) {
        return fixture.rawOutput(fixture.names.dlq(topic)).readRecordsToList();
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private void assertNoResults() {
        for (final String topic : ResultTopics.changelogs()) {
            if (!topic.equals(ResultTopics.DLQ_COUNTS)) {
                assertThat(fixture.rawOutput(topic).isEmpty()).as(topic).isTrue();
            }
        }
    }

    @Test
    void aValidEventIsCountedAndNothingIsDeadLettered() {
        fixture.send(aQuiz().build());
        final List<QuizAnalytics> quiz = fixture.<QuizAnalytics>output(ResultTopics.QUIZ_ANALYTICS).readValuesToList();
        assertThat(quiz).hasSize(1);
        assertThat(quiz.get(0).getAttemptCount()).isEqualTo(1);
        assertThat(dlq(EventTopic.MODULE_QUIZ)).isEmpty();
    }

    @Test
    void aRuleBreakingEventGoesToItsDlqWithOriginalBytesAndErrorContext() {
        final byte[] original = fixture.bytes(aQuiz().setScore(150).build());
        fixture.send(EventTopic.MODULE_QUIZ, "u1", original, T0);

        final List<TestRecord<String, byte[]>> dead = dlq(EventTopic.MODULE_QUIZ);
        assertThat(dead).hasSize(1);
        final TestRecord<String, byte[]> record = dead.get(0);
        assertThat(record.key()).isEqualTo("u1");
        assertThat(record.value()).isEqualTo(original);
        assertThat(header(record.headers(), DeadLetters.STAGE)).isEqualTo("validate");
        assertThat(header(record.headers(), DeadLetters.ERROR_CLASS)).isEqualTo("RuleViolation");
        assertThat(header(record.headers(), DeadLetters.ERROR_MESSAGE)).isEqualTo("score 150.0 is outside 0-100");
        assertThat(header(record.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("module_quiz_events");
        assertThat(header(record.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(record.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(record.headers(), DeadLetters.SOURCE_TIMESTAMP)).isEqualTo(String.valueOf(T0.toEpochMilli()));
        assertNoResults();
        final List<org.apache.kafka.streams.KeyValue<String, DlqCount>> counts =
                fixture.<DlqCount>output(ResultTopics.DLQ_COUNTS).readKeyValuesToList();
        assertThat(counts).hasSize(1);
        assertThat(counts.get(0).key).isEqualTo(Keys.of("module_quiz_events", "validate"));
        assertThat(counts.get(0).value.getCount()).isEqualTo(1);
        assertThat(counts.get(0).value.getLastError()).isEqualTo("score 150.0 is outside 0-100");
    }

    @Test
    void undecodableBytesAreDeadLetteredAtTheDeserializeStage() {
        final byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
        fixture.send(EventTopic.USER_EVENTS, "u1", garbage, T0);
        final TestRecord<String, byte[]> record = dlq(EventTopic.USER_EVENTS).get(0);
        assertThat(record.value()).isEqualTo(garbage);
        assertThat(header(record.headers(), DeadLetters.STAGE)).isEqualTo("deserialize");
        assertThat(header(record.headers(), DeadLetters.ERROR_CLASS))
                .isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(header(record.headers(), DeadLetters.ERROR_MESSAGE)).contains("magic byte");
        assertNoResults();
    }

    @Test
    void eachRuleIsEnforced() {
        final Object[][] cases = {
            {aQuiz().setUserId("").build(), "", "userId is missing or blank"},
            {aQuiz().setTimeTakenSeconds(-5).build(), "u1", "timeTakenSeconds -5 is negative"},
            {aQuiz().setTimeTakenSeconds(200_000).build(), "u1", "timeTakenSeconds 200000 is absurd"},
            {aQuiz().setOccurredAt(java.time.Instant.parse("1970-01-02T00:00:00Z")).build(), "u1", "is before 2000"},
            {aQuiz().setOccurredAt(TopologyFixture.WALL_START.plus(Duration.ofDays(2))).build(), "u1", "ahead of the clock"},
            {aQuiz().setModule(" ").build(), "u1", "module is blank"},
            {aQuiz().build(), "someone-else", "record key 'someone-else' is not the event's userId 'u1'"},
            {TestEvents.anAttempt("u1", true, false).setCorrectAnswers(2).build(), "u1", "correctAnswers 2 but 1 answers"},
        };
        int offset = 0;
        for (final Object[] c : cases) {
            final org.apache.avro.specific.SpecificRecord event = (org.apache.avro.specific.SpecificRecord) c[0];
            final EventTopic topic = EventTopic.of(event.getClass());
            fixture.send(topic, (String) c[1], fixture.bytes(event), T0);
            final List<TestRecord<String, byte[]>> dead = dlq(topic);
            assertThat(dead).as("case %d", offset).hasSize(1);
            assertThat(header(dead.get(0).headers(), DeadLetters.ERROR_MESSAGE)).as("case %d", offset).contains((String) c[2]);
            offset++;
        }
        assertNoResults();
    }

    @Test
    void aDuplicateEventIsCountedOnce() {
        final ModuleQuizCompleted quiz = aQuiz().build();
        fixture.send(quiz);
        fixture.send(quiz);
        fixture.send(aQuiz().setScore(60).setOccurredAt(T0.plusSeconds(60)).build());
        final List<QuizAnalytics> updates = fixture.<QuizAnalytics>output(ResultTopics.QUIZ_ANALYTICS).readValuesToList();
        assertThat(updates).extracting(QuizAnalytics::getAttemptCount).containsExactly(1L, 2L);
        assertThat(updates.get(1).getAverageScore()).isEqualTo(70.0);
    }
}
