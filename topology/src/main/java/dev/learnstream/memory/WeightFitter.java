package dev.learnstream.memory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits FSRS-6 weights to one learner's review history by gradient descent (Adam, forward
 * finite differences) on the log loss of the history's own predictions, each weight kept within
 * the bounds the FSRS optimizers use. A pull towards the starting weights (L2, weighted by how
 * little history there is) keeps a short history from dragging the model somewhere absurd.
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
     * @param learningRate Adam step size, relative to each weight's range
     * @param prior        strength of the pull towards the starting weights (per scored review)
     */
    public WeightFitter(int iterations, double learningRate, double prior) {
        this.iterations = iterations;
        this.learningRate = learningRate;
        this.prior = prior;
    }

    /** Weights fitted to {@code history} (time-ordered), starting from {@code start}. */
    public double[] fit(List<Review> history, double[] start, double[] anchor) {
        final double[] w = start.clone();
        final double[] m = new double[w.length];
        final double[] v = new double[w.length];
        final double[] gradient = new double[w.length];
        final double beta1 = 0.9;
        final double beta2 = 0.999;
        for (int step = 1; step <= iterations; step++) {
            final double base = objective(history, w, anchor);
            for (int i = 0; i < w.length; i++) {
                final double range = UPPER[i] - LOWER[i];
                final double h = 1e-4 * range;
                final double saved = w[i];
                // Step inwards at the upper bound so the probe stays inside the bounds.
                final double probe = saved + h <= UPPER[i] ? h : -h;
                w[i] = saved + probe;
                gradient[i] = (objective(history, w, anchor) - base) / probe * range;
                w[i] = saved;
            }
            for (int i = 0; i < w.length; i++) {
                m[i] = beta1 * m[i] + (1 - beta1) * gradient[i];
                v[i] = beta2 * v[i] + (1 - beta2) * gradient[i] * gradient[i];
                final double mHat = m[i] / (1 - Math.pow(beta1, step));
                final double vHat = v[i] / (1 - Math.pow(beta2, step));
                final double range = UPPER[i] - LOWER[i];
                w[i] = clamp(w[i] - learningRate * range * mHat / (Math.sqrt(vHat) + 1e-8), i);
            }
        }
        return w;
    }

    static double clamp(double value, int i) {
        return Math.min(UPPER[i], Math.max(LOWER[i], value));
    }

    /** Mean log loss of the history's scored reviews under {@code w}, plus the pull towards {@code anchor}. */
    double objective(List<Review> history, double[] w, double[] anchor) {
        final Fsrs6 fsrs = new Fsrs6(w);
        final Map<String, long[]> last = new HashMap<>();
        final Map<String, MemoryState> states = new HashMap<>();
        double loss = 0;
        int scored = 0;
        for (final Review review : history) {
            final MemoryState state = states.get(review.key());
            final MemoryState next;
            if (state == null) {
                next = fsrs.first(review.grade());
            } else {
                final long elapsed = Days.between(last.get(review.key())[0], review.at());
                if (elapsed > 0) {
                    final double p = Math.min(1 - 1e-6, Math.max(1e-6, fsrs.retrievability(elapsed, state.stability())));
                    loss -= review.grade().recalled() ? Math.log(p) : Math.log(1 - p);
                    scored++;
                }
                next = fsrs.next(state, elapsed, review.grade());
            }
            states.put(review.key(), next);
            last.computeIfAbsent(review.key(), k -> new long[1])[0] = review.at();
        }
        double penalty = 0;
        for (int i = 0; i < w.length; i++) {
            final double scaled = (w[i] - anchor[i]) / (UPPER[i] - LOWER[i]);
            penalty += scaled * scaled;
        }
        return scored == 0 ? prior * penalty : loss / scored + prior * penalty * 1000.0 / (1000.0 + scored);
    }
}
