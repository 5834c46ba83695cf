package dev.learnstream.topology;

import static dev.learnstream.topology.TestEvents.T0;
import static dev.learnstream.topology.TestEvents.aCourse;
import static dev.learnstream.topology.TestEvents.aDiagnostic;
import static dev.learnstream.topology.TestEvents.aModuleCompletion;
import static dev.learnstream.topology.TestEvents.aQuiz;
import static dev.learnstream.topology.TestEvents.anEnrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.learnstream.events.RevisionRecommendation;
import dev.learnstream.events.Urgency;
import dev.learnstream.memory.Fsrs6;
import dev.learnstream.memory.Grade;
import dev.learnstream.memory.MemoryState;
import dev.learnstream.results.AtRiskLearner;
import dev.learnstream.results.MemoryScore;
import dev.learnstream.results.MemoryUrgency;
import dev.learnstream.results.RevisionSignal;
import dev.learnstream.results.RiskFactor;
import dev.learnstream.results.RiskFactorKind;
import dev.learnstream.topics.EventTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The memory model sub-topology: FSRS-6 state transitions, urgency crossings found by the
 * wall-clock punctuator (each announced once), revision signals answered by the next review, and
 * the at-risk score.
 */
class MemoryModelTest {

    private static final Fsrs6 FSRS = Fsrs6.defaults();
    private static final long DAY = 86_400_000L;

    private final TopologyFixture fixture = new TopologyFixture("MemoryModelTest");
    private final TestOutputTopic<String, MemoryScore> scores = fixture.output(ResultTopics.MEMORY_SCORES);
    private final TestOutputTopic<String, RevisionSignal> signals = fixture.output(ResultTopics.REVISION_SIGNALS);
    private final TestOutputTopic<String, RevisionRecommendation> recommendations =
            fixture.output(fixture.names.name(EventTopic.REVISION_RECOMMENDATIONS));
    private final TestOutputTopic<String, AtRiskLearner> risk = fixture.output(ResultTopics.AT_RISK);

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void firstStudyThenQuizReviewsFollowFsrs() {
        fixture.send(aModuleCompletion().build());
        // Event times up to a day ahead of the wall clock are valid, so no wall time has to pass.
        fixture.send(aQuiz().setScore(85).setOccurredAt(T0.plus(Duration.ofDays(1))).build());
        fixture.send(aQuiz().setScore(50).setOccurredAt(T0.plus(Duration.ofDays(1)).plusSeconds(600)).build());

        final MemoryState studied = FSRS.first(Grade.GOOD);
        final MemoryState reviewed = FSRS.next(studied, 1, Grade.GOOD);
        final MemoryState failedSameDay = FSRS.next(reviewed, 0, Grade.AGAIN);
        final List<KeyValue<String, MemoryScore>> out = scores.readKeyValuesToList();
        assertThat(out).extracting(kv -> kv.key).containsOnly(Keys.of("u1", "dsa-arrays")).hasSize(3);
        assertMemory(out.get(0).value, studied, 1, 0, T0);
        assertMemory(out.get(1).value, reviewed, 2, 0, T0.plus(Duration.ofDays(1)));
        assertMemory(out.get(2).value, failedSameDay, 3, 1, T0.plus(Duration.ofDays(1)).plusSeconds(600));
        assertThat(out.get(2).value.getLastScore()).isEqualTo(50.0);
        assertThat(out.get(2).value.getCurrentScore()).isEqualTo(100.0);
        assertThat(out.get(2).value.getRevisionUrgency()).isEqualTo(MemoryUrgency.LOW);
        assertThat(out.get(2).value.getNextReviewAt()).isEqualTo(T0.plus(Duration.ofDays(1)).plusSeconds(600)
                .plusMillis(MemoryProcessor.days(FSRS.interval(failedSameDay.stability(), 0.9))));
        final KeyValueStore<String, MemoryScore> store = fixture.driver.getKeyValueStore(StoreNames.MEMORY_SCORES);
        assertThat(store.get(Keys.of("u1", "dsa-arrays"))).isEqualTo(out.get(2).value);
        assertThat(recommendations.isEmpty()).isTrue();
    }

    @Test
    void diagnosticSetsTheBaselineDifficultyOfTheDomainsModules() {
        fixture.send(aDiagnostic().setScore(96).build());
        fixture.send(aModuleCompletion().setOccurredAt(T0.plusSeconds(60)).build());
        fixture.send(aModuleCompletion().setDomain("web").setModule("web-html").setCourse("web-101")
                .setOccurredAt(T0.plusSeconds(120)).build());

        final List<MemoryScore> out = scores.readValuesToList();
        assertThat(out).hasSize(2);
        assertMemory(out.get(0), FSRS.first(Grade.GOOD, Grade.EASY), 1, 0, T0.plusSeconds(60));
        assertMemory(out.get(1), FSRS.first(Grade.GOOD), 1, 0, T0.plusSeconds(120));
        assertThat(out.get(0).getDifficulty()).isLessThan(out.get(1).getDifficulty());
    }

    @Test
    void eachUrgencyCrossingIsAnnouncedOnceAndTheNextReviewAnswersIt() {
        fixture.send(aModuleCompletion().build());
        scores.readValuesToList();
        final MemoryState studied = FSRS.first(Grade.GOOD);
        final Instant mediumAt = T0.plusMillis(MemoryProcessor.days(FSRS.interval(studied.stability(), 0.9)));
        final Instant highAt = T0.plusMillis(MemoryProcessor.days(FSRS.interval(studied.stability(), 0.7)));

        // Just before the medium crossing: punctuations find nothing due.
        fixture.driver.advanceWallClockTime(Duration.between(T0, mediumAt).minusMinutes(1));
        assertThat(recommendations.isEmpty()).isTrue();
        assertThat(signals.isEmpty()).isTrue();

        fixture.driver.advanceWallClockTime(Duration.ofMinutes(2));
        final Instant firstNow = mediumAt.plusSeconds(60);
        final List<KeyValue<String, RevisionRecommendation>> medium = recommendations.readKeyValuesToList();
        assertThat(medium).hasSize(1);
        assertThat(medium.get(0).key).isEqualTo("u1");
        final RevisionRecommendation first = medium.get(0).value;
        assertThat(first.getUrgency()).isEqualTo(Urgency.MEDIUM);
        assertThat(first.getModule()).isEqualTo("dsa-arrays");
        assertThat(first.getDomain()).isEqualTo("dsa");
        assertThat(first.getRetrievability()).isCloseTo(FSRS.retrievability(
                Duration.between(T0, firstNow).toMillis() / (double) DAY, studied.stability()), within(1e-9));
        assertThat(first.getLastReviewedAt()).isEqualTo(T0);
        assertThat(first.getOccurredAt()).isEqualTo(firstNow);
        assertThat(signals.readKeyValuesToList()).containsExactly(new KeyValue<>(
                MemoryProcessor.signalKey("u1", "dsa-arrays", mediumAt.toEpochMilli()),
                new RevisionSignal("u1", "dsa", "dsa-arrays", MemoryUrgency.MEDIUM, mediumAt, null, firstNow)));
        final MemoryScore afterMedium = scores.readValue();
        assertThat(afterMedium.getRevisionUrgency()).isEqualTo(MemoryUrgency.MEDIUM);
        assertThat(afterMedium.getAlertedUrgency()).isEqualTo(MemoryUrgency.MEDIUM);
        assertThat(afterMedium.getOpenSignals()).containsExactly(mediumAt);

        // Many punctuations later, still above 0.7: nothing more.
        for (int i = 0; i < 10; i++) {
            fixture.driver.advanceWallClockTime(Duration.ofMinutes(30));
        }
        assertThat(recommendations.isEmpty()).isTrue();
        assertThat(scores.isEmpty()).isTrue();

        // The effective clock is the last event time (T0) plus the wall time since it was seen.
        final Instant secondNow = highAt.plusSeconds(30);
        fixture.driver.advanceWallClockTime(Duration.between(firstNow.plus(Duration.ofMinutes(300)), secondNow));
        final List<RevisionRecommendation> high = recommendations.readValuesToList();
        assertThat(high).extracting(RevisionRecommendation::getUrgency).containsExactly(Urgency.HIGH);
        assertThat(signals.readValuesToList()).extracting(RevisionSignal::getUrgencyLevel, RevisionSignal::getScheduledAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MemoryUrgency.HIGH, highAt));
        scores.readValuesToList();

        // Nothing is left to announce, however long the learner stays away.
        fixture.driver.advanceWallClockTime(Duration.ofDays(30));
        assertThat(recommendations.isEmpty()).isTrue();
        assertThat(signals.isEmpty()).isTrue();

        // The learner revises: both open signals are answered, the memory is fresh again.
        final Instant reviewAt = secondNow.plus(Duration.ofDays(30));
        fixture.send(aQuiz().setScore(90).setOccurredAt(reviewAt).build());
        assertThat(signals.readValuesToList()).extracting(RevisionSignal::getUrgencyLevel, RevisionSignal::getReviewedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MemoryUrgency.MEDIUM, reviewAt),
                        org.assertj.core.groups.Tuple.tuple(MemoryUrgency.HIGH, reviewAt));
        final MemoryScore reviewed = scores.readValue();
        assertThat(reviewed.getAlertedUrgency()).isEqualTo(MemoryUrgency.LOW);
        assertThat(reviewed.getOpenSignals()).isEmpty();
        assertThat(reviewed.getStability()).isCloseTo(FSRS.next(studied,
                Duration.between(T0, reviewAt).toDays(), Grade.GOOD).stability(), within(1e-9));
        final KeyValueStore<String, RevisionSignal> store = fixture.driver.getKeyValueStore(StoreNames.REVISION_SIGNALS);
        assertThat(store.get(MemoryProcessor.signalKey("u1", "dsa-arrays", mediumAt.toEpochMilli())).getReviewedAt())
                .isEqualTo(reviewAt);
    }

    @Test
    void aReplayAnnouncesTheCrossingsBetweenTwoReviewsWithoutWaitingForThePunctuator() {
        // History from two months back arrives in one go: the wall clock does not move, so no
        // punctuation runs between the events, as in a fast replay.
        final Instant studiedAt = T0.minus(Duration.ofDays(60));
        fixture.send(aModuleCompletion().setOccurredAt(studiedAt).build());
        final MemoryState studied = FSRS.first(Grade.GOOD);
        final Instant mediumAt = studiedAt.plusMillis(MemoryProcessor.days(FSRS.interval(studied.stability(), 0.9)));
        final Instant highAt = studiedAt.plusMillis(MemoryProcessor.days(FSRS.interval(studied.stability(), 0.7)));
        final Instant reviewAt = highAt.plus(Duration.ofDays(2));
        fixture.send(aQuiz().setScore(90).setOccurredAt(reviewAt).build());

        assertThat(recommendations.readValuesToList())
                .extracting(RevisionRecommendation::getUrgency, RevisionRecommendation::getOccurredAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Urgency.MEDIUM, mediumAt),
                        org.assertj.core.groups.Tuple.tuple(Urgency.HIGH, highAt));
        final List<RevisionSignal> announced = signals.readValuesToList();
        assertThat(announced).extracting(RevisionSignal::getUrgencyLevel, RevisionSignal::getScheduledAt,
                        RevisionSignal::getReviewedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MemoryUrgency.MEDIUM, mediumAt, null),
                        org.assertj.core.groups.Tuple.tuple(MemoryUrgency.HIGH, highAt, null),
                        org.assertj.core.groups.Tuple.tuple(MemoryUrgency.MEDIUM, mediumAt, reviewAt),
                        org.assertj.core.groups.Tuple.tuple(MemoryUrgency.HIGH, highAt, reviewAt));
        final MemoryScore reviewed = fixture.driver.<String, MemoryScore>getKeyValueStore(StoreNames.MEMORY_SCORES)
                .get(Keys.of("u1", "dsa-arrays"));
        assertThat(reviewed.getAlertedUrgency()).isEqualTo(MemoryUrgency.LOW);
        assertThat(reviewed.getOpenSignals()).isEmpty();
        assertThat(reviewed.getStability()).isCloseTo(FSRS.next(studied, Duration.between(studiedAt, reviewAt).toDays(),
                Grade.GOOD).stability(), within(1e-9));

        // The punctuator finds nothing left to announce for the memory.
        fixture.driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(recommendations.isEmpty()).isTrue();
    }

    @Test
    void aLearnerWithFallingScoresWhoStopsBecomesAtRiskOnceWithItsReasons() {
        fixture.send(aCourse().build());
        fixture.send(anEnrollment().build());
        final double[] falling = {90, 85, 45, 40};
        for (int i = 0; i < falling.length; i++) {
            fixture.send(aQuiz().setModule(i % 2 == 0 ? "dsa-arrays" : "dsa-lists").setScore(falling[i])
                    .setOccurredAt(T0.plusSeconds(3600L * (i + 1))).build());
        }
        assertThat(risk.isEmpty()).as("falling scores alone (25 points) stay under the threshold").isTrue();
        final KeyValueStore<String, AtRiskLearner> store = fixture.driver.getKeyValueStore(StoreNames.AT_RISK);
        final AtRiskLearner before = store.get(RiskScorer.key("u1", "dsa-101"));
        assertThat(before.getAtRisk()).isFalse();
        assertThat(before.getRecentScores()).containsExactly(90.0, 85.0, 45.0, 40.0);
        assertThat(contribution(before, RiskFactorKind.FALLING_SCORES)).isEqualTo(25.0);
        assertThat(contribution(before, RiskFactorKind.INACTIVITY)).isZero();

        // The learner stays away: inactivity and fading memories grow until the score crosses 50.
        for (int day = 0; day < 20; day++) {
            fixture.driver.advanceWallClockTime(Duration.ofHours(12));
            fixture.driver.advanceWallClockTime(Duration.ofHours(12));
        }
        final List<KeyValue<String, AtRiskLearner>> out = risk.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo(Keys.of("u1", "dsa-101"));
        final AtRiskLearner atRisk = out.get(0).value;
        assertThat(atRisk.getAtRisk()).isTrue();
        assertThat(atRisk.getRiskScore()).isGreaterThanOrEqualTo(50.0);
        assertThat(atRisk.getFactors()).extracting(RiskFactor::getFactor).containsExactlyInAnyOrder(
                RiskFactorKind.INACTIVITY, RiskFactorKind.FALLING_SCORES, RiskFactorKind.FADING_MEMORIES,
                RiskFactorKind.MISSED_REVISIONS);
        assertThat(atRisk.getFactors().stream().mapToDouble(RiskFactor::getContribution).sum())
                .isCloseTo(atRisk.getRiskScore(), within(1e-9));
        assertThat(contribution(atRisk, RiskFactorKind.INACTIVITY)).isPositive();
        assertThat(contribution(atRisk, RiskFactorKind.FADING_MEMORIES)).isPositive();
        final RiskFactor fading = factor(atRisk, RiskFactorKind.FADING_MEMORIES);
        assertThat(fading.getExplanation()).isEqualTo(String.format(java.util.Locale.ROOT,
                "%.0f%% of studied modules fading (high counts full, medium half)", 100 * fading.getValue()));
        final AtRiskLearner latest = store.get(RiskScorer.key("u1", "dsa-101"));
        assertThat(latest.getAtRisk()).isTrue();
        // Both modules crossed medium and high long ago: four signals unanswered past their grace,
        // counted without any new event (a check is indexed at each signal's end of grace).
        assertThat(latest.getFactors().stream().filter(f -> f.getFactor() == RiskFactorKind.MISSED_REVISIONS)
                .findFirst().orElseThrow().getValue()).isEqualTo(4.0);
        assertThat(contribution(latest, RiskFactorKind.MISSED_REVISIONS)).isEqualTo(15.0);

        // Coming back: an assessment is course activity but touches no memory, so inactivity
        // resets while the memory factors stand as last counted (no scan of the memories).
        final Instant back = T0.plus(Duration.ofDays(20)).plusSeconds(3 * 3600);
        final RiskFactor fadingBefore = factor(latest, RiskFactorKind.FADING_MEMORIES);
        fixture.send(TestEvents.anAttempt("u1", true, true, false).setOccurredAt(back.minusSeconds(600)).build());
        final AtRiskLearner afterAssessment = store.get(RiskScorer.key("u1", "dsa-101"));
        assertThat(contribution(afterAssessment, RiskFactorKind.INACTIVITY)).isZero();
        assertThat(factor(afterAssessment, RiskFactorKind.FADING_MEMORIES)).isEqualTo(fadingBefore);
        // Then a good quiz (a review: the memory factors are recounted); the at-risk flag clears once.
        fixture.send(aQuiz().setScore(95).setOccurredAt(back).build());
        final List<AtRiskLearner> cleared = risk.readValuesToList();
        assertThat(cleared).hasSize(1);
        assertThat(cleared.get(0).getAtRisk()).isFalse();
        // Each factor's text says its current value: inactivity back to none, and the new score
        // moves the drop from 25 to 27.5 points ((90 + 85) / 2 against (45 + 40 + 95) / 3).
        assertThat(factor(afterAssessment, RiskFactorKind.INACTIVITY).getExplanation())
                .isEqualTo("0.0 days without activity in the course");
        final RiskFactor drop = factor(store.get(RiskScorer.key("u1", "dsa-101")), RiskFactorKind.FALLING_SCORES);
        assertThat(drop.getValue()).isCloseTo(27.5, within(1e-9));
        assertThat(drop.getExplanation()).isEqualTo("recent quiz average 27.5 points below the earlier one");
    }

    @Test
    void fadingMemoriesCountTheCoursesModulesOnlyIncludingOnesStudiedSinceTheLastCount() {
        fixture.send(aCourse().build());
        fixture.send(anEnrollment().build());
        fixture.send(aQuiz().setModule("dsa-arrays").setScore(85).setOccurredAt(T0.plusSeconds(3600)).build());
        // A memory of another course, made after the learner's dsa-101 memories were first counted.
        fixture.send(aQuiz().setDomain("web").setCourse("web-101").setModule("web-html").setScore(85)
                .setOccurredAt(T0.plusSeconds(7200)).build());
        for (int i = 0; i < 80; i++) {
            fixture.driver.advanceWallClockTime(Duration.ofHours(12));
        }
        // Forty days on: dsa-arrays (and web-html) are at high urgency; a first quiz of dsa-lists
        // makes a fresh dsa-101 memory, counted with dsa-arrays, and web-html is not dsa-101's.
        final Instant later = T0.plus(Duration.ofDays(40));
        fixture.send(aQuiz().setModule("dsa-lists").setScore(85).setOccurredAt(later).build());
        final KeyValueStore<String, AtRiskLearner> store = fixture.driver.getKeyValueStore(StoreNames.AT_RISK);
        assertThat(factor(store.get(RiskScorer.key("u1", "dsa-101")), RiskFactorKind.FADING_MEMORIES).getValue())
                .as("one of two dsa-101 modules fading").isEqualTo(0.5);
        fixture.send(aQuiz().setDomain("web").setCourse("web-101").setModule("web-html").setScore(85)
                .setOccurredAt(later.plusSeconds(60)).build());
        assertThat(factor(store.get(RiskScorer.key("u1", "web-101")), RiskFactorKind.FADING_MEMORIES).getValue())
                .as("web-html just reviewed").isEqualTo(0.0);
    }

    private static RiskFactor factor(AtRiskLearner row, RiskFactorKind kind) {
        return row.getFactors().stream().filter(f -> f.getFactor() == kind).findFirst().orElseThrow();
    }

    private static double contribution(AtRiskLearner row, RiskFactorKind kind) {
        return row.getFactors().stream().filter(f -> f.getFactor() == kind).findFirst().orElseThrow().getContribution();
    }

    private static void assertMemory(MemoryScore memory, MemoryState expected, int reps, int lapses, Instant reviewedAt) {
        assertThat(memory.getStability()).isCloseTo(expected.stability(), within(1e-12));
        assertThat(memory.getDifficulty()).isCloseTo(expected.difficulty(), within(1e-12));
        assertThat(memory.getReps()).isEqualTo(reps);
        assertThat(memory.getLapses()).isEqualTo(lapses);
        assertThat(memory.getLastReviewedAt()).isEqualTo(reviewedAt);
        assertThat(memory.getUserId()).isEqualTo("u1");
    }
}
