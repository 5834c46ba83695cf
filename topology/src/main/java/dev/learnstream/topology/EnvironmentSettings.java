package dev.learnstream.topology;

import dev.learnstream.memory.Fsrs6;
import dev.learnstream.memory.GradeMapping;
import dev.learnstream.topics.TopicNames;
import java.util.Map;

/**
 * Topology settings from environment variables, each optional with the documented default. A bad
 * value fails at start-up with a message naming the variable: a typo must not silently run with a
 * default.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>LEARNSTREAM_DEDUP_HORIZON</td><td>24h</td></tr>
 *   <tr><td>LEARNSTREAM_DROP_AFTER</td><td>14d</td></tr>
 *   <tr><td>LEARNSTREAM_SCAN_INTERVAL</td><td>30s</td></tr>
 *   <tr><td>LEARNSTREAM_MAX_FUTURE_SKEW</td><td>1d</td></tr>
 *   <tr><td>LEARNSTREAM_MEMORY_WEIGHTS</td><td>the 21 FSRS-6 defaults, comma-separated</td></tr>
 *   <tr><td>LEARNSTREAM_MEMORY_GRADES</td><td>70,80,95 (scores from which Hard, Good, Easy)</td></tr>
 *   <tr><td>LEARNSTREAM_MEMORY_DESIRED_RETENTION</td><td>0.9</td></tr>
 *   <tr><td>LEARNSTREAM_MEMORY_URGENCY</td><td>0.9,0.7 (recall below which medium, high)</td></tr>
 *   <tr><td>LEARNSTREAM_MEMORY_PERSONAL</td><td>true (fit each learner's own weights)</td></tr>
 *   <tr><td>LEARNSTREAM_MEMORY_PERSONAL_MIN_REVIEWS</td><td>100</td></tr>
 *   <tr><td>LEARNSTREAM_STRUGGLE_WINDOW</td><td>30m</td></tr>
 *   <tr><td>LEARNSTREAM_STRUGGLE_FAILURES</td><td>3</td></tr>
 *   <tr><td>LEARNSTREAM_STRUGGLE_SYNTAX_ERRORS</td><td>3</td></tr>
 *   <tr><td>LEARNSTREAM_STRUGGLE_HELP_REQUESTS</td><td>2</td></tr>
 *   <tr><td>LEARNSTREAM_RISK_THRESHOLD</td><td>50</td></tr>
 *   <tr><td>LEARNSTREAM_RISK_INACTIVE_FOR</td><td>14d</td></tr>
 * </table>
 */
public final class EnvironmentSettings {

    private final NamedSettings env;

    private EnvironmentSettings(Map<String, String> env) {
        this.env = new NamedSettings(env);
    }

    /** @throws IllegalArgumentException naming the variable whose value is bad */
    public static TopologySettings read(TopicNames topics, Map<String, ?> serdeConfig, Map<String, String> env) {
        return new EnvironmentSettings(env).topology(topics, serdeConfig);
    }

    private TopologySettings topology(TopicNames topics, Map<String, ?> serdeConfig) {
        final MemorySettings defaults = MemorySettings.DEFAULTS;
        final double[] urgency = env.numbers("LEARNSTREAM_MEMORY_URGENCY", new double[] {defaults.mediumBelow(),
            defaults.highBelow()}, 2);
        final MemorySettings.StruggleRules struggle = build("LEARNSTREAM_STRUGGLE_*", () ->
                new MemorySettings.StruggleRules(env.duration("LEARNSTREAM_STRUGGLE_WINDOW", defaults.struggle().window()),
                        env.integer("LEARNSTREAM_STRUGGLE_FAILURES", defaults.struggle().failures()),
                        env.integer("LEARNSTREAM_STRUGGLE_SYNTAX_ERRORS", defaults.struggle().syntaxErrors()),
                        env.integer("LEARNSTREAM_STRUGGLE_HELP_REQUESTS", defaults.struggle().helpRequests())));
        final MemorySettings.RiskRules risk = defaults.risk();
        final MemorySettings.RiskRules riskRules = build("LEARNSTREAM_RISK_THRESHOLD / LEARNSTREAM_RISK_INACTIVE_FOR", () ->
                new MemorySettings.RiskRules(env.number("LEARNSTREAM_RISK_THRESHOLD", risk.threshold()),
                        env.duration("LEARNSTREAM_RISK_INACTIVE_FOR", risk.inactiveFor()), risk.inactivityWeight(),
                        risk.scoresWeight(), risk.memoryWeight(), risk.revisionsWeight(), risk.revisionGrace()));
        final MemorySettings.Personalization personal = defaults.personal();
        final MemorySettings.Personalization personalization = build("LEARNSTREAM_MEMORY_PERSONAL_MIN_REVIEWS", () ->
                new MemorySettings.Personalization(env.flag("LEARNSTREAM_MEMORY_PERSONAL", personal.enabled()),
                        env.integer("LEARNSTREAM_MEMORY_PERSONAL_MIN_REVIEWS", personal.minimumScored()), personal.growth(),
                        personal.iterations(), personal.learningRate(), personal.prior()));
        final Fsrs6 fsrs = build("LEARNSTREAM_MEMORY_WEIGHTS", () -> new Fsrs6(env.numbers("LEARNSTREAM_MEMORY_WEIGHTS",
                Fsrs6.DEFAULT_WEIGHTS, Fsrs6.WEIGHT_COUNT)));
        final GradeMapping grades = build("LEARNSTREAM_MEMORY_GRADES", () -> {
            final String text = env.text("LEARNSTREAM_MEMORY_GRADES", null);
            return text == null ? defaults.grades() : GradeMapping.parse(text);
        });
        final MemorySettings memory = build("LEARNSTREAM_MEMORY_DESIRED_RETENTION / LEARNSTREAM_MEMORY_URGENCY", () ->
                new MemorySettings(fsrs, grades, env.number("LEARNSTREAM_MEMORY_DESIRED_RETENTION",
                        defaults.desiredRetention()), urgency[0], urgency[1], struggle, riskRules, personalization));
        return build("LEARNSTREAM_DEDUP_HORIZON / DROP_AFTER / SCAN_INTERVAL / MAX_FUTURE_SKEW", () ->
                new TopologySettings(topics, serdeConfig,
                        env.duration("LEARNSTREAM_DEDUP_HORIZON", TopologySettings.DEFAULT_DEDUP_HORIZON),
                        env.duration("LEARNSTREAM_DROP_AFTER", TopologySettings.DEFAULT_DROP_AFTER),
                        env.duration("LEARNSTREAM_SCAN_INTERVAL", TopologySettings.DEFAULT_SCAN_EVERY),
                        env.duration("LEARNSTREAM_MAX_FUTURE_SKEW", TopologySettings.DEFAULT_MAX_FUTURE_SKEW), memory));
    }

    /** Runs a constructor that validates, naming the variables when it refuses. */
    private static <T> T build(String variables, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("LEARNSTREAM_")) {
                throw e;
            }
            throw new IllegalArgumentException(variables + ": " + e.getMessage(), e);
        }
    }
}
