package dev.learnstream.topology;

import dev.learnstream.results.CourseAnalytics;
import dev.learnstream.results.CourseFact;
import dev.learnstream.results.ModuleStat;
import java.util.ArrayList;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Course analytics from the learners' course facts, repartitioned by courseId
 * ({@code course-facts-by-course}) into store {@value StoreNames#COURSE_ANALYTICS}: enrollments,
 * completions and rate, mean final score and time to complete, dropouts, and per module the
 * completions and drop-off points (the last module a dropped learner completed).
 *
 * <p>Topics written: {@value ResultTopics#COURSE_ANALYTICS}, and {@code AnalyticsUpdated} events to
 * {@link dev.learnstream.topics.EventTopic#ANALYTICS_EVENTS} ({@link AnalyticsEvents}).
 */
public final class CourseAnalyticsTopology {

    private CourseAnalyticsTopology() {
    }

    public static void build(TopologySettings settings, KStream<String, CourseFact> facts) {
        final KStream<String, CourseAnalytics> changes = facts.groupByKey(Grouped.with("course-facts-by-course", Serdes.String(),
                        AvroSerdes.avro(settings.serdeConfig(), CourseFact.class)))
                .aggregate(CourseAnalyticsTopology::empty, (courseId, fact, course) -> apply(course, fact),
                        Named.as("course-analytics"),
                        AvroSerdes.materialized(StoreNames.COURSE_ANALYTICS, settings.serdeConfig(), CourseAnalytics.class))
                .toStream(Named.as("course-analytics-changes"));
        changes.to(ResultTopics.COURSE_ANALYTICS, Produced.with(Serdes.String(),
                AvroSerdes.avro(settings.serdeConfig(), CourseAnalytics.class)).withName("write-course-analytics"));
        AnalyticsEvents.fromCourses(settings, changes);
    }

    static CourseAnalytics empty() {
        return new CourseAnalytics("", 0L, 0L, 0.0, 0.0, 0.0, 0L, new ArrayList<>(), null);
    }

    static CourseAnalytics apply(CourseAnalytics course, CourseFact fact) {
        course.setCourseId(fact.getCourseId());
        switch (fact.getKind()) {
            case ENROLLED -> course.setTotalEnrollments(course.getTotalEnrollments() + 1);
            case COMPLETED -> {
                final long n = course.getTotalCompletions() + 1;
                course.setTotalCompletions(n);
                if (fact.getScore() != null) {
                    course.setAverageScore(course.getAverageScore() + (fact.getScore() - course.getAverageScore()) / n);
                }
                if (fact.getTimeSpentSeconds() != null) {
                    final double hours = fact.getTimeSpentSeconds() / 3600.0;
                    course.setAverageTimeToCompleteHours(course.getAverageTimeToCompleteHours()
                            + (hours - course.getAverageTimeToCompleteHours()) / n);
                }
            }
            case MODULE_COMPLETED -> module(course, fact.getModuleId()).setCompletions(module(course, fact.getModuleId())
                    .getCompletions() + 1);
            case DROPPED -> {
                course.setDropouts(course.getDropouts() + 1);
                final ModuleStat stat = module(course, fact.getModuleId() == null ? "" : fact.getModuleId());
                stat.setDropoffs(stat.getDropoffs() + 1);
            }
        }
        course.setCompletionRate(course.getTotalEnrollments() == 0 ? 0.0
                : 100.0 * course.getTotalCompletions() / course.getTotalEnrollments());
        if (course.getUpdatedAt() == null || fact.getAt().isAfter(course.getUpdatedAt())) {
            course.setUpdatedAt(fact.getAt());
        }
        return course;
    }

    private static ModuleStat module(CourseAnalytics course, String moduleId) {
        for (final ModuleStat stat : course.getModuleAnalytics()) {
            if (stat.getModuleId().equals(moduleId)) {
                return stat;
            }
        }
        final ModuleStat stat = new ModuleStat(moduleId, 0L, 0L);
        course.getModuleAnalytics().add(stat);
        return stat;
    }
}
