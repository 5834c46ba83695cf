package dev.learnstream.memory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits FSRS-6 weights to one learner's review history by gradient descent (Adam, forward
 * finite differences) on the log loss of the history's own predictions (reviews on a later day
 * than the item's previous one), each weight kept within the bounds the FSRS optimizers use.
 * A pull towards the anchor weights (L2 on range-scaled weights, fading as history grows) keeps a
 * short history from dragging the model somewhere absurd.
 */
public final class WeightFitter {

    /** Lower and upper bounds per weight, as in the FSRS optimizers. */
    static final double[] LOWER = {0.001, 0.001, 0.001, 0.001, 1, 0.001, 0.001, 0.001, 0, 0, 0.001, 0.001, 0.001,
        0.001, 0, 0, 1, 0, 0, 0, 0.1};
    static final double[] UPPER = {100, 100, 100, 100, 10, 4, 4, 0.75, 4.5, 0.8, 3.5, 5, 0.25, 0.9, 4, 1, 6, 2, 2,
        0.8, 0.8};

    private final int iterations;
    private final double learningRate;
    private final double prior;

    /**
     * @param iterations   Adam steps per fit
     * @param learningRate Adam step size, relative to each weight's scale
     * @param prior        strength of the pull towards the anchor weights
     */
    public WeightFitter(int iterations, double learningRate, double prior) {
        if (iterations < 1 || !(learningRate > 0) || prior < 0) {
            throw new IllegalArgumentException("Fitter needs iterations >= 1, learning rate > 0 and prior >= 0");
        }
        this.iterations = iterations;
        this.learningRate = learningRate;
        this.prior = prior;
    }

    /** A review history compiled to arrays: item index, UTC day and grade per review, in time order. */
    public static final class Series {
        final int[] item;
        final long[] day;
        final int[] grade;
        final int[] baseline;
        final int items;

        public Series(List<Review> history) {
            final Map<String, Integer> index = new HashMap<>();
            item = new int[history.size()];
            day = new long[history.size()];
            grade = new int[history.size()];
            baseline = new int[history.size()];
            for (int i = 0; i < history.size(); i++) {
                final Review review = history.get(i);
                item[i] = index.computeIfAbsent(review.key(), k -> index.size());
                day[i] = Days.epochDay(review.at());
                grade[i] = review.grade().value();
                baseline[i] = review.baseline() == null ? 0 : review.baseline().value();
            }
            items = index.size();
        }
    }

    /** Weights fitted to {@code history}, starting from {@code start}, pulled towards {@code anchor}. */
    public double[] fit(Series history, double[] start, double[] anchor) {
        final double[] w = start.clone();
        final double[] m = new double[w.length];
        final double[] v = new double[w.length];
        final double[] gradient = new double[w.length];
        final double beta1 = 0.9;
        final double beta2 = 0.999;
        for (int step = 1; step <= iterations; step++) {
            final double base = objective(history, w, anchor);
            for (int i = 0; i < w.length; i++) {
                final double h = 1e-5 * scale(i, w[i]);
                final double saved = w[i];
                // Probe inwards at the upper bound so the probe stays inside the bounds.
                final double probe = saved + h <= UPPER[i] ? h : -h;
                w[i] = saved + probe;
                gradient[i] = (objective(history, w, anchor) - base) / probe;
                w[i] = saved;
            }
            for (int i = 0; i < w.length; i++) {
                // Adam on weights measured in their own scale: small weights move in small steps.
                final double g = gradient[i] * scale(i, w[i]);
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                final double mHat = m[i] / (1 - Math.pow(beta1, step));
                final double vHat = v[i] / (1 - Math.pow(beta2, step));
                w[i] = clamp(w[i] - learningRate * scale(i, w[i]) * mHat / (Math.sqrt(vHat) + 1e-8), i);
            }
        }
        return w;
    }

    /** The size of a natural step for weight {@code i}: its magnitude, but not below 5% of its range. */
    private static double scale(int i, double value) {
        return Math.max(Math.abs(value), 0.05 * (UPPER[i] - LOWER[i]));
    }

    static double clamp(double value, int i) {
        return Math.min(UPPER[i], Math.max(LOWER[i], value));
    }

    /** Mean log loss of the history's scored reviews under {@code w}, plus the pull towards {@code anchor}. */
    double objective(Series history, double[] w, double[] anchor) {
        final Fsrs6 fsrs = new Fsrs6(w);
        final double[] stability = new double[history.items];
        final double[] difficulty = new double[history.items];
        final long[] lastDay = new long[history.items];
        double loss = 0;
        int scored = 0;
        for (int i = 0; i < history.item.length; i++) {
            final int item = history.item[i];
            final Grade grade = Grade.of(history.grade[i]);
            final MemoryState next;
            if (stability[item] == 0) {
                next = history.baseline[i] == 0 ? fsrs.first(grade) : fsrs.first(grade, Grade.of(history.baseline[i]));
            } else {
                final long elapsed = history.day[i] - lastDay[item];
                if (elapsed > 0) {
                    final double p = Math.min(1 - 1e-6, Math.max(1e-6, fsrs.retrievability(elapsed, stability[item])));
                    loss -= grade.recalled() ? Math.log(p) : Math.log(1 - p);
                    scored++;
                }
                next = fsrs.next(new MemoryState(stability[item], difficulty[item]), elapsed, grade);
            }
            stability[item] = next.stability();
            difficulty[item] = next.difficulty();
            lastDay[item] = history.day[i];
        }
        double penalty = 0;
        for (int i = 0; i < w.length; i++) {
            final double scaled = (w[i] - anchor[i]) / (UPPER[i] - LOWER[i]);
            penalty += scaled * scaled;
        }
        final double pull = prior * penalty * 1000.0 / (1000.0 + scored);
        return scored == 0 ? pull : loss / scored + pull;
    }
}
