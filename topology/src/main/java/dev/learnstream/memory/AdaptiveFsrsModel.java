package dev.learnstream.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FSRS-6 whose weights are fitted online to the learner's own past reviews: every time the
 * scored history has grown by a fraction since the last fit, the weights are refitted on the
 * history so far (never on what comes after) and the items' states are replayed with them.
 * Predictions between fits use the latest weights.
 */
public final class AdaptiveFsrsModel implements RecallModel {

    private final WeightFitter fitter;
    private final int minimumScored;
    private final double growth;
    private final List<Review> history = new ArrayList<>();
    private final Map<String, Long> lastAt = new HashMap<>();
    private FsrsRecallModel current;
    private double[] weights = Fsrs6.DEFAULT_WEIGHTS.clone();
    private int scored;
    private int scoredAtLastFit;
    private int fits;

    /**
     * @param fitter        how to fit
     * @param minimumScored scored reviews needed before the first fit
     * @param growth        refit when the scored history has grown by this fraction since the last fit
     */
    public AdaptiveFsrsModel(WeightFitter fitter, int minimumScored, double growth) {
        this.fitter = fitter;
        this.minimumScored = minimumScored;
        this.growth = growth;
        this.current = new FsrsRecallModel("", new Fsrs6(weights));
    }

    @Override
    public String name() {
        return "fsrs-6-online";
    }

    public double[] weights() {
        return weights.clone();
    }

    public int fits() {
        return fits;
    }

    @Override
    public double predict(Review review) {
        return current.predict(review);
    }

    @Override
    public void observe(Review review) {
        final Long previous = lastAt.put(review.key(), review.at());
        if (previous != null && Days.between(previous, review.at()) > 0) {
            scored++;
        }
        history.add(review);
        current.observe(review);
        if (scored >= minimumScored && scored >= scoredAtLastFit * (1 + growth) && scored > scoredAtLastFit) {
            weights = fitter.fit(new WeightFitter.Series(history), weights, Fsrs6.DEFAULT_WEIGHTS);
            scoredAtLastFit = scored;
            fits++;
            current = new FsrsRecallModel("", new Fsrs6(weights));
            history.forEach(current::observe);
        }
    }
}
