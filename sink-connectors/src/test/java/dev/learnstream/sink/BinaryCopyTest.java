package dev.learnstream.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.ByteStreamWriter;

/** The binary COPY encoding, byte by byte; SinkWriterIT checks that PostgreSQL reads it back. */
class BinaryCopyTest {

    /** Collects what the encoder sends, in place of a connection. */
    private static final class Captured implements CopyIn {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> writes = new ArrayList<>();
        boolean active = true;
        boolean cancelled;
        SQLException failOnWrite;

        @Override
        public void writeToCopy(byte[] buf, int off, int siz) throws SQLException {
            if (failOnWrite != null) {
                throw failOnWrite;
            }
            bytes.write(buf, off, siz);
            writes.add(siz);
        }

        @Override
        public void writeToCopy(ByteStreamWriter from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flushCopy() {
        }

        @Override
        public long endCopy() {
            active = false;
            return 42;
        }

        @Override
        public int getFieldCount() {
            return 0;
        }

        @Override
        public int getFormat() {
            return 1;
        }

        @Override
        public int getFieldFormat(int field) {
            return 1;
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public void cancelCopy() {
            cancelled = true;
            active = false;
        }

        @Override
        public long getHandledRowCount() {
            return 0;
        }
    }

    private static final List<Column> COLUMNS = List.of(Column.text("t"), Column.integer("i"), Column.bigint("b"),
            Column.number("d"), Column.bool("f"), Column.time("at"), Column.json("j"));

    @Test
    void writesHeaderRowsOfLengthPrefixedFieldsAndTrailer() throws SQLException {
        final Captured copy = new Captured();
        final long at = Instant.parse("2000-01-01T00:00:01.5Z").toEpochMilli();
        final long copied = BinaryCopy.copy(copy, COLUMNS, List.of(
                new Object[] {"é", 7, -2L, 0.5, true, at, "{}"},
                new Object[] {null, null, null, null, null, null, null}));

        assertThat(copied).isEqualTo(42);
        assertThat(copy.active).isFalse();
        assertThat(copy.cancelled).isFalse();
        final ByteBuffer expected = ByteBuffer.allocate(1024);
        expected.put("PGCOPY\n".getBytes(StandardCharsets.US_ASCII)).put((byte) 0xFF).put((byte) '\r').put((byte) '\n')
                .put((byte) 0).putInt(0).putInt(0);
        expected.putShort((short) 7)
                .putInt(2).put("é".getBytes(StandardCharsets.UTF_8))
                .putInt(4).putInt(7)
                .putInt(8).putLong(-2L)
                .putInt(8).putDouble(0.5)
                .putInt(1).put((byte) 1)
                .putInt(8).putLong(1_500_000L)
                .putInt(3).put((byte) 1).put("{}".getBytes(StandardCharsets.UTF_8));
        expected.putShort((short) 7);
        for (int c = 0; c < 7; c++) {
            expected.putInt(-1);
        }
        expected.putShort((short) -1);
        assertThat(copy.bytes.toByteArray()).isEqualTo(Arrays.copyOf(expected.array(), expected.position()));
    }

    @Test
    void largeCopiesAreSentInBoundedChunks() throws SQLException {
        final Captured copy = new Captured();
        final String text = "x".repeat(1000);
        final List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < 2000; r++) {
            rows.add(new Object[] {text, r, (long) r, 1.0, false, 0L, "[]"});
        }
        BinaryCopy.copy(copy, COLUMNS, rows);

        assertThat(copy.writes).hasSizeGreaterThan(5).allSatisfy(size -> assertThat(size).isLessThan(300_000));
        assertThat(copy.bytes.size()).isGreaterThan(2_000_000);
    }

    @Test
    void aFailedWriteCancelsTheCopy() {
        final Captured copy = new Captured();
        copy.failOnWrite = new SQLException("connection reset", "08006");
        assertThatThrownBy(() -> BinaryCopy.copy(copy, COLUMNS, List.<Object[]>of(new Object[] {"a", 1, 1L, 1.0, true, 0L, "1"})))
                .isSameAs(copy.failOnWrite);
        assertThat(copy.cancelled).isTrue();
    }

    @Test
    void timesAreMicrosecondsSince2000AndOutOfRangeTimesStayFinite() {
        assertThat(BinaryCopy.microsSince2000(Instant.parse("2000-01-01T00:00:00Z").toEpochMilli())).isZero();
        assertThat(BinaryCopy.microsSince2000(0L)).isEqualTo(-946_684_800_000_000L);
        assertThat(BinaryCopy.microsSince2000(Instant.parse("2026-11-20T10:15:30.123Z").toEpochMilli()))
                .isEqualTo((Instant.parse("2026-11-20T10:15:30.123Z").toEpochMilli() - 946_684_800_000L) * 1000);
        // ±Long.MAX_VALUE microseconds are PostgreSQL's ±infinity, which it would accept silently.
        assertThat(BinaryCopy.microsSince2000(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(BinaryCopy.microsSince2000(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE + 1);
    }

    @Test
    void mergeUpdatesValueColumnsOnTheKeyAndInsertsTheRest() {
        final TableMapping<?> quiz = SinkTables.quizAnalytics();
        assertThat(quiz.mergeSql())
                .startsWith("MERGE INTO quiz_analytics AS t USING sink_stage_quiz_analytics AS s ON t.user_id = s.user_id AND ")
                .contains(" WHEN MATCHED THEN UPDATE SET attempt_count = s.attempt_count, ")
                .doesNotContain("user_id = s.user_id,")
                .contains(" WHEN NOT MATCHED THEN INSERT (user_id, ");
        assertThat(quiz.stagingDdl()).isEqualTo("CREATE TEMPORARY TABLE IF NOT EXISTS sink_stage_quiz_analytics "
                + "ON COMMIT DELETE ROWS AS SELECT " + quiz.columns().stream().map(Column::name)
                .collect(java.util.stream.Collectors.joining(", ")) + " FROM quiz_analytics WITH NO DATA");
    }

    @Test
    void typeProblemsNameEachMissingOrMistypedColumn() {
        final TableMapping<?> quiz = SinkTables.quizAnalytics();
        final Map<String, String> actual = new java.util.HashMap<>();
        quiz.columns().forEach(c -> actual.put(c.name(), c.type().pgType));
        assertThat(quiz.typeProblems(actual)).isEmpty();

        actual.put("attempt_count", "int4");
        actual.remove("average_score");
        assertThat(quiz.typeProblems(actual)).containsExactlyInAnyOrder(
                "quiz_analytics.attempt_count is int4, the sink writes int8",
                "quiz_analytics.average_score is missing");
    }
}
