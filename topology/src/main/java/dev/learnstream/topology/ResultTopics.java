package dev.learnstream.topology;

/**
 * Names of the topics the topology writes (besides the dead-letter topics). They are contracts
 * with the sink and with consumers: keep them stable. All are compacted changelogs keyed so that
 * the sink can upsert, except {@link #LATE_EVENTS}.
 */
public final class ResultTopics {

    public static final String QUIZ_ANALYTICS = "learnstream.quiz-analytics";
    public static final String USER_ENGAGEMENT = "learnstream.user-engagement";
    public static final String USER_ANALYTICS = "learnstream.user-analytics";
    public static final String LEARNING_PROGRESS = "learnstream.learning-progress";
    public static final String COURSE_ANALYTICS = "learnstream.course-analytics";
    public static final String ASSESSMENT_ANALYTICS = "learnstream.assessment-analytics";
    public static final String DLQ_COUNTS = "learnstream.dlq-counts";
    /** Windowed metrics, keyed size␟dimension␟value␟window start. */
    public static final String WINDOWED_METRICS = "learnstream.windowed-metrics";
    /** FSRS-6 memory per user␟module, on each review and urgency crossing. */
    public static final String MEMORY_SCORES = "learnstream.memory-scores";
    /** Revision signals, keyed user␟module␟scheduledAt; reviewedAt filled in by the next review. */
    public static final String REVISION_SIGNALS = "learnstream.revision-signals";
    /** At-risk status per user␟course, when the score crosses the threshold (either way). */
    public static final String AT_RISK = "learnstream.at-risk-learners";
    /** Events that arrived after their one-minute window had closed (Avro, as they came, keyed by user). */
    public static final String LATE_EVENTS = "learnstream.late-events";
    /** Catalog of courses (CourseCreated, keyed by courseId), read back as a global table. */
    public static final String COURSE_CATALOG = "learnstream.course-catalog";
    /** Dead letters of records that fail after leaving their input topic (e.g. in a repartition). */
    public static final String PROCESSING_DLQ = "learnstream.processing.dlq";

    private ResultTopics() {
    }

    public static String[] changelogs() {
        return new String[] {QUIZ_ANALYTICS, USER_ENGAGEMENT, USER_ANALYTICS, LEARNING_PROGRESS, COURSE_ANALYTICS,
            ASSESSMENT_ANALYTICS, DLQ_COUNTS, COURSE_CATALOG, WINDOWED_METRICS, MEMORY_SCORES, REVISION_SIGNALS, AT_RISK};
    }
}
