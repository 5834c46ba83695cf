package dev.learnstream.topics;

import dev.learnstream.events.AnalyticsUpdated;
import dev.learnstream.events.AssessmentCompleted;
import dev.learnstream.events.AssessmentStarted;
import dev.learnstream.events.CodeSubmitted;
import dev.learnstream.events.CourseCreated;
import dev.learnstream.events.CoursePublished;
import dev.learnstream.events.DiagnosticQuizCompleted;
import dev.learnstream.events.DomainSelected;
import dev.learnstream.events.ExerciseCompleted;
import dev.learnstream.events.ExerciseStarted;
import dev.learnstream.events.HelpRequested;
import dev.learnstream.events.ModuleCompleted;
import dev.learnstream.events.ModuleCompletion;
import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.events.ReportGenerated;
import dev.learnstream.events.RevisionRecommendation;
import dev.learnstream.events.StruggleDetected;
import dev.learnstream.events.UserCompletedCourse;
import dev.learnstream.events.UserCreated;
import dev.learnstream.events.UserEnrolled;
import dev.learnstream.events.UserLogin;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/**
 * The event topics of ARCHITECTURE.md §4. {@code id} is the stable logical name used in
 * configuration ({@code topic.<id>=<actual name>}); {@code defaultName} is the seeds' name.
 * Several record types may share one topic; their subjects follow TopicRecordNameStrategy.
 */
public enum EventTopic {
    USER_LOGIN("user-login", "user_login_events", Direction.INPUT, UserLogin.class),
    DOMAIN_SELECTION("domain-selection", "learning_domain_selection_events", Direction.INPUT, DomainSelected.class),
    DIAGNOSTIC_QUIZ("diagnostic-quiz", "diagnostic_quiz_events", Direction.INPUT, DiagnosticQuizCompleted.class),
    MODULE_QUIZ("module-quiz", "module_quiz_events", Direction.INPUT, ModuleQuizCompleted.class),
    MODULE_COMPLETION("module-completion", "module_completion_events", Direction.INPUT, ModuleCompletion.class),
    USER_EVENTS("user-events", "user.events", Direction.INPUT,
            UserCreated.class, UserEnrolled.class, UserCompletedCourse.class),
    COURSE_EVENTS("course-events", "course.events", Direction.INPUT,
            CourseCreated.class, CoursePublished.class, ModuleCompleted.class),
    ASSESSMENT_EVENTS("assessment-events", "assessment.events", Direction.INPUT,
            AssessmentStarted.class, AssessmentCompleted.class),
    LEARNING_EVENTS("learning-events", "learning-events", Direction.INPUT,
            ExerciseStarted.class, ExerciseCompleted.class, HelpRequested.class),
    CODE_SUBMITTED("code-submitted", "code-submitted", Direction.INPUT, CodeSubmitted.class),
    REVISION_RECOMMENDATIONS("revision-recommendations", "revision_recommendation_events", Direction.OUTPUT,
            RevisionRecommendation.class),
    ANALYTICS_EVENTS("analytics-events", "analytics.events", Direction.OUTPUT,
            AnalyticsUpdated.class, ReportGenerated.class),
    STRUGGLE_DETECTED("struggle-detected", "struggle-detected", Direction.OUTPUT, StruggleDetected.class);

    /** Whether platforms produce to the topic or LearnStream does. */
    public enum Direction { INPUT, OUTPUT }

    private final String id;
    private final String defaultName;
    private final Direction direction;
    private final List<Class<? extends SpecificRecord>> recordTypes;

    @SafeVarargs
    EventTopic(String id, String defaultName, Direction direction, Class<? extends SpecificRecord>... recordTypes) {
        this.id = id;
        this.defaultName = defaultName;
        this.direction = direction;
        this.recordTypes = List.of(recordTypes);
    }

    public String id() {
        return id;
    }

    public String defaultName() {
        return defaultName;
    }

    public Direction direction() {
        return direction;
    }

    public List<Class<? extends SpecificRecord>> recordTypes() {
        return recordTypes;
    }

    public boolean carries(Class<?> type) {
        return recordTypes.contains(type);
    }

    /** The topic an event type belongs to. */
    public static EventTopic of(Class<? extends SpecificRecord> type) {
        for (final EventTopic topic : values()) {
            if (topic.carries(type)) {
                return topic;
            }
        }
        throw new IllegalArgumentException("No topic carries " + type.getName());
    }

    public static EventTopic byId(String id) {
        for (final EventTopic topic : values()) {
            if (topic.id.equals(id.toLowerCase(Locale.ROOT))) {
                return topic;
            }
        }
        throw new IllegalArgumentException("Unknown topic id '" + id + "'; known: "
                + Arrays.stream(values()).map(EventTopic::id).collect(Collectors.joining(", ")));
    }

    public static List<EventTopic> inputs() {
        return Arrays.stream(values()).filter(t -> t.direction == Direction.INPUT).toList();
    }
}
