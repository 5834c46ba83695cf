package dev.learnstream.topology;

import dev.learnstream.memory.Fsrs6;
import dev.learnstream.memory.GradeMapping;
import java.time.Duration;

/**
 * Settings of the memory model, struggle detection and at-risk scoring.
 *
 * @param fsrs             the FSRS-6 model (default weights unless configured)
 * @param grades           quiz score to FSRS grade
 * @param desiredRetention recall probability at which a module is due again (next_review_at)
 * @param mediumBelow      urgency is MEDIUM when recall probability falls below this
 * @param highBelow        urgency is HIGH when recall probability falls below this
 * @param struggle         struggle detection rules
 * @param risk             at-risk scoring rules
 * @param personal         fitting each learner's own weights online
 */
public record MemorySettings(Fsrs6 fsrs, GradeMapping grades, double desiredRetention, double mediumBelow,
                             double highBelow, StruggleRules struggle, RiskRules risk, Personalization personal) {

    public static final MemorySettings DEFAULTS = new MemorySettings(Fsrs6.defaults(), GradeMapping.DEFAULT, 0.9, 0.9,
            0.7, StruggleRules.DEFAULTS, RiskRules.DEFAULTS, Personalization.DEFAULTS);

    /**
     * Per-learner FSRS-6 weights, fitted online from the learner's own past reviews (never later
     * ones): once the learner has {@code minimumScored} reviews on a later day than the module's
     * previous review, and again each time that count has grown by {@code growth}, the weights
     * are refitted ({@link dev.learnstream.memory.WeightFitter}: {@code iterations} Adam steps,
     * pulled towards the defaults by {@code prior}) and every memory of the learner is re-derived
     * with them. Same settings as {@code evaluate}'s fsrs-6-online model.
     */
    public record Personalization(boolean enabled, int minimumScored, double growth, int iterations,
                                  double learningRate, double prior) {

        public static final Personalization DEFAULTS = new Personalization(true, 100, 0.10, 20, 0.02, 0.1);

        public Personalization {
            if (minimumScored < 1 || !(growth > 0) || iterations < 1 || !(learningRate > 0) || prior < 0) {
                throw new IllegalArgumentException("Personalization needs minimumScored >= 1, growth > 0, iterations >= 1,"
                        + " learningRate > 0 and prior >= 0");
            }
        }
    }

    public MemorySettings withPersonalization(Personalization value) {
        return new MemorySettings(fsrs, grades, desiredRetention, mediumBelow, highBelow, struggle, risk, value);
    }

    public MemorySettings {
        if (!(0 < highBelow && highBelow < mediumBelow && mediumBelow < 1)) {
            throw new IllegalArgumentException("Urgency thresholds must satisfy 0 < high < medium < 1, got high="
                    + highBelow + " medium=" + mediumBelow);
        }
        if (personal == null || struggle == null || risk == null || grades == null || fsrs == null) {
            throw new IllegalArgumentException("Every part of the memory settings is required");
        }
        if (!(0 < desiredRetention && desiredRetention < 1)) {
            throw new IllegalArgumentException("Desired retention must be between 0 and 1, got " + desiredRetention);
        }
    }

    /**
     * Struggle detection (seed 004). Within {@code window} on one exercise (or module, when the
     * event names no exercise):
     * <ul>
     *   <li>{@code syntaxErrors} code submissions failing on syntax → SYNTAX_ERROR, "show_syntax_hint";</li>
     *   <li>{@code failures} failed attempts (runtime errors or failing tests, failed exercises,
     *       module quizzes graded Again) → LOGIC_ERROR for code, REPEATED_FAILURE for quizzes,
     *       "review_worked_example" / "revise_module";</li>
     *   <li>{@code helpRequests} help requests → HELP_SEEKING, "offer_tutor_session"; a help request
     *       together with at least one failure on the same concept → CONCEPT_CONFUSION, "explain_concept".</li>
     * </ul>
     * Confidence grows with the evidence: {@code 0.6 + 0.1 × (count − threshold)}, at most 0.95.
     * One report per subject and window; a pass clears the subject's failures.
     */
    public record StruggleRules(Duration window, int failures, int syntaxErrors, int helpRequests) {

        public static final StruggleRules DEFAULTS = new StruggleRules(Duration.ofMinutes(30), 3, 3, 2);

        public StruggleRules {
            if (window == null || window.isZero() || window.isNegative()) {
                throw new IllegalArgumentException("The struggle window must be positive, got " + window);
            }
            if (failures < 1 || syntaxErrors < 1 || helpRequests < 1) {
                throw new IllegalArgumentException("Struggle thresholds must be at least 1, got failures=" + failures
                        + " syntaxErrors=" + syntaxErrors + " helpRequests=" + helpRequests);
            }
        }
    }

    /**
     * At-risk score per (user, course), 0–100, the sum of four explained factors:
     * inactivity ({@code inactivityWeight} × days inactive / {@code inactiveFor}, capped), falling
     * scores ({@code scoresWeight} × drop of the recent quiz average / 20 points, capped), fading
     * memories ({@code memoryWeight} × share of the course's studied modules at medium (half) or
     * high (full) urgency) and missed revisions ({@code revisionsWeight} × signals unanswered for
     * longer than {@code revisionGrace} / 3, capped). At risk from {@code threshold}.
     */
    public record RiskRules(double threshold, Duration inactiveFor, double inactivityWeight, double scoresWeight,
                            double memoryWeight, double revisionsWeight, Duration revisionGrace) {

        public static final RiskRules DEFAULTS = new RiskRules(50, Duration.ofDays(14), 35, 25, 25, 15,
                Duration.ofDays(2));

        public RiskRules {
            if (!(threshold > 0 && threshold <= 100)) {
                throw new IllegalArgumentException("The risk threshold must be in (0, 100], got " + threshold);
            }
            if (inactiveFor == null || inactiveFor.isZero() || inactiveFor.isNegative()) {
                throw new IllegalArgumentException("The inactivity period must be positive, got " + inactiveFor);
            }
            if (inactivityWeight < 0 || scoresWeight < 0 || memoryWeight < 0 || revisionsWeight < 0) {
                throw new IllegalArgumentException("Risk weights must not be negative");
            }
        }
    }
}
