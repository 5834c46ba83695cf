package dev.learnstream.topology;

import dev.learnstream.events.CourseCreated;
import dev.learnstream.events.UserCompletedCourse;
import dev.learnstream.results.CourseFact;
import dev.learnstream.results.CourseFactKind;
import dev.learnstream.results.LearningProgress;
import dev.learnstream.results.ProgressStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Learning progress per (user, course) and (user, course, module) in store
 * {@value StoreNames#LEARNING_PROGRESS}, keyed {@code user␟course␟module} (module empty for the
 * course row). Statuses: not_started at enrollment, in_progress on any work, completed, and
 * dropped after {@code dropAfter} without activity in the course, detected even if the learner
 * never returns: a deadline index ({@value StoreNames#PROGRESS_DEADLINES}, keyed by zero-padded
 * deadline) is scanned by a wall-clock punctuator up to "now", so each scan touches only what is due.
 *
 * <p>"Now" is an {@link EffectiveClock}: event time during a replay, moving on when the partition
 * goes quiet.
 *
 * <p>Forwards LearningProgress updates (keyed as the store) and CourseFact records (keyed by
 * courseId) for the course analytics.
 */
final class ProgressProcessor implements ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> {

    private final Map<String, ?> serdeConfig;
    private final Duration dropAfter;
    private final Duration scanEvery;

    ProgressProcessor(Map<String, ?> serdeConfig, Duration dropAfter, Duration scanEvery) {
        this.serdeConfig = serdeConfig;
        this.dropAfter = dropAfter;
        this.scanEvery = scanEvery;
    }

    /** (Learner, course) pairs whose module ids a task keeps in memory. */
    static final int COURSES_INDEXED = 16_384;

    static String key(String user, String course, String module) {
        return Keys.of(user, course, module == null ? "" : module);
    }

    static String deadlineKey(long deadlineMillis, String user, String course) {
        return Keys.of(Keys.time(deadlineMillis), user, course);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return StoreSets.ordered(
                DecodedStore.persistent(StoreNames.LEARNING_PROGRESS, AvroSerdes.avro(serdeConfig, LearningProgress.class), DecodedStore.Scans.OFTEN),
                DecodedStore.persistent(StoreNames.PROGRESS_DEADLINES, Serdes.String(), DecodedStore.Scans.RARELY));
    }

    @Override
    public Processor<String, SpecificRecord, String, SpecificRecord> get() {
        return new Worker();
    }

    private final class Worker implements Processor<String, SpecificRecord, String, SpecificRecord> {
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, LearningProgress> progress;
        private KeyValueStore<String, String> deadlines;
        private CourseCatalogTopology.Lookup catalog;
        private final EffectiveClock clock = new EffectiveClock();
        /**
         * Per (learner, course), the ids of the learner's module rows in the store's key order, so
         * that recounting a course's completed modules (at every module completion) reads those
         * rows instead of opening a scan of the store. Filled by one scan when first asked for and
         * kept current by {@link #saveModule}, the only way a module row is written; the least
         * recently used courses are dropped, and scanned again when next asked for.
         */
        private final Map<String, List<String>> modulesByCourse = new LruMap<>(COURSES_INDEXED);

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
            this.progress = context.getStateStore(StoreNames.LEARNING_PROGRESS);
            this.deadlines = context.getStateStore(StoreNames.PROGRESS_DEADLINES);
            FlushedRows.forward(progress, context);
            this.catalog = new CourseCatalogTopology.Lookup(context.getStateStore(StoreNames.COURSE_CATALOG));
            // A revived task runs init again over stores restored afresh.
            modulesByCourse.clear();
            context.schedule(scanEvery, PunctuationType.WALL_CLOCK_TIME, this::detectDropouts);
        }

        @Override
        public void process(Record<String, SpecificRecord> record) {
            clock.observe(record.timestamp(), context.currentSystemTimeMs());
            final Activity activity = Activity.of(record.value(), catalog);
            if (activity == null || activity.courseId() == null) {
                return;
            }
            final long time = activity.at().toEpochMilli();
            switch (activity.kind()) {
                case ENROLLED -> enroll(activity, time);
                case MODULE_COMPLETED -> completeModule(activity, time);
                case COURSE_COMPLETED -> completeCourse(activity, time);
                case MODULE_QUIZ, EXERCISE_STARTED, EXERCISE_COMPLETED, HELP_REQUESTED, CODE_SUBMITTED -> {
                    if (activity.moduleId() != null) {
                        workOnModule(activity);
                    }
                }
                case ASSESSMENT_STARTED, ASSESSMENT_COMPLETED -> touchCourse(activity, activity.seconds(), false);
                default -> {
                    // Not course work.
                }
            }
        }

        private void enroll(Activity activity, long time) {
            final String courseKey = key(activity.userId(), activity.courseId(), null);
            if (progress.get(courseKey) == null) {
                emitFact(activity, CourseFactKind.ENROLLED, null, null, null, time);
            }
            final LearningProgress course = courseRow(activity);
            final boolean indexed = hasDeadline(course);
            course.setLastAccessAt(max(course.getLastAccessAt(), activity.at()));
            saveCourse(courseKey, course, indexed);
            final CourseCreated catalogEntry = catalog.course(activity.courseId());
            if (catalogEntry != null) {
                for (final String module : catalogEntry.getModuleIds()) {
                    final String moduleKey = key(activity.userId(), activity.courseId(), module);
                    if (progress.get(moduleKey) == null) {
                        saveModule(moduleKey, newRow(activity.userId(), activity.courseId(), module));
                    }
                }
            }
        }

        private void workOnModule(Activity activity) {
            final String moduleKey = key(activity.userId(), activity.courseId(), activity.moduleId());
            final LearningProgress module = rowOrNew(moduleKey, activity.userId(), activity.courseId(), activity.moduleId());
            if (module.getStatus() != ProgressStatus.COMPLETED) {
                module.setStatus(ProgressStatus.IN_PROGRESS);
                module.setProgressPercentage(50.0);
            }
            module.setTimeSpentSeconds(module.getTimeSpentSeconds() + activity.seconds());
            module.setLastAccessAt(max(module.getLastAccessAt(), activity.at()));
            if (activity.score() != null) {
                module.setScore(activity.score());
            }
            saveModule(moduleKey, module);
            touchCourse(activity, activity.seconds(), false);
        }

        private void completeModule(Activity activity, long time) {
            final String moduleKey = key(activity.userId(), activity.courseId(), activity.moduleId());
            final LearningProgress module = rowOrNew(moduleKey, activity.userId(), activity.courseId(), activity.moduleId());
            long seconds = 0;
            if (module.getStatus() != ProgressStatus.COMPLETED) {
                // Two platforms may report the same completion; count it once.
                seconds = activity.seconds();
                module.setStatus(ProgressStatus.COMPLETED);
                module.setProgressPercentage(100.0);
                module.setCompletedAt(activity.at());
                module.setTimeSpentSeconds(module.getTimeSpentSeconds() + seconds);
                emitFact(activity, CourseFactKind.MODULE_COMPLETED, activity.moduleId(), null, null, time);
            }
            module.setLastAccessAt(max(module.getLastAccessAt(), activity.at()));
            saveModule(moduleKey, module);
            touchCourse(activity, seconds, true);
        }

        private void completeCourse(Activity activity, long time) {
            final String courseKey = key(activity.userId(), activity.courseId(), null);
            final LearningProgress course = courseRow(activity);
            final boolean first = course.getStatus() != ProgressStatus.COMPLETED;
            course.setStatus(ProgressStatus.COMPLETED);
            course.setProgressPercentage(100.0);
            course.setCompletedAt(activity.at());
            course.setScore(activity.score());
            course.setLastAccessAt(max(course.getLastAccessAt(), activity.at()));
            progress.put(courseKey, course);
            if (first) {
                final UserCompletedCourse done = (UserCompletedCourse) activity.event();
                emitFact(activity, CourseFactKind.COMPLETED, null, done.getFinalScore(),
                        (long) done.getTimeSpentSeconds(), time);
            }
        }

        /**
         * Activity in a course: it is in progress (unless completed), the clock of dropping restarts.
         * The percentage only changes when a module is completed, so only then is it recounted.
         */
        private void touchCourse(Activity activity, long seconds, boolean moduleCompleted) {
            final String courseKey = key(activity.userId(), activity.courseId(), null);
            final LearningProgress course = courseRow(activity);
            final boolean indexed = hasDeadline(course);
            if (course.getStatus() != ProgressStatus.COMPLETED) {
                course.setStatus(ProgressStatus.IN_PROGRESS);
            }
            course.setTimeSpentSeconds(course.getTimeSpentSeconds() + seconds);
            course.setLastAccessAt(max(course.getLastAccessAt(), activity.at()));
            if (moduleCompleted) {
                course.setProgressPercentage(percentage(activity.userId(), activity.courseId(), course));
            }
            saveCourse(courseKey, course, indexed);
        }

        private double percentage(String user, String courseId, LearningProgress course) {
            if (course.getStatus() == ProgressStatus.COMPLETED) {
                return 100.0;
            }
            final List<KeyValue<String, LearningProgress>> modules = moduleRows(user, courseId);
            final long completed = modules.stream().filter(row -> row.value.getStatus() == ProgressStatus.COMPLETED).count();
            final CourseCreated catalogEntry = catalog.course(courseId);
            final int total = catalogEntry != null && !catalogEntry.getModuleIds().isEmpty()
                    ? catalogEntry.getModuleIds().size() : modules.size();
            return total == 0 ? 0.0 : Math.min(100.0, 100.0 * completed / total);
        }

        /**
         * Saves the course row and indexes its drop-out deadline when it becomes open. An open course
         * keeps one index entry due no later than its deadline: activity, which moves the deadline on
         * nearly every event, leaves the entry where it is, and when it comes due early
         * {@link #drop} indexes the course again at its real deadline. That spares a delete and a
         * put per event; an entry left behind by a completed course is dropped when it comes due.
         */
        private void saveCourse(String courseKey, LearningProgress course, boolean indexed) {
            if (!indexed && hasDeadline(course)) {
                deadlines.put(deadlineKey(deadlineOf(course), course.getUserId(), course.getCourseId()), "");
            }
            progress.put(courseKey, course);
        }

        /** Whether the course can be dropped, and so has an entry in the deadline index. */
        private static boolean hasDeadline(LearningProgress course) {
            return course.getLastAccessAt() != null && (course.getStatus() == ProgressStatus.NOT_STARTED
                    || course.getStatus() == ProgressStatus.IN_PROGRESS);
        }

        private long deadlineOf(LearningProgress course) {
            return course.getLastAccessAt().toEpochMilli() + dropAfter.toMillis();
        }

        private void detectDropouts(long wallNow) {
            final long now = clock.now(wallNow);
            if (now == EffectiveClock.UNKNOWN) {
                // Nothing processed since start: judging by the wall clock alone would drop every
                // learner of an old replay at once.
                return;
            }
            for (final KeyValue<String, String> entry : StoreScans.list(deadlines.range("", deadlineKey(now + 1, "", "")))) {
                deadlines.delete(entry.key);
                final String[] parts = Keys.split(entry.key);
                drop(parts[1], parts[2], now);
            }
        }

        private void drop(String user, String courseId, long now) {
            final String courseKey = key(user, courseId, null);
            final LearningProgress course = progress.get(courseKey);
            if (course == null || !hasDeadline(course)) {
                return;
            }
            if (deadlineOf(course) > now) {
                // Active since the entry was made: index the real deadline.
                deadlines.put(deadlineKey(deadlineOf(course), user, courseId), "");
                return;
            }
            String lastCompleted = "";
            Instant lastCompletedAt = Instant.MIN;
            for (final KeyValue<String, LearningProgress> row : moduleRows(user, courseId)) {
                final LearningProgress module = row.value;
                if (module.getStatus() == ProgressStatus.COMPLETED && module.getCompletedAt() != null
                        && module.getCompletedAt().isAfter(lastCompletedAt)) {
                    lastCompleted = module.getModuleId();
                    lastCompletedAt = module.getCompletedAt();
                }
                if (module.getStatus() == ProgressStatus.IN_PROGRESS) {
                    module.setStatus(ProgressStatus.DROPPED);
                    saveModule(row.key, module);
                }
            }
            course.setStatus(ProgressStatus.DROPPED);
            progress.put(courseKey, course);
            context.forward(new Record<>(courseId, new CourseFact(courseId, user, CourseFactKind.DROPPED, lastCompleted,
                    null, null, Instant.ofEpochMilli(now)), now));
        }

        /** The module rows of a learner's course (not the course row itself), in key order. */
        private List<KeyValue<String, LearningProgress>> moduleRows(String user, String courseId) {
            final String course = Keys.of(user, courseId);
            final List<String> modules = modulesByCourse.get(course);
            if (modules == null) {
                final List<KeyValue<String, LearningProgress>> rows = StoreScans.list(
                        progress.prefixScan(Keys.prefix(course), new StringSerializer()));
                rows.removeIf(row -> row.value.getModuleId().isEmpty());
                final List<String> found = new ArrayList<>(rows.size() + 4);
                rows.forEach(row -> found.add(row.value.getModuleId()));
                modulesByCourse.put(course, found);
                return rows;
            }
            final List<KeyValue<String, LearningProgress>> rows = new ArrayList<>(modules.size());
            for (final String module : modules) {
                final String moduleKey = key(user, courseId, module);
                final LearningProgress row = progress.get(moduleKey);
                if (row != null) {
                    rows.add(KeyValue.pair(moduleKey, row));
                }
            }
            return rows;
        }

        /** Writes a module row, and adds a new one to its course's module ids if they are kept. */
        private void saveModule(String moduleKey, LearningProgress module) {
            progress.put(moduleKey, module);
            final List<String> modules = modulesByCourse.get(Keys.of(module.getUserId(), module.getCourseId()));
            if (modules != null) {
                final int at = Collections.binarySearch(modules, module.getModuleId(), DecodedStore.UTF8_ORDER);
                if (at < 0) {
                    modules.add(-at - 1, module.getModuleId());
                }
            }
        }

        private LearningProgress courseRow(Activity activity) {
            return rowOrNew(key(activity.userId(), activity.courseId(), null), activity.userId(), activity.courseId(), "");
        }

        private LearningProgress rowOrNew(String key, String user, String course, String module) {
            final LearningProgress row = progress.get(key);
            return row != null ? row : newRow(user, course, module);
        }

        private void emitFact(Activity activity, CourseFactKind kind, String module, Double score, Long seconds, long time) {
            context.forward(new Record<>(activity.courseId(), new CourseFact(activity.courseId(), activity.userId(), kind,
                    module, score, seconds, activity.at()), time));
        }
    }

    private static LearningProgress newRow(String user, String course, String module) {
        return new LearningProgress(user, course, module == null ? "" : module, ProgressStatus.NOT_STARTED, 0.0, 0L,
                null, null, null);
    }

    private static Instant max(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
