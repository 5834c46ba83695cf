package dev.learnstream.sink;

import static dev.learnstream.sink.Column.bigint;
import static dev.learnstream.sink.Column.bool;
import static dev.learnstream.sink.Column.integer;
import static dev.learnstream.sink.Column.json;
import static dev.learnstream.sink.Column.number;
import static dev.learnstream.sink.Column.text;
import static dev.learnstream.sink.Column.time;
import static dev.learnstream.sink.TableMapping.lower;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.learnstream.results.AssessmentAnalytics;
import dev.learnstream.results.AtRiskLearner;
import dev.learnstream.results.CourseAnalytics;
import dev.learnstream.results.DlqCount;
import dev.learnstream.results.LearningProgress;
import dev.learnstream.results.MemoryScore;
import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.results.RevisionSignal;
import dev.learnstream.results.UserAnalytics;
import dev.learnstream.results.UserEngagement;
import dev.learnstream.results.WindowedMetric;
import dev.learnstream.topology.ResultTopics;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every result topic the sink materializes, and its table (see the migrations). Column names
 * follow the seeds (seed 000 for quiz_analytics, memory_scores, revision_signals, user_engagement).
 */
final class SinkTables {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SinkTables() {
    }

    static List<TableMapping<?>> all() {
        return List.of(quizAnalytics(), userEngagement(), userAnalytics(), learningProgress(), courseAnalytics(),
                assessmentAnalytics(), windowedMetrics(), memoryScores(), revisionSignals(), atRiskLearners(),
                dlqCounts());
    }

    static TableMapping<QuizAnalytics> quizAnalytics() {
        final List<Column> keys = List.of(text("user_id"), text("domain"), text("course"), text("module"),
                text("quiz_type"));
        return new TableMapping<>(ResultTopics.QUIZ_ANALYTICS, "quiz_analytics", QuizAnalytics.class, keys,
                parts -> new Object[] {parts[0], parts[1], parts[2], parts[3], quizType(parts[4])},
                List.of(bigint("attempt_count"), number("average_score"), number("average_time_taken"),
                        number("best_score"), number("last_score"), time("last_attempted_at")),
                v -> new Object[] {v.getAttemptCount(), v.getAverageScore(), v.getAverageTimeTakenSeconds(),
                    v.getBestScore(), v.getLastScore(), millis(v.getLastAttemptedAt())});
    }

    private static String quizType(String part) {
        return switch (part) {
            case "DIAGNOSTIC" -> "diagnostic";
            case "MODULE" -> "module";
            default -> throw new UnwritableRecordException("key part quiz_type must be DIAGNOSTIC or MODULE, got '"
                    + part + "'");
        };
    }

    static TableMapping<UserEngagement> userEngagement() {
        final List<Column> keys = List.of(text("user_id"), text("domain"));
        return new TableMapping<>(ResultTopics.USER_ENGAGEMENT, "user_engagement", UserEngagement.class, keys,
                TableMapping.plainKey(keys),
                List.of(integer("modules_started"), integer("modules_completed"), integer("total_quiz_attempts"),
                        bigint("total_time_seconds"), time("last_activity_at"), integer("streak_days"),
                        integer("longest_streak_days")),
                v -> new Object[] {v.getModulesStarted(), v.getModulesCompleted(), v.getTotalQuizAttempts(),
                    v.getTotalTimeSeconds(), millis(v.getLastActivityAt()), v.getStreakDays(), v.getLongestStreakDays()});
    }

    static TableMapping<UserAnalytics> userAnalytics() {
        final List<Column> keys = List.of(text("user_id"));
        return new TableMapping<>(ResultTopics.USER_ANALYTICS, "user_analytics", UserAnalytics.class, keys,
                TableMapping.plainKey(keys),
                List.of(integer("total_courses_enrolled"), integer("total_courses_completed"),
                        number("total_learning_hours"), number("average_score"), bigint("score_count"),
                        time("last_active_at"), integer("streak_days"), integer("longest_streak_days"),
                        text("time_zone"), time("created_at"), json("learning_path"), json("skills_acquired")),
                v -> new Object[] {v.getTotalCoursesEnrolled(), v.getTotalCoursesCompleted(), v.getTotalLearningHours(),
                    v.getAverageScore(), v.getScoreCount(), millis(v.getLastActiveAt()), v.getStreakDays(),
                    v.getLongestStreakDays(), v.getTimeZone(), millis(v.getCreatedAt()), toJson(v.getLearningPath()),
                    toJson(v.getSkillsAcquired())});
    }

    static TableMapping<LearningProgress> learningProgress() {
        final List<Column> keys = List.of(text("user_id"), text("course_id"), text("module_id"));
        return new TableMapping<>(ResultTopics.LEARNING_PROGRESS, "learning_progress", LearningProgress.class, keys,
                TableMapping.plainKey(keys),
                List.of(text("status"), number("progress_percentage"), bigint("time_spent_seconds"),
                        time("last_access_at"), time("completed_at"), number("score")),
                v -> new Object[] {lower(v.getStatus()), v.getProgressPercentage(), v.getTimeSpentSeconds(),
                    millis(v.getLastAccessAt()), millis(v.getCompletedAt()), v.getScore()});
    }

    static TableMapping<CourseAnalytics> courseAnalytics() {
        final List<Column> keys = List.of(text("course_id"));
        return new TableMapping<>(ResultTopics.COURSE_ANALYTICS, "course_analytics", CourseAnalytics.class, keys,
                TableMapping.plainKey(keys),
                List.of(bigint("total_enrollments"), bigint("total_completions"), number("completion_rate"),
                        number("average_score"), number("average_time_to_complete_hours"), bigint("dropouts"),
                        json("module_analytics"), time("updated_at")),
                v -> new Object[] {v.getTotalEnrollments(), v.getTotalCompletions(), v.getCompletionRate(),
                    v.getAverageScore(), v.getAverageTimeToCompleteHours(), v.getDropouts(),
                    toJson(v.getModuleAnalytics().stream().map(m -> ordered("moduleId", m.getModuleId(),
                            "completions", m.getCompletions(), "dropoffs", m.getDropoffs())).toList()),
                    millis(v.getUpdatedAt())});
    }

    static TableMapping<AssessmentAnalytics> assessmentAnalytics() {
        final List<Column> keys = List.of(text("assessment_id"));
        return new TableMapping<>(ResultTopics.ASSESSMENT_ANALYTICS, "assessment_analytics", AssessmentAnalytics.class,
                keys, TableMapping.plainKey(keys),
                List.of(text("course_id"), bigint("total_attempts"), number("average_score"), number("pass_rate"),
                        number("average_time_spent_minutes"), number("difficulty_rating"), json("question_analytics"),
                        time("updated_at")),
                v -> new Object[] {v.getCourseId(), v.getTotalAttempts(), v.getAverageScore(), v.getPassRate(),
                    v.getAverageTimeSpentMinutes(), v.getDifficultyRating(),
                    toJson(v.getQuestionAnalytics().stream().map(q -> ordered("questionId", q.getQuestionId(),
                            "answers", q.getAnswers(), "correct", q.getCorrect(), "correctRate", q.getCorrectRate(),
                            "discrimination", q.getDiscrimination())).toList()),
                    millis(v.getUpdatedAt())});
    }

    static TableMapping<WindowedMetric> windowedMetrics() {
        final List<Column> keys = List.of(text("window_size"), text("dimension"), text("dimension_value"),
                time("window_start"));
        return new TableMapping<>(ResultTopics.WINDOWED_METRICS, "windowed_metrics", WindowedMetric.class, keys,
                TableMapping.plainKey(keys),
                List.of(time("window_end"), bigint("events"), json("events_by_type"), number("active_learners"),
                        bigint("quiz_attempts"), number("average_score"), number("p50_score"), number("p90_score"),
                        number("failure_rate"), bigint("late_events"), bool("final")),
                v -> new Object[] {millis(v.getWindowEnd()), v.getEvents(), toJson(new TreeMap<>(v.getEventsByType())),
                    v.getActiveLearners(), v.getQuizAttempts(), v.getAverageScore(), v.getP50Score(), v.getP90Score(),
                    v.getFailureRate(), v.getLateEvents(), v.getFinal$()});
    }

    static TableMapping<MemoryScore> memoryScores() {
        final List<Column> keys = List.of(text("user_id"), text("module_id"));
        return new TableMapping<>(ResultTopics.MEMORY_SCORES, "memory_scores", MemoryScore.class, keys,
                TableMapping.plainKey(keys),
                List.of(text("domain"), text("course_id"), number("current_score"), number("forgetting_score"),
                        text("revision_urgency"), time("last_reviewed_at"), time("next_review_at"),
                        number("decay_factor"), number("stability"), number("difficulty"), number("retrievability"),
                        integer("reps"), integer("lapses"), number("last_score"), time("computed_at")),
                v -> new Object[] {v.getDomain(), v.getCourseId(), v.getCurrentScore(), v.getForgettingScore(),
                    lower(v.getRevisionUrgency()), millis(v.getLastReviewedAt()), millis(v.getNextReviewAt()),
                    v.getDecayFactor(), v.getStability(), v.getDifficulty(), v.getRetrievability(), v.getReps(),
                    v.getLapses(), v.getLastScore(), millis(v.getComputedAt())});
    }

    static TableMapping<RevisionSignal> revisionSignals() {
        final List<Column> keys = List.of(text("user_id"), text("module_id"), time("scheduled_at"));
        return new TableMapping<>(ResultTopics.REVISION_SIGNALS, "revision_signals", RevisionSignal.class, keys,
                TableMapping.plainKey(keys),
                List.of(text("domain"), text("urgency_level"), time("reviewed_at"), time("created_at")),
                v -> new Object[] {v.getDomain(), lower(v.getUrgencyLevel()), millis(v.getReviewedAt()),
                    millis(v.getCreatedAt())});
    }

    static TableMapping<AtRiskLearner> atRiskLearners() {
        final List<Column> keys = List.of(text("user_id"), text("course_id"));
        return new TableMapping<>(ResultTopics.AT_RISK, "at_risk_learners", AtRiskLearner.class, keys,
                TableMapping.plainKey(keys),
                List.of(number("risk_score"), bool("at_risk"), json("factors"), time("last_activity_at"),
                        time("next_check_at"), time("computed_at")),
                v -> new Object[] {v.getRiskScore(), v.getAtRisk(),
                    toJson(v.getFactors().stream().map(f -> ordered("factor", lower(f.getFactor()), "value", f.getValue(),
                            "contribution", f.getContribution(), "explanation", f.getExplanation())).toList()),
                    millis(v.getLastActivityAt()), millis(v.getNextCheckAt()), millis(v.getComputedAt())});
    }

    static TableMapping<DlqCount> dlqCounts() {
        final List<Column> keys = List.of(text("source_topic"), text("stage"));
        return new TableMapping<>(ResultTopics.DLQ_COUNTS, "dlq_counts", DlqCount.class, keys,
                TableMapping.plainKey(keys),
                List.of(bigint("count"), text("last_error"), time("last_at")),
                v -> new Object[] {v.getCount(), v.getLastError(), millis(v.getLastAt())});
    }

    static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static Map<String, Object> ordered(Object... pairs) {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UnwritableRecordException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The mappings of the given topics, in table order. */
    static List<TableMapping<?>> of(java.util.Collection<String> topics) {
        return all().stream().filter(mapping -> topics.contains(mapping.topic())).toList();
    }

    /** Mappings by topic. */
    static Map<String, TableMapping<?>> byTopic(List<TableMapping<?>> mappings) {
        final Map<String, TableMapping<?>> byTopic = new LinkedHashMap<>();
        mappings.forEach(m -> byTopic.put(m.topic(), m));
        return byTopic;
    }
}
