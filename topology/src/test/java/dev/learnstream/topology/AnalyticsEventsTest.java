package dev.learnstream.topology;

import static dev.learnstream.topology.TestEvents.T0;
import static dev.learnstream.topology.TestEvents.aQuiz;
import static dev.learnstream.topology.TestEvents.anAttempt;
import static dev.learnstream.topology.TestEvents.anEnrollment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.events.AnalyticsUpdated;
import dev.learnstream.events.EntityType;
import dev.learnstream.topics.EventTopic;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seed 003's {@code AnalyticsUpdated} events: one per change of a user's, course's or assessment's analytics. */
class AnalyticsEventsTest {

    private final TopologyFixture fixture = new TopologyFixture("AnalyticsEventsTest");

    @AfterEach
    void close() {
        fixture.close();
    }

    private List<KeyValue<String, AnalyticsUpdated>> published() {
        return fixture.<AnalyticsUpdated>output(fixture.names.name(EventTopic.ANALYTICS_EVENTS)).readKeyValuesToList();
    }

    @Test
    void eachChangeOfAUserCourseOrAssessmentIsAnnouncedWithItsFigures() {
        fixture.send(anEnrollment().build());
        fixture.send(aQuiz().setScore(90).setOccurredAt(T0.plusSeconds(60)).build());
        fixture.send(anAttempt("u2", true, true, false, true).setOccurredAt(T0.plusSeconds(120)).build());

        final List<KeyValue<String, AnalyticsUpdated>> out = published();
        assertThat(out).extracting(kv -> kv.key, kv -> kv.value.getEntityType(), kv -> kv.value.getUpdatedAt())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("u1", EntityType.USER, T0),
                        org.assertj.core.groups.Tuple.tuple("dsa-101", EntityType.COURSE, T0),
                        org.assertj.core.groups.Tuple.tuple("u1", EntityType.USER, T0.plusSeconds(60)),
                        org.assertj.core.groups.Tuple.tuple("u2", EntityType.USER, T0.plusSeconds(120)),
                        org.assertj.core.groups.Tuple.tuple("dsa-101-final", EntityType.ASSESSMENT, T0.plusSeconds(120)));
        assertThat(out).allSatisfy(kv -> assertThat(kv.value.getEntityId()).isEqualTo(kv.key));

        assertThat(out.get(0).value.getMetrics()).containsEntry("totalCoursesEnrolled", 1.0)
                .containsEntry("averageScore", 0.0);
        assertThat(out.get(1).value.getMetrics()).isEqualTo(Map.of("totalEnrollments", 1.0, "totalCompletions", 0.0,
                "completionRate", 0.0, "averageScore", 0.0, "averageTimeToCompleteHours", 0.0, "dropouts", 0.0));
        assertThat(out.get(2).value.getMetrics()).containsEntry("totalCoursesEnrolled", 1.0)
                .containsEntry("averageScore", 90.0).containsEntry("streakDays", 1.0);
        // Pass rate in percent, as on the assessment's own row; 75 % right rates the attempt as difficulty 2 of 5.
        assertThat(out.get(4).value.getMetrics()).isEqualTo(Map.of("totalAttempts", 1.0, "averageScore", 75.0,
                "passRate", 100.0, "averageTimeSpentMinutes", 10.0, "difficultyRating", 2.0));
        assertThat(out).extracting(kv -> kv.value.getEventId()).doesNotHaveDuplicates();
    }

    @Test
    void theSameChangeGetsTheSameIdSoAReplayCanBeRecognised() {
        final AnalyticsUpdated first = AnalyticsEvents.updated(EntityType.COURSE, "dsa-101",
                Map.of("totalEnrollments", 3.0), T0.toEpochMilli());
        assertThat(AnalyticsEvents.updated(EntityType.COURSE, "dsa-101", Map.of("totalEnrollments", 3.0),
                T0.toEpochMilli())).isEqualTo(first);
        assertThat(AnalyticsEvents.updated(EntityType.COURSE, "dsa-101", Map.of("totalEnrollments", 4.0),
                T0.toEpochMilli()).getEventId()).as("other figures").isNotEqualTo(first.getEventId());
        assertThat(AnalyticsEvents.updated(EntityType.ASSESSMENT, "dsa-101", Map.of("totalEnrollments", 3.0),
                T0.toEpochMilli()).getEventId()).as("another entity").isNotEqualTo(first.getEventId());
    }
}
