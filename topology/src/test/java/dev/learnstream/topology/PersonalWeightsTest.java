package dev.learnstream.topology;

import static dev.learnstream.topology.TestEvents.T0;
import static dev.learnstream.topology.TestEvents.aModuleCompletion;
import static dev.learnstream.topology.TestEvents.aQuiz;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.learnstream.memory.Fsrs6;
import dev.learnstream.memory.Grade;
import dev.learnstream.memory.MemoryState;
import dev.learnstream.results.LearnerWeights;
import dev.learnstream.results.MemoryScore;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-learner FSRS-6 weights fitted online in the stream, from the learner's own past reviews. */
class PersonalWeightsTest {

    private static final MemorySettings.Personalization AFTER_SIX =
            new MemorySettings.Personalization(true, 6, 0.5, 10, 0.02, 0.1);

    private final TopologyFixture fixture = new TopologyFixture("PersonalWeightsTest", Duration.ofDays(14),
            MemorySettings.DEFAULTS.withPersonalization(AFTER_SIX));

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aLearnerWhoForgetsFasterThanTheDefaultsGetsOwnWeightsAndEveryMemoryIsRederived() {
        final String[] modules = {"m1", "m2", "m3"};
        for (final String module : modules) {
            fixture.send(aModuleCompletion().setModule(module).build());
        }
        // Every review two days later fails: this learner forgets much faster than the defaults predict.
        Instant at = T0;
        for (int round = 1; round <= 2; round++) {
            at = at.plus(Duration.ofDays(2));
            fixture.driver.advanceWallClockTime(Duration.ofDays(2));
            for (final String module : modules) {
                fixture.send(aQuiz().setModule(module).setScore(30).setOccurredAt(at).build());
            }
        }
        final KeyValueStore<String, LearnerWeights> weights = fixture.driver.getKeyValueStore(StoreNames.LEARNER_WEIGHTS);
        final LearnerWeights own = weights.get("u1");
        assertThat(own.getScored()).isEqualTo(6);
        assertThat(own.getFits()).isEqualTo(1);
        assertThat(own.getFittedAt()).isEqualTo(at);
        final double[] fitted = own.getWeights().stream().mapToDouble(Double::doubleValue).toArray();
        assertThat(fitted).hasSize(Fsrs6.WEIGHT_COUNT).isNotEqualTo(Fsrs6.DEFAULT_WEIGHTS);

        // The fitted model predicts the failures better than the defaults did.
        final Fsrs6 personal = new Fsrs6(fitted);
        final MemoryState defaultsStudied = Fsrs6.defaults().first(Grade.GOOD);
        final MemoryState personalStudied = personal.first(Grade.GOOD);
        assertThat(personal.retrievability(2, personalStudied.stability()))
                .isLessThan(Fsrs6.defaults().retrievability(2, defaultsStudied.stability()));

        // Each memory now holds the state its reviews give under the learner's weights.
        final MemoryState expected = personal.next(personal.next(personalStudied, 2, Grade.AGAIN), 2, Grade.AGAIN);
        final KeyValueStore<String, MemoryScore> scores = fixture.driver.getKeyValueStore(StoreNames.MEMORY_SCORES);
        for (final String module : modules) {
            final MemoryScore memory = scores.get(Keys.of("u1", module));
            assertThat(memory.getStability()).as(module).isCloseTo(expected.stability(), within(1e-9));
            assertThat(memory.getDifficulty()).as(module).isCloseTo(expected.difficulty(), within(1e-9));
            assertThat(memory.getDecayFactor()).isEqualTo(fitted[20]);
            assertThat(memory.getLapses()).isEqualTo(2);
        }
    }

    @Test
    void withoutEnoughReviewsTheDefaultsStay() {
        fixture.send(aModuleCompletion().build());
        fixture.driver.advanceWallClockTime(Duration.ofDays(1));
        fixture.send(aQuiz().setScore(30).setOccurredAt(T0.plus(Duration.ofDays(1))).build());
        final LearnerWeights own = fixture.driver.<String, LearnerWeights>getKeyValueStore(StoreNames.LEARNER_WEIGHTS)
                .get("u1");
        assertThat(own.getScored()).isEqualTo(1);
        assertThat(own.getFits()).isZero();
        assertThat(own.getWeights()).isEmpty();
        final MemoryScore memory = fixture.driver.<String, MemoryScore>getKeyValueStore(StoreNames.MEMORY_SCORES)
                .get(Keys.of("u1", "dsa-arrays"));
        assertThat(memory.getStability()).isCloseTo(Fsrs6.defaults().next(Fsrs6.defaults().first(Grade.GOOD), 1,
                Grade.AGAIN).stability(), within(1e-12));
    }
}
