package dev.learnstream.topology;

import static dev.learnstream.topology.TestEvents.T0;
import static dev.learnstream.topology.TestEvents.aCourse;
import static dev.learnstream.topology.TestEvents.aCourseCompletion;
import static dev.learnstream.topology.TestEvents.aDiagnostic;
import static dev.learnstream.topology.TestEvents.aLogin;
import static dev.learnstream.topology.TestEvents.aModuleCompletion;
import static dev.learnstream.topology.TestEvents.aQuiz;
import static dev.learnstream.topology.TestEvents.anEnrollment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.learnstream.results.CourseAnalytics;
import dev.learnstream.results.LearningProgress;
import dev.learnstream.results.ProgressStatus;
import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.results.QuizType;
import dev.learnstream.results.UserAnalytics;
import dev.learnstream.results.UserEngagement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LearnerAnalyticsTest {

    private final TopologyFixture fixture = new TopologyFixture("LearnerAnalyticsTest", Duration.ofDays(7));

    @AfterEach
    void close() {
        fixture.close();
    }

    /** The latest value per key of a changelog topic (table semantics). */
    private <T> Map<String, T> table(String topic) {
        final Map<String, T> latest = new LinkedHashMap<>();
        for (final KeyValue<String, T> kv : fixture.<T>output(topic).readKeyValuesToList()) {
            latest.put(kv.key, kv.value);
        }
        return latest;
    }

    @Test
    void quizAnalyticsAveragePerModuleAndQuizType() {
        fixture.send(aDiagnostic().setScore(40).build());
        fixture.send(aQuiz().setScore(90).setTimeTakenSeconds(100).build());
        fixture.send(aQuiz().setScore(70).setTimeTakenSeconds(300).setOccurredAt(T0.plusSeconds(3600)).build());

        final List<KeyValue<String, QuizAnalytics>> out = fixture.<QuizAnalytics>output(ResultTopics.QUIZ_ANALYTICS)
                .readKeyValuesToList();
        assertThat(out).extracting(kv -> kv.key).containsExactly(
                Keys.of("u1", "dsa", "", "", "DIAGNOSTIC"),
                Keys.of("u1", "dsa", "dsa-101", "dsa-arrays", "MODULE"),
                Keys.of("u1", "dsa", "dsa-101", "dsa-arrays", "MODULE"));
        final QuizAnalytics module = out.get(2).value;
        assertThat(module.getQuizType()).isEqualTo(QuizType.MODULE);
        assertThat(module.getAttemptCount()).isEqualTo(2);
        assertThat(module.getAverageScore()).isEqualTo(80.0);
        assertThat(module.getAverageTimeTakenSeconds()).isEqualTo(200.0);
        assertThat(module.getBestScore()).isEqualTo(90.0);
        assertThat(module.getLastScore()).isEqualTo(70.0);
        final KeyValueStore<String, QuizAnalytics> store = fixture.driver.getKeyValueStore(StoreNames.QUIZ_ANALYTICS);
        assertThat(store.get(out.get(2).key)).isEqualTo(module);
    }

    @Test
    void streaksCountDaysInTheLearnersTimeZone() {
        // 23:30 UTC is already the next day in Tokyo: three UTC days, but four Tokyo days in a row.
        fixture.send(aLogin().setTimeZone("Asia/Tokyo").setOccurredAt(java.time.Instant.parse("2025-03-06T10:00:00Z")).build());
        fixture.send(aQuiz().setOccurredAt(java.time.Instant.parse("2025-03-06T23:30:00Z")).build());
        fixture.send(aQuiz().setOccurredAt(java.time.Instant.parse("2025-03-08T01:00:00Z")).build());
        fixture.send(aQuiz().setOccurredAt(java.time.Instant.parse("2025-03-08T20:00:00Z")).build());

        final UserAnalytics user = this.<UserAnalytics>table(ResultTopics.USER_ANALYTICS).get("u1");
        assertThat(user.getTimeZone()).isEqualTo("Asia/Tokyo");
        assertThat(user.getStreakDays()).isEqualTo(4);
        assertThat(user.getLastActiveDay()).isEqualTo("2025-03-09");
        final UserEngagement dsa = this.<UserEngagement>table(ResultTopics.USER_ENGAGEMENT).get(Keys.of("u1", "dsa"));
        assertThat(dsa.getStreakDays()).isEqualTo(3);
        assertThat(dsa.getTotalQuizAttempts()).isEqualTo(3);
        assertThat(dsa.getModulesStarted()).isEqualTo(1);
        assertThat(dsa.getTotalTimeSeconds()).isEqualTo(900);
    }

    @Test
    void progressMovesFromNotStartedToCompletedAndFeedsCourseAnalytics() {
        fixture.send(aCourse().build());
        fixture.send(anEnrollment().setOccurredAt(T0.plusSeconds(60)).build());
        Map<String, LearningProgress> rows = table(ResultTopics.LEARNING_PROGRESS);
        assertThat(rows.get(Keys.of("u1", "dsa-101", "")).getStatus()).isEqualTo(ProgressStatus.NOT_STARTED);
        assertThat(rows.get(Keys.of("u1", "dsa-101", "dsa-lists")).getStatus()).isEqualTo(ProgressStatus.NOT_STARTED);

        fixture.send(aQuiz().setOccurredAt(T0.plusSeconds(120)).build());
        fixture.send(aModuleCompletion().setOccurredAt(T0.plusSeconds(600)).build());
        rows = table(ResultTopics.LEARNING_PROGRESS);
        assertThat(rows.get(Keys.of("u1", "dsa-101", "dsa-arrays")).getStatus()).isEqualTo(ProgressStatus.COMPLETED);
        final LearningProgress course = rows.get(Keys.of("u1", "dsa-101", ""));
        assertThat(course.getStatus()).isEqualTo(ProgressStatus.IN_PROGRESS);
        assertThat(course.getProgressPercentage()).isEqualTo(50.0);
        assertThat(course.getTimeSpentSeconds()).isEqualTo(300 + 1800);

        fixture.send(aCourseCompletion().setOccurredAt(T0.plusSeconds(7200)).build());
        final LearningProgress done = this.<LearningProgress>table(ResultTopics.LEARNING_PROGRESS)
                .get(Keys.of("u1", "dsa-101", ""));
        assertThat(done.getStatus()).isEqualTo(ProgressStatus.COMPLETED);
        assertThat(done.getScore()).isEqualTo(90.0);

        final CourseAnalytics analytics = this.<CourseAnalytics>table(ResultTopics.COURSE_ANALYTICS).get("dsa-101");
        assertThat(analytics.getTotalEnrollments()).isEqualTo(1);
        assertThat(analytics.getTotalCompletions()).isEqualTo(1);
        assertThat(analytics.getCompletionRate()).isEqualTo(100.0);
        assertThat(analytics.getAverageScore()).isEqualTo(90.0);
        assertThat(analytics.getAverageTimeToCompleteHours()).isEqualTo(2.0);
        assertThat(analytics.getModuleAnalytics()).singleElement()
                .satisfies(m -> assertThat(m.getModuleId() + "=" + m.getCompletions()).isEqualTo("dsa-arrays=1"));
    }

    @Test
    void aCoursesPercentageCountsModulesStartedSinceItWasLastCounted() {
        // No catalog entry for the course: its modules are the ones the learner has rows for.
        fixture.send(aModuleCompletion().setCourse("algo-201").setModule("algo-c").setOccurredAt(T0.plusSeconds(60)).build());
        assertThat(this.<LearningProgress>table(ResultTopics.LEARNING_PROGRESS).get(Keys.of("u1", "algo-201", ""))
                .getProgressPercentage()).isEqualTo(100.0);
        fixture.send(aQuiz().setCourse("algo-201").setModule("algo-a").setOccurredAt(T0.plusSeconds(120)).build());
        fixture.send(aModuleCompletion().setCourse("algo-201").setModule("algo-b").setOccurredAt(T0.plusSeconds(180)).build());
        assertThat(this.<LearningProgress>table(ResultTopics.LEARNING_PROGRESS).get(Keys.of("u1", "algo-201", ""))
                .getProgressPercentage()).as("two of three modules").isCloseTo(200.0 / 3, within(1e-9));
    }

    @Test
    void aLearnerWhoStopsIsDroppedOnTheWallClockEvenIfNothingElseArrives() {
        fixture.send(aCourse().build());
        fixture.send(anEnrollment().build());
        fixture.send(aModuleCompletion().setOccurredAt(T0.plusSeconds(600)).build());
        fixture.send(aQuiz().setModule("dsa-lists").setOccurredAt(T0.plusSeconds(900)).build());
        table(ResultTopics.LEARNING_PROGRESS);

        fixture.driver.advanceWallClockTime(Duration.ofDays(6));
        assertThat(fixture.rawOutput(ResultTopics.LEARNING_PROGRESS).isEmpty()).isTrue();

        fixture.driver.advanceWallClockTime(Duration.ofDays(1).plusMinutes(1));
        final Map<String, LearningProgress> rows = table(ResultTopics.LEARNING_PROGRESS);
        assertThat(rows.get(Keys.of("u1", "dsa-101", "")).getStatus()).isEqualTo(ProgressStatus.DROPPED);
        assertThat(rows.get(Keys.of("u1", "dsa-101", "dsa-lists")).getStatus()).isEqualTo(ProgressStatus.DROPPED);
        assertThat(rows).doesNotContainKey(Keys.of("u1", "dsa-101", "dsa-arrays"));
        final CourseAnalytics analytics = this.<CourseAnalytics>table(ResultTopics.COURSE_ANALYTICS).get("dsa-101");
        assertThat(analytics.getDropouts()).isEqualTo(1);
        assertThat(analytics.getModuleAnalytics()).anySatisfy(m -> {
            assertThat(m.getModuleId()).isEqualTo("dsa-arrays");
            assertThat(m.getDropoffs()).isEqualTo(1);
        });

        // Dropped once: later scans emit nothing more.
        fixture.driver.advanceWallClockTime(Duration.ofDays(30));
        assertThat(fixture.rawOutput(ResultTopics.LEARNING_PROGRESS).isEmpty()).isTrue();
    }

    @Test
    void activityAfterEnrolmentPostponesTheDropOutToItsOwnDeadline() {
        fixture.send(aCourse().build());
        fixture.send(anEnrollment().build());
        // Five days on (events from the future are refused), before the enrolment's deadline.
        fixture.driver.advanceWallClockTime(Duration.ofDays(5));
        table(ResultTopics.LEARNING_PROGRESS);
        fixture.send(aQuiz().setModule("dsa-lists").setOccurredAt(T0.plus(Duration.ofDays(5))).build());
        table(ResultTopics.LEARNING_PROGRESS);

        // Past the enrolment's deadline (T0 + 7 d) but not the quiz's (T0 + 12 d): still in progress.
        fixture.driver.advanceWallClockTime(Duration.ofDays(3));
        assertThat(fixture.rawOutput(ResultTopics.LEARNING_PROGRESS).isEmpty()).isTrue();
        assertThat(this.<LearningProgress>store(StoreNames.LEARNING_PROGRESS).get(Keys.of("u1", "dsa-101", "")).getStatus())
                .isEqualTo(ProgressStatus.IN_PROGRESS);

        fixture.driver.advanceWallClockTime(Duration.ofDays(4).plusMinutes(1));
        assertThat(this.<LearningProgress>table(ResultTopics.LEARNING_PROGRESS).get(Keys.of("u1", "dsa-101", "")).getStatus())
                .isEqualTo(ProgressStatus.DROPPED);
        fixture.driver.advanceWallClockTime(Duration.ofDays(30));
        assertThat(fixture.rawOutput(ResultTopics.LEARNING_PROGRESS).isEmpty()).isTrue();
    }

    private <T> KeyValueStore<String, T> store(String name) {
        return fixture.driver.getKeyValueStore(name);
    }

    @Test
    void pointBiserialDiscriminationMatchesAHandComputation() {
        // Scores: 100, 50, 50, 0. q1 right for the first two: M1 = 75, M0 = 25, s = 35.355 (population), p = 0.5.
        fixture.send(TestEvents.anAttempt("a", true, true).build());
        fixture.send(TestEvents.anAttempt("b", true, false).build());
        fixture.send(TestEvents.anAttempt("c", false, true).build());
        fixture.send(TestEvents.anAttempt("d", false, false).build());

        final dev.learnstream.results.AssessmentAnalytics stats = this.<dev.learnstream.results.AssessmentAnalytics>table(
                ResultTopics.ASSESSMENT_ANALYTICS).get("dsa-101-final");
        assertThat(stats.getTotalAttempts()).isEqualTo(4);
        assertThat(stats.getAverageScore()).isEqualTo(50.0);
        assertThat(stats.getPassRate()).isEqualTo(25.0);
        assertThat(stats.getDifficultyRating()).isEqualTo(3.0);
        final double expected = (75.0 - 25.0) / Math.sqrt(1250.0) * Math.sqrt(0.25);
        assertThat(stats.getQuestionAnalytics()).hasSize(2).allSatisfy(q -> {
            assertThat(q.getCorrectRate()).isEqualTo(0.5);
            assertThat(q.getDiscrimination()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
        });
    }
}
