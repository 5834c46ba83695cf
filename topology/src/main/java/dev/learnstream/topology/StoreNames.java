package dev.learnstream.topology;

/**
 * State store names. Renaming one loses its state in a running deployment (a new changelog
 * topic), so they are constants and the golden test of {@code Topology.describe()} guards them.
 */
public final class StoreNames {

    public static final String DEDUP = "dedup-event-ids";
    public static final String QUIZ_ANALYTICS = "quiz-analytics";
    public static final String USER_ENGAGEMENT = "user-engagement";
    public static final String USER_ANALYTICS = "user-analytics";
    public static final String LEARNING_PROGRESS = "learning-progress";
    public static final String PROGRESS_DEADLINES = "learning-progress-deadlines";
    public static final String COURSE_CATALOG = "course-catalog";
    public static final String COURSE_ANALYTICS = "course-analytics";
    public static final String ASSESSMENT_ANALYTICS = "assessment-analytics";
    public static final String DLQ_COUNTS = "dlq-counts";
    public static final String WINDOW_PARTIALS = "window-partials";
    public static final String WINDOWED_METRICS = "windowed-metrics";
    /** FSRS-6 memory per user␟module (MemoryScore). */
    public static final String MEMORY_SCORES = "memory-scores";
    /** Due index of the memory model: time␟M␟user␟module (urgency crossings) and time␟R␟user␟course (risk checks). */
    public static final String MEMORY_ALERTS = "memory-alerts";
    public static final String REVISION_SIGNALS = "revision-signals";
    /** Diagnostic score per user␟domain: the baseline difficulty of the domain's modules. */
    public static final String MEMORY_BASELINES = "memory-baselines";
    public static final String AT_RISK = "at-risk-learners";
    /** A learner's reviews, user␟time␟module → grade (+ 10 × baseline grade on a first study), for fitting. */
    public static final String MEMORY_HISTORY = "memory-review-history";
    /** A learner's own FSRS-6 weights (LearnerWeights), keyed by userId. */
    public static final String LEARNER_WEIGHTS = "memory-learner-weights";
    public static final String STRUGGLE_SIGNALS = "struggle-signals";

    private StoreNames() {
    }
}
