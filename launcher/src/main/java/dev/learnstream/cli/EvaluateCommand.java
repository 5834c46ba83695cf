package dev.learnstream.cli;

import dev.learnstream.memory.AdaptiveFsrsModel;
import dev.learnstream.memory.Evaluation;
import dev.learnstream.memory.Fsrs6;
import dev.learnstream.memory.FsrsRecallModel;
import dev.learnstream.memory.RecallModel;
import dev.learnstream.memory.Review;
import dev.learnstream.memory.ReviewLog;
import dev.learnstream.memory.SeedRuleModel;
import dev.learnstream.memory.WeightFitter;
import dev.learnstream.topology.MemorySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code evaluate --log FILE [--json] [--models a,b]}: replays a review log in time order through
 * each model and prints log loss, RMSE over 20 bins and AUC of predicted recall against the
 * outcome (rating above Again), same-day reviews left out (see {@link Evaluation}).
 */
final class EvaluateCommand {

    /** The models scored unless {@code --models} names others. */
    static final List<String> MODELS = List.of("fsrs-6", "fsrs-6-online", "seed-rule");
    /**
     * Not a forecast: FSRS-6 weights fitted to the whole log, future included, then replayed. Its
     * log loss is about the best any FSRS-6 weights can do on that log, so it shows how far a
     * better fitting of this model could go at most. Only when asked for.
     */
    static final String HINDSIGHT = "fsrs-6-hindsight";
    /** Adam steps for the hindsight fit: on the shared log 200 reach within 0.0001 of 500. */
    private static final int HINDSIGHT_ITERATIONS = 200;

    private EvaluateCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        final Options options = Options.parse("evaluate", args, Set.of("log", "models"), Set.of("json"));
        if (!options.has("log")) {
            throw new UsageException("evaluate: --log FILE is required (CSV card_id,review_rating,review_time,...)");
        }
        final Path log = Path.of(options.string("log", ""));
        if (!Files.isReadable(log)) {
            throw new UsageException("evaluate: --log " + log + " is not a readable file");
        }
        final List<String> names = List.of(options.string("models", String.join(",", MODELS)).split(","));
        final List<Function<List<Review>, RecallModel>> models = new ArrayList<>();
        for (final String name : names) {
            models.add(switch (name.trim()) {
                case "fsrs-6" -> reviews -> new FsrsRecallModel("fsrs-6", Fsrs6.defaults());
                case "fsrs-6-online" -> reviews -> online();
                case "seed-rule" -> reviews -> new SeedRuleModel();
                case HINDSIGHT -> EvaluateCommand::hindsight;
                default -> throw new UsageException("evaluate: --models: unknown model '" + name.trim() + "' (known: "
                        + String.join(", ", MODELS) + ", " + HINDSIGHT + ")");
            });
        }
        final List<Review> reviews;
        try {
            reviews = ReviewLog.read(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        final List<Evaluation.Result> results = new ArrayList<>();
        for (final Function<List<Review>, RecallModel> model : models) {
            results.add(Evaluation.run(reviews, model.apply(reviews)));
        }
        if (options.has("json")) {
            out.println(json(results));
        } else {
            out.printf(Locale.ROOT, "%d reviews; scored: reviews on a later day than the card's previous one%n",
                    reviews.size());
            out.printf(Locale.ROOT, "%-16s %9s %9s %7s %11s%n", "model", "log_loss", "rmse_bins", "auc", "predictions");
            for (final Evaluation.Result result : results) {
                out.printf(Locale.ROOT, "%-16s %9.4f %9.4f %7.4f %11d%n", result.model(), result.logLoss(),
                        result.rmseBins(), result.auc(), result.predictions());
            }
            if (names.stream().anyMatch(name -> name.trim().equals(HINDSIGHT))) {
                out.printf(Locale.ROOT, "%s: weights fitted to the whole log, future included: not a forecast, but about"
                        + " the best any FSRS-6 weights do on this log%n", HINDSIGHT);
            }
        }
        return 0;
    }

    /** The stream's per-learner fitting, with the stream's default settings. */
    static RecallModel online() {
        final MemorySettings.Personalization personal = MemorySettings.Personalization.DEFAULTS;
        return new AdaptiveFsrsModel(new WeightFitter(personal.iterations(), personal.learningRate(), personal.prior()),
                personal.minimumScored(), personal.growth());
    }

    /** FSRS-6 with weights fitted to all of {@code reviews} (no pull towards the defaults), see {@link #HINDSIGHT}. */
    static RecallModel hindsight(List<Review> reviews) {
        final double[] defaults = Fsrs6.defaults().weights();
        final double[] fitted = new WeightFitter(HINDSIGHT_ITERATIONS, MemorySettings.Personalization.DEFAULTS.learningRate(),
                0).fit(new WeightFitter.Series(reviews), defaults, defaults);
        return new FsrsRecallModel(HINDSIGHT, new Fsrs6(fitted));
    }

    static String json(List<Evaluation.Result> results) {
        final StringBuilder json = new StringBuilder("{\"models\":[");
        for (int i = 0; i < results.size(); i++) {
            final Evaluation.Result result = results.get(i);
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"name\":\"%s\",\"log_loss\":%s,\"rmse_bins\":%s,\"auc\":%s,\"predictions\":%d}",
                    result.model(), number(result.logLoss()), number(result.rmseBins()), number(result.auc()),
                    result.predictions()));
        }
        return json.append("]}").toString();
    }

    private static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "null";
    }
}
