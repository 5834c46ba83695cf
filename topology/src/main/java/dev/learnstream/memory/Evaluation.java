package dev.learnstream.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a review log through a recall model in time order and scores its predictions against
 * the outcomes (recalled = grade above Again). Only reviews on a later day than the item's previous
 * review are scored: same-day reviews test short-term memory, not the forgetting curve, and are
 * left out as in the FSRS benchmark. They still update the model.
 *
 * <ul>
 *   <li>log loss: mean of −[y·ln p + (1−y)·ln(1−p)], p clipped to [1e-6, 1 − 1e-6];</li>
 *   <li>RMSE over bins: predictions in 20 equal-width probability bins; per bin the mean
 *       prediction against the observed recall rate; root of the count-weighted mean square;</li>
 *   <li>AUC: probability that a recalled review got a higher prediction than a forgotten one (ties half).</li>
 * </ul>
 */
public final class Evaluation {

    public static final int BINS = 20;

    public record Result(String model, double logLoss, double rmseBins, double auc, int predictions) {
    }

    private Evaluation() {
    }

    public static Result run(List<Review> reviews, RecallModel model) {
        final List<double[]> scored = new ArrayList<>();
        final Map<String, Long> lastAt = new HashMap<>();
        for (final Review review : reviews) {
            final Long previous = lastAt.get(review.key());
            if (previous != null && Days.between(previous, review.at()) > 0) {
                final double p = model.predict(review);
                if (!Double.isNaN(p)) {
                    scored.add(new double[] {p, review.grade().recalled() ? 1 : 0});
                }
            }
            model.observe(review);
            lastAt.put(review.key(), review.at());
        }
        return score(model.name(), scored);
    }

    static Result score(String model, List<double[]> scored) {
        final int n = scored.size();
        if (n == 0) {
            return new Result(model, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double loss = 0;
        final double[] binPredicted = new double[BINS];
        final double[] binObserved = new double[BINS];
        final int[] binCount = new int[BINS];
        for (final double[] row : scored) {
            final double p = Math.min(1 - 1e-6, Math.max(1e-6, row[0]));
            loss -= row[1] * Math.log(p) + (1 - row[1]) * Math.log(1 - p);
            final int bin = Math.min(BINS - 1, (int) (row[0] * BINS));
            binPredicted[bin] += row[0];
            binObserved[bin] += row[1];
            binCount[bin]++;
        }
        double squares = 0;
        for (int b = 0; b < BINS; b++) {
            if (binCount[b] > 0) {
                final double gap = (binPredicted[b] - binObserved[b]) / binCount[b];
                squares += binCount[b] * gap * gap;
            }
        }
        return new Result(model, loss / n, Math.sqrt(squares / n), auc(scored), n);
    }

    /** Mann–Whitney AUC with average ranks for ties. */
    static double auc(List<double[]> scored) {
        final double[][] rows = scored.toArray(new double[0][]);
        Arrays.sort(rows, (a, b) -> Double.compare(a[0], b[0]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < rows.length) {
            int j = i;
            while (j + 1 < rows.length && rows[j + 1][0] == rows[i][0]) {
                j++;
            }
            final double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (rows[k][1] == 1) {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        final long negatives = rows.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
