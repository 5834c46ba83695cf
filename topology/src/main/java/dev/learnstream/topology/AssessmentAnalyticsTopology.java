package dev.learnstream.topology;

import dev.learnstream.events.AssessmentCompleted;
import dev.learnstream.events.QuestionAnswer;
import dev.learnstream.results.AssessmentAnalytics;
import dev.learnstream.results.QuestionStat;
import java.util.ArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Assessment analytics from completed attempts, repartitioned by assessmentId
 * ({@code attempts-by-assessment}) into store {@value StoreNames#ASSESSMENT_ANALYTICS}: attempts,
 * mean score, pass rate, mean time, a 1-5 difficulty rating, and per question the correct rate and
 * the point-biserial discrimination r = (M1 - M0) / s * sqrt(p q), from running sums so it is exact.
 *
 * <p>Topics written: {@value ResultTopics#ASSESSMENT_ANALYTICS}, and {@code AnalyticsUpdated} events to
 * {@link dev.learnstream.topics.EventTopic#ANALYTICS_EVENTS} ({@link AnalyticsEvents}).
 */
public final class AssessmentAnalyticsTopology {

    private AssessmentAnalyticsTopology() {
    }

    public static void build(TopologySettings settings, KStream<String, SpecificRecord> events) {
        final KStream<String, AssessmentAnalytics> changes = events.filter((key, event) -> event instanceof AssessmentCompleted, Named.as("assessment-completed"))
                .map((key, event) -> org.apache.kafka.streams.KeyValue.pair(((AssessmentCompleted) event).getAssessmentId(),
                        (AssessmentCompleted) event), Named.as("key-by-assessment"))
                .groupByKey(Grouped.with("attempts-by-assessment", Serdes.String(),
                        AvroSerdes.avro(settings.serdeConfig(), AssessmentCompleted.class)))
                .aggregate(AssessmentAnalyticsTopology::empty, (id, attempt, stats) -> apply(stats, attempt),
                        Named.as("assessment-analytics"),
                        AvroSerdes.materialized(StoreNames.ASSESSMENT_ANALYTICS, settings.serdeConfig(), AssessmentAnalytics.class))
                .toStream(Named.as("assessment-analytics-changes"));
        changes.to(ResultTopics.ASSESSMENT_ANALYTICS, Produced.with(Serdes.String(),
                AvroSerdes.avro(settings.serdeConfig(), AssessmentAnalytics.class))
                .withName("write-assessment-analytics"));
        AnalyticsEvents.fromAssessments(settings, changes);
    }

    static AssessmentAnalytics empty() {
        return new AssessmentAnalytics("", "", 0L, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0L, 0L, new ArrayList<>(), null);
    }

    static AssessmentAnalytics apply(AssessmentAnalytics stats, AssessmentCompleted attempt) {
        final double score = attempt.getScore();
        final long n = stats.getTotalAttempts() + 1;
        stats.setAssessmentId(attempt.getAssessmentId());
        stats.setCourseId(attempt.getCourseId());
        stats.setTotalAttempts(n);
        stats.setScoreSum(stats.getScoreSum() + score);
        stats.setScoreSquareSum(stats.getScoreSquareSum() + score * score);
        stats.setPassCount(stats.getPassCount() + (score >= attempt.getPassingScore() ? 1 : 0));
        stats.setTimeSumSeconds(stats.getTimeSumSeconds() + attempt.getTimeSpentSeconds());
        final double mean = stats.getScoreSum() / n;
        stats.setAverageScore(mean);
        stats.setPassRate(100.0 * stats.getPassCount() / n);
        stats.setAverageTimeSpentMinutes(stats.getTimeSumSeconds() / 60.0 / n);
        stats.setDifficultyRating(1.0 + 4.0 * (1.0 - mean / 100.0));
        for (final QuestionAnswer answer : attempt.getAnswers()) {
            final QuestionStat question = question(stats, answer.getQuestionId());
            question.setAnswers(question.getAnswers() + 1);
            if (answer.getCorrect()) {
                question.setCorrect(question.getCorrect() + 1);
                question.setScoreSumCorrect(question.getScoreSumCorrect() + score);
            } else {
                question.setScoreSumIncorrect(question.getScoreSumIncorrect() + score);
            }
        }
        final double variance = Math.max(0.0, stats.getScoreSquareSum() / n - mean * mean);
        for (final QuestionStat question : stats.getQuestionAnalytics()) {
            question.setCorrectRate((double) question.getCorrect() / question.getAnswers());
            question.setDiscrimination(pointBiserial(question, Math.sqrt(variance)));
        }
        if (stats.getUpdatedAt() == null || attempt.getOccurredAt().isAfter(stats.getUpdatedAt())) {
            stats.setUpdatedAt(attempt.getOccurredAt());
        }
        return stats;
    }

    /** r_pb = (M1 - M0) / s * sqrt(p (1 - p)); 0 while undefined (no spread, or everyone alike on the item). */
    static double pointBiserial(QuestionStat question, double scoreStdDev) {
        final long right = question.getCorrect();
        final long wrong = question.getAnswers() - right;
        if (right == 0 || wrong == 0 || scoreStdDev == 0) {
            return 0.0;
        }
        final double p = (double) right / question.getAnswers();
        final double m1 = question.getScoreSumCorrect() / right;
        final double m0 = question.getScoreSumIncorrect() / wrong;
        return (m1 - m0) / scoreStdDev * Math.sqrt(p * (1 - p));
    }

    private static QuestionStat question(AssessmentAnalytics stats, String questionId) {
        for (final QuestionStat question : stats.getQuestionAnalytics()) {
            if (question.getQuestionId().equals(questionId)) {
                return question;
            }
        }
        final QuestionStat question = new QuestionStat(questionId, 0L, 0L, 0.0, 0.0, 0.0, 0.0);
        stats.getQuestionAnalytics().add(question);
        return question;
    }
}
