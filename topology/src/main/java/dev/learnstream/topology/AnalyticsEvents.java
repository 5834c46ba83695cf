package dev.learnstream.topology;

import dev.learnstream.events.AnalyticsUpdated;
import dev.learnstream.events.EntityType;
import dev.learnstream.results.AssessmentAnalytics;
import dev.learnstream.results.CourseAnalytics;
import dev.learnstream.results.UserAnalytics;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Seed 003's published events: an {@code AnalyticsUpdated} on {@link EventTopic#ANALYTICS_EVENTS}
 * (keyed by the entity's id) each time a user's, course's or assessment's analytics change, as
 * often as their result topics carry the row (once per commit for a user, at each change for a
 * course or an assessment). It holds the headline figures, so a service can react to a change
 * without reading the whole row; the row itself stays on the result topic.
 *
 * <p>{@code updatedAt} is the event time of the last contributing event. The event id is derived
 * from the entity, that time and the figures, so a replay of the same input announces the same
 * changes under the same ids and a consumer can drop the repeats.
 *
 * <p>Nodes: {@code analytics-updated-<entity>} and {@code write-analytics-updated-<entity>}, one
 * pair beside each of the three result topics, in the sub-topology that writes it (a merge of the
 * three would fuse their sub-topologies into one).
 */
final class AnalyticsEvents {

    private AnalyticsEvents() {
    }

    static void fromUsers(TopologySettings settings, KStream<String, UserAnalytics> users) {
        write(settings, users, EntityType.USER, AnalyticsEvents::metrics);
    }

    static void fromCourses(TopologySettings settings, KStream<String, CourseAnalytics> courses) {
        write(settings, courses, EntityType.COURSE, AnalyticsEvents::metrics);
    }

    static void fromAssessments(TopologySettings settings, KStream<String, AssessmentAnalytics> assessments) {
        write(settings, assessments, EntityType.ASSESSMENT, AnalyticsEvents::metrics);
    }

    private static <V> void write(TopologySettings settings, KStream<String, V> changes, EntityType type,
                                  Function<V, Map<String, Double>> figures) {
        final String entity = type.name().toLowerCase(java.util.Locale.ROOT);
        changes.processValues(() -> new FixedKeyProcessor<String, V, SpecificRecord>() {
            private FixedKeyProcessorContext<String, SpecificRecord> context;

            @Override
            public void init(FixedKeyProcessorContext<String, SpecificRecord> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<String, V> record) {
                if (record.key() != null && record.value() != null) {
                    context.forward(record.withValue(updated(type, record.key(), figures.apply(record.value()),
                            record.timestamp())));
                }
            }
        }, Named.as("analytics-updated-" + entity))
                .to(settings.topics().name(EventTopic.ANALYTICS_EVENTS), Produced.with(Serdes.String(),
                        EventSerdes.values(settings.serdeConfig())).withName("write-analytics-updated-" + entity));
    }

    static AnalyticsUpdated updated(EntityType type, String id, Map<String, Double> metrics, long at) {
        final String identity = Keys.of("analytics-updated", type.name(), id, Long.toString(at), metrics.toString());
        return AnalyticsUpdated.newBuilder()
                .setEventId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)))
                .setEntityType(type)
                .setEntityId(id)
                .setMetrics(metrics)
                .setUpdatedAt(Instant.ofEpochMilli(at))
                .build();
    }

    static Map<String, Double> metrics(UserAnalytics user) {
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("totalCoursesEnrolled", (double) user.getTotalCoursesEnrolled());
        metrics.put("totalCoursesCompleted", (double) user.getTotalCoursesCompleted());
        metrics.put("totalLearningHours", user.getTotalLearningHours());
        metrics.put("averageScore", user.getAverageScore());
        metrics.put("streakDays", (double) user.getStreakDays());
        metrics.put("longestStreakDays", (double) user.getLongestStreakDays());
        return metrics;
    }

    static Map<String, Double> metrics(CourseAnalytics course) {
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("totalEnrollments", (double) course.getTotalEnrollments());
        metrics.put("totalCompletions", (double) course.getTotalCompletions());
        metrics.put("completionRate", course.getCompletionRate());
        metrics.put("averageScore", course.getAverageScore());
        metrics.put("averageTimeToCompleteHours", course.getAverageTimeToCompleteHours());
        metrics.put("dropouts", (double) course.getDropouts());
        return metrics;
    }

    static Map<String, Double> metrics(AssessmentAnalytics assessment) {
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("totalAttempts", (double) assessment.getTotalAttempts());
        metrics.put("averageScore", assessment.getAverageScore());
        metrics.put("passRate", assessment.getPassRate());
        metrics.put("averageTimeSpentMinutes", assessment.getAverageTimeSpentMinutes());
        metrics.put("difficultyRating", assessment.getDifficultyRating());
        return metrics;
    }
}
