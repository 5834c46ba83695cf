package dev.learnstream.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's figures for a period, from its daily windows (overall dimension): events, quiz
 * attempts, attempt-weighted average score and failure rate, average daily active learners, and
 * the change against the previous period of the same length.
 */
final class Dashboard {

    private Dashboard() {
    }

    static Map<String, Object> summary(List<Map<String, Object>> days) {
        long events = 0;
        long attempts = 0;
        double scoreSum = 0;
        double failures = 0;
        double activeSum = 0;
        for (final Map<String, Object> day : days) {
            events += number(day.get("events")).longValue();
            final long dayAttempts = number(day.get("quizAttempts")).longValue();
            attempts += dayAttempts;
            if (dayAttempts > 0) {
                scoreSum += number(day.get("averageScore")).doubleValue() * dayAttempts;
                failures += number(day.get("failureRate")).doubleValue() * dayAttempts;
            }
            activeSum += number(day.get("activeLearners")).doubleValue();
        }
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("days", days.size());
        summary.put("events", events);
        summary.put("quizAttempts", attempts);
        summary.put("averageScore", attempts == 0 ? null : scoreSum / attempts);
        summary.put("failureRate", attempts == 0 ? null : failures / attempts);
        summary.put("averageDailyActiveLearners", days.isEmpty() ? null : activeSum / days.size());
        return summary;
    }

    /** Percentage change per figure; null where the previous period has nothing to compare with. */
    static Map<String, Object> change(Map<String, Object> current, Map<String, Object> previous) {
        final Map<String, Object> change = new LinkedHashMap<>();
        for (final String figure : List.of("events", "quizAttempts", "averageScore", "failureRate",
                "averageDailyActiveLearners")) {
            final Object now = current.get(figure);
            final Object before = previous.get(figure);
            change.put(figure, now instanceof Number n && before instanceof Number b && b.doubleValue() != 0
                    ? 100 * (n.doubleValue() - b.doubleValue()) / b.doubleValue() : null);
        }
        return change;
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : 0;
    }
}
