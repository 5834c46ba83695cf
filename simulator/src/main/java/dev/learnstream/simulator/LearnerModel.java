package dev.learnstream.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One simulated learner: fixed traits drawn at sign-up, and what they have studied. Memory of a
 * module follows a power forgetting curve R = (1 + t / (9 S))^-1 whose stability S grows with
 * successful reviews and with ability, so stronger learners forget more slowly.
 */
final class LearnerModel {

    private static final List<String> TIME_ZONES = List.of("UTC", "Europe/London", "Europe/Paris", "America/New_York",
            "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo");

    /** Memory of one module. */
    static final class Memory {
        Instant lastReview;
        double stabilityDays;
        int reviews;

        Memory(Instant lastReview, double stabilityDays) {
            this.lastReview = lastReview;
            this.stabilityDays = stabilityDays;
        }

        double retrievability(Instant now) {
            final double days = Math.max(0, Duration.between(lastReview, now).toSeconds()) / 86_400.0;
            return 1.0 / (1.0 + days / (9.0 * stabilityDays));
        }
    }

    final String userId;
    final double ability;
    final double memoryStrength;
    final double dropoutPropensity;
    final String timeZone;
    final int platform;

    boolean created;
    boolean quit;
    String domain;
    Catalog.Course course;
    int nextModule;
    int assessmentAttempts;
    int sessions;
    final Map<String, Memory> memories = new HashMap<>();

    LearnerModel(String userId, Random random) {
        this(userId, clamp(0.6 + random.nextGaussian() * 0.15, 0.15, 0.98), random);
    }

    LearnerModel(String userId, double ability, Random random) {
        this.userId = userId;
        this.ability = ability;
        this.memoryStrength = 0.5 + 2.0 * ability;
        this.dropoutPropensity = 0.01 + 0.06 * (1 - ability) * random.nextDouble();
        this.timeZone = TIME_ZONES.get(random.nextInt(TIME_ZONES.size()));
        this.platform = random.nextInt(4);
    }

    /** Quiz score of a review now: recall times skill, with noise, 0 to 100. */
    double quizScore(Memory memory, Instant now, Random random) {
        final double recall = memory.retrievability(now);
        final double expected = 100.0 * recall * (0.55 + 0.45 * ability);
        return Math.round(clamp(expected + random.nextGaussian() * 6.0, 0, 100) * 10) / 10.0;
    }

    /** A review strengthens memory when it succeeds and weakens it when it fails. */
    void review(Memory memory, double score, Instant now) {
        memory.stabilityDays = score >= 70
                ? memory.stabilityDays * (1.2 + 1.5 * ability)
                : Math.max(0.3, memory.stabilityDays * 0.5);
        memory.lastReview = now;
        memory.reviews++;
    }

    Memory study(String module, Instant now) {
        final Memory memory = new Memory(now, memoryStrength * (0.8 + 1.5 * ability));
        memories.put(module, memory);
        return memory;
    }

    /** Probability of answering a question of difficulty {@code d} correctly (a Rasch-like model). */
    double pCorrect(double difficulty) {
        return 1.0 / (1.0 + Math.exp(-(4.0 * (ability - 0.5) + 0.8 - difficulty)));
    }

    static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
