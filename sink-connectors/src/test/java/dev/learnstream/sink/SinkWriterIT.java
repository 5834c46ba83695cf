package dev.learnstream.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnstream.stack.Dirs;
import dev.learnstream.stack.Postgres;
import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.topology.ResultTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The writer against a real PostgreSQL, migrated by Flyway. */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class SinkWriterIT {

    private static Path dir;
    private static Postgres postgres;
    private static SinkConfig config;
    private static Jdbi jdbi;
    private SinkWriter writer;

    private static final TopicPartition QUIZ_0 = new TopicPartition(ResultTopics.QUIZ_ANALYTICS, 0);

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("sink-writer-it");
        postgres = Postgres.start(dir);
        config = SinkConfig.local("unused:9092", Records.REGISTRY, postgres.jdbcUrl());
        JdbcSink.migrate(config);
        jdbi = JdbcSink.jdbi(config);
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
        Dirs.deleteQuietly(dir);
    }

    @BeforeEach
    void fresh() {
        writer = new SinkWriter(JdbcSink.jdbi(config), "it-group");
        writer.reset(SinkTables.all());
    }

    private static Batch batch(SinkRecord... records) {
        final Batch batch = new Batch();
        for (final SinkRecord record : records) {
            batch.add(record, SinkTables.byTopic(SinkTables.all()).get(record.topic()), Records.deserializer());
        }
        return batch;
    }

    private SinkWriter.Written write(Batch batch, Map<TopicPartition, Long> expected) {
        return writer.write(batch, expected, false, rejected -> { });
    }

    private static List<Map<String, Object>> rows(String sql) {
        try (Handle h = jdbi.open()) {
            return h.createQuery(sql).mapToMap().list();
        }
    }

    @Test
    void migrationsAreRepeatableAndCreateTheSeedTables() {
        JdbcSink.migrate(config);
        assertThat(rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))
                .extracting(r -> r.get("table_name"))
                .contains("quiz_analytics", "memory_scores", "revision_signals", "user_engagement", "user_analytics",
                        "learning_progress", "course_analytics", "assessment_analytics", "windowed_metrics",
                        "at_risk_learners", "dlq_counts", "sink_offsets", "flyway_schema_history",
                        "course_module_funnel", "assessment_questions");
    }

    @Test
    void upsertsUpdatesAndDeletesWithTheOffsetsInTheSameTransaction() {
        final SinkWriter.Written first = write(batch(Records.quizRecord(0, "u1", "m1", 1, 60.0),
                Records.quizRecord(1, "u2", "m1", 1, 70.0)), Map.of());
        assertThat(first.upserts()).containsEntry("quiz_analytics", 2);
        write(batch(Records.quizRecord(2, "u1", "m1", 2, 80.0),
                Records.record(ResultTopics.QUIZ_ANALYTICS, 0, 3, Records.quizKey("u2", "m1"), null)),
                Map.of(QUIZ_0, 2L));

        assertThat(rows("SELECT user_id, attempt_count, average_score, quiz_type, "
                + "last_attempted_at = TIMESTAMPTZ '2026-11-20 10:15:30.123+00' AS exact_time FROM quiz_analytics"))
                .containsExactly(Map.of("user_id", "u1", "attempt_count", 2L, "average_score", 80.0, "quiz_type", "module",
                        "exact_time", true));
        assertThat(writer.storedOffsets(List.of(QUIZ_0))).containsExactly(Map.entry(QUIZ_0, 4L));
    }

    @Test
    void aWriterWhoseOffsetsAreStaleIsFencedAndWritesNothing() {
        write(batch(Records.quizRecord(0, "u1", "m1", 1, 60.0)), Map.of());
        // A second writer (a zombie that still believes nothing was stored) tries to write older data.
        final Map<TopicPartition, Long> stale = new HashMap<>();
        stale.put(QUIZ_0, null);
        assertThatThrownBy(() -> write(batch(Records.quizRecord(0, "u1", "m1", 9, 10.0)), stale))
                .isInstanceOf(SinkWriter.FencedException.class)
                .hasMessageContaining("sink_offsets is 1, this sink expected null");
        assertThatThrownBy(() -> write(batch(Records.quizRecord(5, "u1", "m1", 9, 10.0)), Map.of(QUIZ_0, 0L)))
                .isInstanceOf(SinkWriter.FencedException.class);
        assertThat(rows("SELECT attempt_count FROM quiz_analytics")).containsExactly(Map.of("attempt_count", 1L));
        assertThat(writer.storedOffsets(List.of(QUIZ_0))).containsExactly(Map.entry(QUIZ_0, 1L));
    }

    @Test
    void rowsPostgresRejectsAreSetAsideOnlyWhenWritingInIsolation() {
        final long start = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
        // The table's CHECK knows the four window sizes; "2m" is a row PostgreSQL will always refuse.
        final Batch batch = batch(Records.record(ResultTopics.WINDOWED_METRICS, 0, 0, Records.windowKey("1m", start),
                        Records.window("1m", start)),
                Records.record(ResultTopics.WINDOWED_METRICS, 0, 1, Records.windowKey("2m", start), Records.window("2m", start)),
                Records.quizRecord(0, "u1", "m1", 1, 60.0));

        assertThatThrownBy(() -> write(batch, Map.of()))
                .satisfies(e -> assertThat(DatabaseErrors.rowAtFault(e)).isTrue());
        assertThat(rows("SELECT count(*) AS n FROM windowed_metrics")).containsExactly(Map.of("n", 0L));

        final List<DeadLetter> handedOver = new ArrayList<>();
        final SinkWriter.Written written = writer.write(batch, Map.of(), true, handedOver::addAll);
        assertThat(written.rejected()).singleElement().satisfies(letter -> {
            assertThat(letter.stage()).isEqualTo("write");
            assertThat(letter.record().offset()).isEqualTo(1);
            assertThat(DatabaseErrors.describe(letter.error())).startsWith("SQLState 23514");
        });
        assertThat(handedOver).isEqualTo(written.rejected());
        assertThat(rows("SELECT window_size, events, events_by_type::text AS types, p90_score, final FROM windowed_metrics"))
                .containsExactly(Map.of("window_size", "1m", "events", 10L,
                        "types", "{\"UserLogin\": 6, \"ModuleQuizCompleted\": 4}", "p90_score", 90.0, "final", true));
        assertThat(rows("SELECT count(*) AS n FROM quiz_analytics")).containsExactly(Map.of("n", 1L));
        assertThat(writer.storedOffsets(List.of(new TopicPartition(ResultTopics.WINDOWED_METRICS, 0), QUIZ_0)))
                .containsEntry(new TopicPartition(ResultTopics.WINDOWED_METRICS, 0), 2L).containsEntry(QUIZ_0, 1L);
    }

    @Test
    void aFailureBeforeCommitLeavesNeitherRowsNorOffsets() {
        assertThatThrownBy(() -> writer.write(batch(Records.quizRecord(0, "u1", "m1", 1, 60.0)), Map.of(), false,
                rejected -> {
                    throw new IllegalStateException("dead-letter topic unreachable");
                })).hasMessageContaining("dead-letter topic unreachable");
        assertThat(rows("SELECT count(*) AS n FROM quiz_analytics")).containsExactly(Map.of("n", 0L));
        assertThat(writer.storedOffsets(List.of(QUIZ_0))).isEmpty();
    }

    @Test
    void revisionSignalsKeepTheirScheduleAndReviewTime() {
        final long scheduled = Instant.parse("2026-11-21T08:00:00Z").toEpochMilli();
        write(batch(Records.record(ResultTopics.REVISION_SIGNALS, 0, 0, Records.key("u1", "m1", String.format("%019d", scheduled)),
                Records.signal("u1", "m1", scheduled, null))), Map.of());
        write(batch(Records.record(ResultTopics.REVISION_SIGNALS, 0, 1, Records.key("u1", "m1", String.format("%019d", scheduled)),
                Records.signal("u1", "m1", scheduled, Instant.parse("2026-11-22T09:30:00Z")))),
                Map.of(new TopicPartition(ResultTopics.REVISION_SIGNALS, 0), 1L));
        assertThat(rows("SELECT urgency_level, scheduled_at = TIMESTAMPTZ '2026-11-21 08:00:00+00' AS s, "
                + "reviewed_at = TIMESTAMPTZ '2026-11-22 09:30:00+00' AS r FROM revision_signals"))
                .containsExactly(Map.of("urgency_level", "medium", "s", true, "r", true));
    }

    private static String dump(String table) {
        try (Handle h = jdbi.open()) {
            return String.join("\n", h.createQuery("SELECT to_jsonb(t)::text FROM " + table + " t ORDER BY 1")
                    .mapTo(String.class).list());
        }
    }

    @Test
    void theBinaryCopyAndTheRowByRowPathWriteTheSameTables() {
        final long start = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();
        final long scheduled = Instant.parse("2026-11-21T08:00:00.001Z").toEpochMilli();
        final List<SinkRecord> records = List.of(
                Records.quizRecord(0, "u1", "m1", 1, 60.0),
                Records.quizRecord(1, "Zoë \u00e9\u4e2d\ud83d\ude00 'quote' \\ \"", "m\tab", 3, 99.125),
                Records.quizRecord(2, "", "m1", Long.MAX_VALUE, -0.0),
                Records.record(ResultTopics.WINDOWED_METRICS, 0, 0, Records.windowKey("1m", start), Records.window("1m", start)),
                Records.record(ResultTopics.WINDOWED_METRICS, 0, 1, Records.windowKey("1d", start), Records.window("1d", start)),
                Records.record(ResultTopics.REVISION_SIGNALS, 0, 0, Records.key("u1", "m1", String.format("%019d", scheduled)),
                        Records.signal("u1", "m1", scheduled, null)),
                Records.record(ResultTopics.REVISION_SIGNALS, 0, 1, Records.key("u2", "m1", String.format("%019d", scheduled)),
                        Records.signal("u2", "m1", scheduled, Instant.ofEpochMilli(-1))));
        final List<String> tables = List.of("quiz_analytics", "windowed_metrics", "revision_signals");

        write(batch(records.toArray(SinkRecord[]::new)), Map.of());
        final List<String> copied = tables.stream().map(SinkWriterIT::dump).toList();
        assertThat(copied).allSatisfy(rows -> assertThat(rows).isNotEmpty());
        assertThat(copied.get(0)).contains("Zoë é中😀 'quote' \\\\ \\\"", "9223372036854775807");
        assertThat(copied.get(2)).contains("\"reviewed_at\": null");
        assertThat(rows("SELECT reviewed_at = TIMESTAMPTZ '1969-12-31 23:59:59.999+00' AS before_epoch FROM revision_signals "
                + "WHERE user_id = 'u2'")).containsExactly(Map.of("before_epoch", true));

        writer.reset(SinkTables.all());
        writer.write(batch(records.toArray(SinkRecord[]::new)), Map.of(), true, rejected -> { });
        assertThat(tables.stream().map(SinkWriterIT::dump).toList()).isEqualTo(copied);
    }

    @Test
    void aTimePostgresCannotHoldFailsTheCopyAndIsSetAsideInIsolation() {
        final QuizAnalytics far = Records.quiz("u9", "m1", 1, 50.0);
        far.setLastAttemptedAt(Instant.ofEpochMilli(Long.MAX_VALUE / 2));
        final Batch batch = batch(Records.quizRecord(0, "u1", "m1", 1, 60.0),
                Records.record(ResultTopics.QUIZ_ANALYTICS, 0, 1, Records.quizKey("u9", "m1"), far));

        assertThatThrownBy(() -> write(batch, Map.of()))
                .satisfies(e -> assertThat(DatabaseErrors.rowAtFault(e)).as(DatabaseErrors.describe(e)).isTrue());
        final SinkWriter.Written written = writer.write(batch, Map.of(), true, rejected -> { });
        assertThat(written.rejected()).singleElement().satisfies(letter -> {
            assertThat(letter.record().offset()).isEqualTo(1);
            assertThat(DatabaseErrors.describe(letter.error())).startsWith("SQLState 22008");
        });
        assertThat(rows("SELECT user_id FROM quiz_analytics")).containsExactly(Map.of("user_id", "u1"));
        // After the failure, the next batch is copied again.
        write(batch(Records.quizRecord(2, "u1", "m1", 2, 70.0)), Map.of(QUIZ_0, 2L));
        assertThat(rows("SELECT attempt_count FROM quiz_analytics")).containsExactly(Map.of("attempt_count", 2L));
    }

    @Test
    void startUpRefusesATableWhoseColumnTypeDiffersFromWhatTheSinkWrites() {
        try (Handle h = jdbi.open()) {
            h.execute("ALTER TABLE quiz_analytics ALTER COLUMN attempt_count TYPE integer");
        }
        try {
            assertThatThrownBy(() -> JdbcSink.migrate(config))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("quiz_analytics.attempt_count is int4, the sink writes int8");
        } finally {
            try (Handle h = jdbi.open()) {
                h.execute("ALTER TABLE quiz_analytics ALTER COLUMN attempt_count TYPE bigint");
            }
        }
        JdbcSink.migrate(config);
    }
}
