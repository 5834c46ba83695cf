package dev.learnstream.topology;

import dev.learnstream.memory.Days;
import dev.learnstream.memory.Fsrs6;
import dev.learnstream.results.AtRiskLearner;
import dev.learnstream.results.MemoryScore;
import dev.learnstream.results.RiskFactor;
import dev.learnstream.results.RiskFactorKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The at-risk score of a learner in a course ({@link MemorySettings.RiskRules}), kept current in
 * {@value StoreNames#AT_RISK} and forwarded when it crosses the threshold either way. Re-evaluated
 * on the learner's activity in the course, on urgency crossings of its modules, when a revision
 * signal's grace runs out, and at the time inactivity alone would carry it over the threshold
 * (the last two indexed in {@value StoreNames#MEMORY_ALERTS}).
 */
final class RiskScorer {

    /** How many recent quiz scores are kept to see a trend. */
    static final int RECENT_SCORES = 6;
    /** No check is needed: already at risk, or inactivity alone cannot carry the score over. */
    private static final long NEVER = Long.MAX_VALUE;

    interface Emitter {
        void emit(String key, AtRiskLearner row, long time);
    }

    private final MemorySettings.RiskRules rules;
    private final Function<String, Fsrs6> fsrs;
    private final double mediumBelow;
    private final double highBelow;
    private final KeyValueStore<String, AtRiskLearner> store;
    private final KeyValueStore<String, String> alerts;
    private final BiFunction<String, String, List<MemoryScore>> memories;
    private final Emitter emitter;

    RiskScorer(MemorySettings settings, Function<String, Fsrs6> fsrs, KeyValueStore<String, AtRiskLearner> store,
               KeyValueStore<String, String> alerts, BiFunction<String, String, List<MemoryScore>> memories,
               Emitter emitter) {
        this.rules = settings.risk();
        this.fsrs = fsrs;
        this.mediumBelow = settings.mediumBelow();
        this.highBelow = settings.highBelow();
        this.store = store;
        this.alerts = alerts;
        this.memories = memories;
        this.emitter = emitter;
    }

    static String key(String user, String courseId) {
        return Keys.of(user, courseId);
    }

    /**
     * Activity of the learner in the course, with its module quiz score if it was one.
     * {@code memoryChanged}: the event studied or reviewed a module, so the memory factors must
     * be recounted; other activity only resets inactivity.
     */
    void activity(String user, String courseId, Double quizScore, boolean memoryChanged, long time) {
        final AtRiskLearner row = rowOrNew(user, courseId);
        if (row.getLastActivityAt() == null || row.getLastActivityAt().toEpochMilli() < time) {
            row.setLastActivityAt(Instant.ofEpochMilli(time));
        }
        if (quizScore != null) {
            final List<Double> recent = new ArrayList<>(row.getRecentScores());
            recent.add(quizScore);
            while (recent.size() > RECENT_SCORES) {
                recent.remove(0);
            }
            row.setRecentScores(recent);
        }
        evaluate(row, time, memoryChanged);
    }

    void recheck(String user, String courseId, long now) {
        final AtRiskLearner row = store.get(key(user, courseId));
        if (row != null) {
            evaluate(row, now, true);
        }
    }

    private AtRiskLearner rowOrNew(String user, String courseId) {
        final AtRiskLearner row = store.get(key(user, courseId));
        return row != null ? row : new AtRiskLearner(user, courseId, 0.0, false, new ArrayList<>(), null,
                new ArrayList<>(), null, Instant.EPOCH);
    }

    /**
     * Scores the row as of {@code now}. The memory factors only change when a memory is studied or
     * reviewed, crosses an urgency threshold or a signal's grace runs out (all of which come with
     * {@code recountMemories}); otherwise their last values stand, which spares a scan of the
     * learner's memories on every event.
     */
    private void evaluate(AtRiskLearner row, long now, boolean recountMemories) {
        final boolean wasAtRisk = row.getAtRisk();
        final String key = key(row.getUserId(), row.getCourseId());
        // An index entry due by now has fired (or fires in this punctuation): it no longer counts.
        final Long indexed = row.getNextCheckAt() != null && row.getNextCheckAt().toEpochMilli() > now
                ? row.getNextCheckAt().toEpochMilli() : null;
        row.setNextCheckAt(null);
        final List<RiskFactor> factors = new ArrayList<>();
        final double inactiveDays = row.getLastActivityAt() == null ? 0
                : Days.fractional(row.getLastActivityAt().toEpochMilli(), now);
        final double inactivity = inactivityPoints(inactiveDays);
        final List<RiskFactor> previous = row.getFactors();
        // Most evaluations follow activity (no inactivity) without a new quiz score (the same drop):
        // those factors are the ones already in the row, and writing their text again costs a
        // BigDecimal and a string each, at nearly every event.
        factors.add(reused(previous, RiskFactorKind.INACTIVITY, inactiveDays, inactivity, () -> new RiskFactor(
                RiskFactorKind.INACTIVITY, inactiveDays, inactivity,
                oneDecimal(inactiveDays) + " days without activity in the course")));

        final double drop = scoreDrop(row.getRecentScores());
        final double dropPoints = rules.scoresWeight() * Math.min(1, drop / 20);
        factors.add(reused(previous, RiskFactorKind.FALLING_SCORES, drop, dropPoints, () -> new RiskFactor(
                RiskFactorKind.FALLING_SCORES, drop, dropPoints,
                "recent quiz average " + oneDecimal(drop) + " points below the earlier one")));

        boolean known = false;
        for (final RiskFactor factor : previous) {
            known |= factor.getFactor() == RiskFactorKind.FADING_MEMORIES;
        }
        if (!recountMemories && known) {
            for (final RiskFactor factor : previous) {
                if (factor.getFactor() == RiskFactorKind.FADING_MEMORIES
                        || factor.getFactor() == RiskFactorKind.MISSED_REVISIONS) {
                    factors.add(factor);
                }
            }
        } else {
            memoryFactors(row, now, factors);
        }
        finish(row, now, factors, inactivity, wasAtRisk, key, indexed);
    }

    /** The row's factor of this kind if it has the same value and contribution, else a new one. */
    private static RiskFactor reused(List<RiskFactor> previous, RiskFactorKind kind, double value,
                                     double contribution, Supplier<RiskFactor> fresh) {
        for (final RiskFactor factor : previous) {
            if (factor.getFactor() == kind) {
                return factor.getValue() == value && factor.getContribution() == contribution ? factor : fresh.get();
            }
        }
        return fresh.get();
    }

    private void memoryFactors(AtRiskLearner row, long now, List<RiskFactor> factors) {
        double fading = 0;
        int missed = 0;
        final List<MemoryScore> modules = memories.apply(row.getUserId(), row.getCourseId());
        final Fsrs6 learnerFsrs = modules.isEmpty() ? null : fsrs.apply(row.getUserId());
        for (final MemoryScore memory : modules) {
            final double r = learnerFsrs.retrievability(Days.fractional(memory.getLastReviewedAt().toEpochMilli(), now),
                    memory.getStability());
            fading += r < highBelow ? 1 : r < mediumBelow ? 0.5 : 0;
            for (final Instant scheduledAt : memory.getOpenSignals()) {
                if (now - scheduledAt.toEpochMilli() > rules.revisionGrace().toMillis()) {
                    missed++;
                }
            }
        }
        final double fadingShare = modules.isEmpty() ? 0 : fading / modules.size();
        factors.add(new RiskFactor(RiskFactorKind.FADING_MEMORIES, fadingShare, rules.memoryWeight() * fadingShare,
                // Math.round is %.0f for a share in 0..100 (both round half up), without a Formatter per review.
                Math.round(100 * fadingShare) + "% of studied modules fading (high counts full, medium half)"));
        factors.add(new RiskFactor(RiskFactorKind.MISSED_REVISIONS, (double) missed,
                rules.revisionsWeight() * Math.min(1, missed / 3.0),
                missed + " revision signal(s) unanswered for more than " + rules.revisionGrace().toDays() + " days"));
    }

    private void finish(AtRiskLearner row, long now, List<RiskFactor> factors, double inactivity, boolean wasAtRisk,
                        String key, Long indexed) {
        factors.sort(Comparator.comparingDouble(RiskFactor::getContribution).reversed());
        double sum = 0;
        for (final RiskFactor factor : factors) {
            sum += factor.getContribution();
        }
        final double score = Math.min(100, sum);
        row.setFactors(factors);
        row.setRiskScore(score);
        row.setAtRisk(score >= rules.threshold());
        row.setComputedAt(Instant.ofEpochMilli(now));
        final long checkAt = !row.getAtRisk() && row.getLastActivityAt() != null ? checkTime(row, score - inactivity) : NEVER;
        indexCheck(row, checkAt, indexed);
        store.put(key, row);
        if (row.getAtRisk() != wasAtRisk) {
            emitter.emit(key, row, now);
        }
    }

    /** When inactivity alone would carry the score to the threshold, or {@link #NEVER}. */
    private long checkTime(AtRiskLearner row, double otherPoints) {
        final double needed = rules.threshold() - otherPoints;
        if (needed <= 0 || needed > rules.inactivityWeight()) {
            return NEVER;
        }
        final double days = needed / rules.inactivityWeight() * (rules.inactiveFor().toMillis() / 86_400_000.0);
        return row.getLastActivityAt().toEpochMilli() + MemoryProcessor.days(days) + 1;
    }

    /**
     * Keeps one index entry due no later than the row's next check. Activity moves the check later
     * on nearly every event; an entry already due earlier stays where it is (when it fires, the
     * row is scored again and indexed at its real time), which spares a delete and a put per event.
     */
    private void indexCheck(AtRiskLearner row, long checkAt, Long indexed) {
        if (indexed != null && indexed <= checkAt) {
            row.setNextCheckAt(Instant.ofEpochMilli(indexed));
            return;
        }
        if (indexed != null) {
            alerts.delete(checkKey(indexed, row));
        }
        if (checkAt != NEVER) {
            row.setNextCheckAt(Instant.ofEpochMilli(checkAt));
            alerts.put(checkKey(checkAt, row), "");
        }
    }

    /** An extra re-evaluation at {@code at}, e.g. when a revision signal becomes missed. */
    void scheduleCheck(String user, String courseId, long at) {
        alerts.put(Keys.of(Keys.time(at), MemoryProcessor.RISK_CHECK, user, courseId), "");
    }

    private static String checkKey(long at, AtRiskLearner row) {
        return Keys.of(Keys.time(at), MemoryProcessor.RISK_CHECK, row.getUserId(), row.getCourseId());
    }

    /**
     * {@code %.1f} without a Formatter (this runs on every event): both round the shortest decimal
     * form of the double half up.
     */
    static String oneDecimal(double value) {
        return java.math.BigDecimal.valueOf(value).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    private double inactivityPoints(double days) {
        return rules.inactivityWeight() * Math.min(1, days / (rules.inactiveFor().toMillis() / 86_400_000.0));
    }

    /** Earlier half's average minus the later half's, with at least three scores; 0 if rising. */
    static double scoreDrop(List<Double> recent) {
        if (recent.size() < 3) {
            return 0;
        }
        final int half = recent.size() / 2;
        double earlier = 0;
        double later = 0;
        for (int i = 0; i < recent.size(); i++) {
            if (i < half) {
                earlier += recent.get(i);
            } else {
                later += recent.get(i);
            }
        }
        return Math.max(0, earlier / half - later / (recent.size() - half));
    }
}
