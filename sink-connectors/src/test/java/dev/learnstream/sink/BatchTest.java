package dev.learnstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.topology.ResultTopics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchTest {

    private final TableMapping<?> quiz = SinkTables.quizAnalytics();

    private Batch batch(SinkRecord... records) {
        final Batch batch = new Batch();
        for (final SinkRecord record : records) {
            batch.add(record, SinkTables.byTopic(SinkTables.all()).get(record.topic()), Records.deserializer());
        }
        return batch;
    }

    private static List<Batch.TableChanges> tables(Batch batch) {
        final List<Batch.TableChanges> all = new ArrayList<>();
        batch.tables().forEach(all::add);
        return all;
    }

    @Test
    void keepsTheLastChangeOfEachKeyAndTheNextOffsetOfEachPartition() {
        final Batch batch = batch(
                Records.quizRecord(5, "u1", "m1", 1, 60.0),
                Records.quizRecord(6, "u2", "m1", 1, 70.0),
                Records.quizRecord(7, "u1", "m1", 2, 80.0),
                Records.record(ResultTopics.QUIZ_ANALYTICS, 0, 8, Records.quizKey("u2", "m1"), null));

        final Batch.TableChanges changes = tables(batch).get(0);
        assertThat(changes.upserts()).hasSize(1);
        final Object[] row = changes.upserts().get(0).row();
        assertThat(row).startsWith("u1", "dsa", "course-1", "m1", "module", 2L, 80.0);
        assertThat(row[row.length - 1]).isEqualTo(java.time.Instant.parse("2026-11-20T10:15:30.123Z").toEpochMilli());
        assertThat(changes.deletes()).extracting(c -> c.key()[0]).containsExactly("u2");
        assertThat(batch.nextOffsets()).containsEntry(new TopicPartition(ResultTopics.QUIZ_ANALYTICS, 0), 9L);
        assertThat(batch.deadLetters()).isEmpty();
        assertThat(batch.records()).isEqualTo(4);
    }

    @Test
    void anUpsertAfterATombstoneOfTheSameKeyWins() {
        final Batch batch = batch(
                Records.record(ResultTopics.QUIZ_ANALYTICS, 0, 1, Records.quizKey("u1", "m1"), null),
                Records.quizRecord(2, "u1", "m1", 3, 90.0));
        final Batch.TableChanges changes = tables(batch).get(0);
        assertThat(changes.deletes()).isEmpty();
        assertThat(changes.upserts()).singleElement().satisfies(c -> assertThat(c.row()[5]).isEqualTo(3L));
    }

    @Test
    void recordsThatCannotBeWrittenBecomeDeadLettersWithTheirStageAndStillAdvanceTheOffsets() {
        final SinkRecord notAvro = new SinkRecord(ResultTopics.QUIZ_ANALYTICS, 1, 40,
                0L, Records.quizKey("u1", "m1").getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, null);
        final SinkRecord shortKey = Records.record(ResultTopics.QUIZ_ANALYTICS, 1, 41, Records.key("u1", "dsa"),
                Records.quiz("u1", "m1", 1, 50.0));
        final SinkRecord badQuizType = Records.record(ResultTopics.QUIZ_ANALYTICS, 1, 42,
                Records.key("u1", "dsa", "course-1", "m1", "FINAL"), Records.quiz("u1", "m1", 1, 50.0));
        final SinkRecord wrongType = Records.record(ResultTopics.QUIZ_ANALYTICS, 1, 43, Records.quizKey("u1", "m1"),
                Records.window("1m", 0));
        final SinkRecord noKey = Records.record(ResultTopics.QUIZ_ANALYTICS, 1, 44, null, Records.quiz("u1", "m1", 1, 50.0));
        final SinkRecord badWindowStart = Records.record(ResultTopics.WINDOWED_METRICS, 0, 3,
                Records.key("1m", "overall", "all", "yesterday"), Records.window("1m", 0));

        final Batch batch = batch(notAvro, shortKey, badQuizType, wrongType, noKey, badWindowStart);

        assertThat(batch.deadLetters()).extracting(DeadLetter::stage)
                .containsExactly("deserialize", "map", "map", "map", "map", "map");
        assertThat(batch.deadLetters()).extracting(l -> l.error().getMessage()).satisfiesExactly(
                m -> assertThat(m).contains("the Confluent wire format needs at least 5"),
                m -> assertThat(m).contains("key has 2 part(s); table quiz_analytics needs 5"),
                m -> assertThat(m).contains("quiz_type must be DIAGNOSTIC or MODULE, got 'FINAL'"),
                m -> assertThat(m).contains("value is a dev.learnstream.results.WindowedMetric; table quiz_analytics stores QuizAnalytics"),
                m -> assertThat(m).contains("record has no key"),
                m -> assertThat(m).contains("window_start must be epoch milliseconds, got 'yesterday'"));
        tables(batch).forEach(t -> assertThat(t.byKey).isEmpty());
        assertThat(batch.nextOffsets()).containsEntry(new TopicPartition(ResultTopics.QUIZ_ANALYTICS, 1), 45L)
                .containsEntry(new TopicPartition(ResultTopics.WINDOWED_METRICS, 0), 4L);
    }

    @Test
    void aRegistryThatCannotAnswerStopsTheBatchInsteadOfDeadLetteringGoodRecords() {
        final SinkRecord record = Records.quizRecord(3, "u1", "m1", 1, 60.0);
        final org.apache.kafka.common.serialization.Deserializer<org.apache.avro.specific.SpecificRecord> down =
                (topic, bytes) -> {
                    throw new org.apache.kafka.common.errors.SerializationException("schema id 7 could not be resolved",
                            new dev.learnstream.avro.SchemaRegistryException("unreachable", 0, 0));
                };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Batch().add(record, quiz, down))
                .isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("learnstream.quiz-analytics-0@3");

        final org.apache.kafka.common.serialization.Deserializer<org.apache.avro.specific.SpecificRecord> unknown =
                (topic, bytes) -> {
                    throw new org.apache.kafka.common.errors.SerializationException("schema id 7 could not be resolved",
                            new dev.learnstream.avro.SchemaRegistryException("not found", 404, 40403));
                };
        final Batch batch = new Batch();
        batch.add(record, quiz, unknown);
        assertThat(batch.deadLetters()).extracting(DeadLetter::stage).containsExactly("deserialize");
    }

    @Test
    void sqlIsOneSetBasedStatementPerTable() {
        assertThat(quiz.upsertSql()).isEqualTo("INSERT INTO quiz_analytics (user_id, domain, course, module, quiz_type, "
                + "attempt_count, average_score, average_time_taken, best_score, last_score, last_attempted_at) "
                + "SELECT u.user_id, u.domain, u.course, u.module, u.quiz_type, u.attempt_count, u.average_score, "
                + "u.average_time_taken, u.best_score, u.last_score, "
                + "(TIMESTAMPTZ 'epoch' + u.last_attempted_at * INTERVAL '1 millisecond') FROM UNNEST("
                + "CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), "
                + "CAST(? AS int8[]), CAST(? AS float8[]), CAST(? AS float8[]), CAST(? AS float8[]), CAST(? AS float8[]), "
                + "CAST(? AS int8[])) AS u(user_id, domain, course, module, quiz_type, attempt_count, average_score, "
                + "average_time_taken, best_score, last_score, last_attempted_at) "
                + "ON CONFLICT (user_id, domain, course, module, quiz_type) DO UPDATE SET "
                + "attempt_count = EXCLUDED.attempt_count, average_score = EXCLUDED.average_score, "
                + "average_time_taken = EXCLUDED.average_time_taken, best_score = EXCLUDED.best_score, "
                + "last_score = EXCLUDED.last_score, last_attempted_at = EXCLUDED.last_attempted_at");
        assertThat(SinkTables.revisionSignals().deleteSql()).isEqualTo("DELETE FROM revision_signals WHERE "
                + "(user_id, module_id, scheduled_at) IN (SELECT d.user_id, d.module_id, "
                + "(TIMESTAMPTZ 'epoch' + d.scheduled_at * INTERVAL '1 millisecond') FROM UNNEST(CAST(? AS text[]), "
                + "CAST(? AS text[]), CAST(? AS int8[])) AS d(user_id, module_id, scheduled_at))");
    }

    @Test
    void everyResultTopicWithAnUpsertKeyHasATable() {
        assertThat(SinkConfig.allTopics()).containsExactlyInAnyOrder(ResultTopics.QUIZ_ANALYTICS,
                ResultTopics.USER_ENGAGEMENT, ResultTopics.USER_ANALYTICS, ResultTopics.LEARNING_PROGRESS,
                ResultTopics.COURSE_ANALYTICS, ResultTopics.ASSESSMENT_ANALYTICS, ResultTopics.WINDOWED_METRICS,
                ResultTopics.MEMORY_SCORES, ResultTopics.REVISION_SIGNALS, ResultTopics.AT_RISK, ResultTopics.DLQ_COUNTS);
    }
}
