package dev.learnstream.memory;

import java.util.Arrays;

/**
 * The FSRS-6 memory model (open-spaced-repetition): a memory has a stability S (days until recall
 * probability falls to 90%) and a difficulty D (1 to 10); each review with a grade moves both.
 * Recall probability after t days is R(t, S) = (1 + f·t/S)^(−w20) with f = 0.9^(−1/w20) − 1, a
 * power curve that fits real forgetting better than Ebbinghaus' exponential.
 *
 * <p>Immutable; the 21 weights are checked at construction. Elapsed time is in days and may be
 * fractional; reviews on the same day as the previous one use the short-term stability formula.
 */
public final class Fsrs6 {

    /** FSRS-6 default weights, as published with the FSRS-6 release (fsrs-rs, py-fsrs, ts-fsrs). */
    public static final double[] DEFAULT_WEIGHTS = {
        0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
        0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
    };

    public static final int WEIGHT_COUNT = 21;
    static final double MIN_STABILITY = 0.001;
    static final double MAX_STABILITY = 36500;
    static final double MIN_DIFFICULTY = 1;
    static final double MAX_DIFFICULTY = 10;

    private static final Fsrs6 DEFAULT = new Fsrs6(DEFAULT_WEIGHTS);

    private final double[] w;
    private final double decay;
    private final double factor;

    public Fsrs6(double[] weights) {
        if (weights == null || weights.length != WEIGHT_COUNT) {
            throw new IllegalArgumentException("FSRS-6 needs " + WEIGHT_COUNT + " weights, got "
                    + (weights == null ? "none" : weights.length));
        }
        for (int i = 0; i < WEIGHT_COUNT; i++) {
            if (!Double.isFinite(weights[i])) {
                throw new IllegalArgumentException("FSRS-6 weight w" + i + " is not a finite number: " + weights[i]);
            }
        }
        if (weights[20] <= 0) {
            throw new IllegalArgumentException("FSRS-6 weight w20 (decay) must be positive, got " + weights[20]);
        }
        this.w = weights.clone();
        this.decay = -w[20];
        this.factor = Math.pow(0.9, 1 / decay) - 1;
    }

    public static Fsrs6 defaults() {
        return DEFAULT;
    }

    public double[] weights() {
        return w.clone();
    }

    /** Probability of recall {@code elapsedDays} after the last review of a memory of stability {@code stability}. */
    public double retrievability(double elapsedDays, double stability) {
        return Math.pow(1 + factor * Math.max(0, elapsedDays) / stability, decay);
    }

    /** Days after the last review at which recall probability falls to {@code retention} (unrounded). */
    public double interval(double stability, double retention) {
        if (!(retention > 0 && retention < 1)) {
            throw new IllegalArgumentException("Retention must be between 0 and 1 (exclusive), got " + retention);
        }
        return stability / factor * (Math.pow(retention, 1 / decay) - 1);
    }

    /** The state after the first review (first study) of a memory. */
    public MemoryState first(Grade grade) {
        return new MemoryState(clampStability(w[grade.value() - 1]), clampDifficulty(initialDifficulty(grade)));
    }

    /**
     * The state after the first study of a memory whose difficulty is set by a baseline grade
     * (e.g. the learner's diagnostic quiz of the domain) rather than by the first grade alone.
     */
    public MemoryState first(Grade grade, Grade baseline) {
        return new MemoryState(clampStability(w[grade.value() - 1]), clampDifficulty(initialDifficulty(baseline)));
    }

    /**
     * The state after a review {@code elapsedDays} after the previous one. An elapsed time below
     * one day counts as a same-day review (short-term formula), as FSRS schedulers do.
     */
    public MemoryState next(MemoryState state, double elapsedDays, Grade grade) {
        final double s = state.stability();
        final double d = state.difficulty();
        final double stability;
        if (elapsedDays < 1) {
            stability = shortTermStability(s, grade);
        } else {
            final double r = retrievability(elapsedDays, s);
            stability = grade == Grade.AGAIN ? forgetStability(d, s, r) : recallStability(d, s, r, grade);
        }
        return new MemoryState(clampStability(stability), nextDifficulty(d, grade));
    }

    double initialDifficulty(Grade grade) {
        return w[4] - Math.exp(w[5] * (grade.value() - 1)) + 1;
    }

    double nextDifficulty(double d, Grade grade) {
        final double delta = -w[6] * (grade.value() - 3);
        // Linear damping: a hard memory moves less the harder it already is.
        final double damped = d + delta * (10 - d) / 9;
        // Mean reversion towards the (unclamped) initial difficulty of an Easy first review.
        return clampDifficulty(w[7] * initialDifficulty(Grade.EASY) + (1 - w[7]) * damped);
    }

    double recallStability(double d, double s, double r, Grade grade) {
        final double hardPenalty = grade == Grade.HARD ? w[15] : 1;
        final double easyBonus = grade == Grade.EASY ? w[16] : 1;
        return s * (1 + Math.exp(w[8]) * (11 - d) * Math.pow(s, -w[9]) * (Math.exp(w[10] * (1 - r)) - 1)
                * hardPenalty * easyBonus);
    }

    double forgetStability(double d, double s, double r) {
        final double longTerm = w[11] * Math.pow(d, -w[12]) * (Math.pow(s + 1, w[13]) - 1) * Math.exp(w[14] * (1 - r));
        // A lapse never leaves the memory more stable than a same-day Again would.
        final double shortTermCap = s / Math.exp(w[17] * w[18]);
        return Math.min(longTerm, shortTermCap);
    }

    double shortTermStability(double s, Grade grade) {
        double increase = Math.exp(w[17] * (grade.value() - 3 + w[18])) * Math.pow(s, -w[19]);
        if (grade.recalled()) {
            // A recalled same-day review (Hard or better) never lowers stability.
            increase = Math.max(increase, 1);
        }
        return s * increase;
    }

    private static double clampStability(double s) {
        return Math.min(MAX_STABILITY, Math.max(MIN_STABILITY, s));
    }

    private static double clampDifficulty(double d) {
        return Math.min(MAX_DIFFICULTY, Math.max(MIN_DIFFICULTY, d));
    }

    @Override
    public String toString() {
        return "Fsrs6" + Arrays.toString(w);
    }
}
