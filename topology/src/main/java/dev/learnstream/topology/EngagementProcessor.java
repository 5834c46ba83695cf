package dev.learnstream.topology;

import dev.learnstream.events.UserCreated;
import dev.learnstream.events.UserEnrolled;
import dev.learnstream.events.UserLogin;
import dev.learnstream.results.UserAnalytics;
import dev.learnstream.results.UserEngagement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Per-learner totals ({@value StoreNames#USER_ANALYTICS}, keyed by userId) and engagement per
 * (user, domain) ({@value StoreNames#USER_ENGAGEMENT}, keyed {@code user␟domain}). Time on task is
 * quiz time, module study time (counted once per module, even when two platforms report the same
 * completion) and assessment time. Streaks count days in the learner's time zone. Forwards each
 * changed record (UserAnalytics and UserEngagement values) for their result topics.
 */
final class EngagementProcessor implements ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> {

    private final Map<String, ?> serdeConfig;

    EngagementProcessor(Map<String, ?> serdeConfig) {
        this.serdeConfig = serdeConfig;
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return StoreSets.ordered(
                DecodedStore.persistent(StoreNames.USER_ANALYTICS, AvroSerdes.avro(serdeConfig, UserAnalytics.class), DecodedStore.Scans.NONE),
                DecodedStore.persistent(StoreNames.USER_ENGAGEMENT, AvroSerdes.avro(serdeConfig, UserEngagement.class), DecodedStore.Scans.NONE));
    }

    @Override
    public Processor<String, SpecificRecord, String, SpecificRecord> get() {
        return new Processor<>() {
            private ProcessorContext<String, SpecificRecord> context;
            private KeyValueStore<String, UserAnalytics> users;
            private KeyValueStore<String, UserEngagement> engagement;
            private CourseCatalogTopology.Lookup catalog;

            @Override
            public void init(ProcessorContext<String, SpecificRecord> context) {
                this.context = context;
                this.users = context.getStateStore(StoreNames.USER_ANALYTICS);
                this.engagement = context.getStateStore(StoreNames.USER_ENGAGEMENT);
                FlushedRows.forward(users, context);
                FlushedRows.forward(engagement, context);
                this.catalog = new CourseCatalogTopology.Lookup(context.getStateStore(StoreNames.COURSE_CATALOG));
            }

            @Override
            public void process(Record<String, SpecificRecord> record) {
                final Activity activity = Activity.of(record.value(), catalog);
                if (activity == null) {
                    return;
                }
                final UserAnalytics user = updateUser(activity);
                users.put(activity.userId(), user);
                if (activity.domain() != null) {
                    final String key = Keys.of(activity.userId(), activity.domain());
                    final UserEngagement updated = updateEngagement(engagement.get(key), activity, user);
                    engagement.put(key, updated);
                }
            }

            private UserAnalytics updateUser(Activity activity) {
                final UserAnalytics before = users.get(activity.userId());
                final UserAnalytics user = before != null ? before : UserAnalytics.newBuilder()
                        .setUserId(activity.userId()).setTotalCoursesEnrolled(0).setTotalCoursesCompleted(0)
                        .setTotalLearningHours(0).setAverageScore(0).setScoreCount(0).setStreakDays(0)
                        .setLongestStreakDays(0).setLearningPath(new ArrayList<>()).setSkillsAcquired(new ArrayList<>())
                        .build();
                if (activity.event() instanceof UserCreated created) {
                    user.setCreatedAt(created.getOccurredAt());
                    if (created.getTimeZone() != null) {
                        user.setTimeZone(created.getTimeZone());
                    }
                } else if (activity.event() instanceof UserLogin login && login.getTimeZone() != null) {
                    user.setTimeZone(login.getTimeZone());
                }
                if (activity.event() instanceof UserEnrolled && !user.getLearningPath().contains(activity.courseId())) {
                    user.getLearningPath().add(activity.courseId());
                    user.setTotalCoursesEnrolled(user.getLearningPath().size());
                }
                if (activity.kind() == Activity.Kind.COURSE_COMPLETED) {
                    user.setTotalCoursesCompleted(user.getTotalCoursesCompleted() + 1);
                }
                long seconds = countedSeconds(activity);
                if (activity.kind() == Activity.Kind.MODULE_COMPLETED) {
                    if (user.getSkillsAcquired().contains(activity.moduleId())) {
                        seconds = 0;
                    } else {
                        user.getSkillsAcquired().add(activity.moduleId());
                    }
                }
                user.setTotalLearningHours(user.getTotalLearningHours() + seconds / 3600.0);
                if (activity.score() != null && (activity.kind().isQuiz() || activity.kind() == Activity.Kind.ASSESSMENT_COMPLETED)) {
                    final long n = user.getScoreCount() + 1;
                    user.setAverageScore(user.getAverageScore() + (activity.score() - user.getAverageScore()) / n);
                    user.setScoreCount(n);
                }
                if (user.getLastActiveAt() == null || activity.at().isAfter(user.getLastActiveAt())) {
                    user.setLastActiveAt(activity.at());
                }
                final Streaks.Streak streak = Streaks.after(streakOf(user.getLastActiveDay(), user.getStreakDays(),
                        user.getLongestStreakDays()), activity.at(), Streaks.zone(user.getTimeZone()));
                user.setLastActiveDay(streak.lastDay().toString());
                user.setStreakDays(streak.current());
                user.setLongestStreakDays(streak.longest());
                return user;
            }

            private UserEngagement updateEngagement(UserEngagement before, Activity activity, UserAnalytics user) {
                final UserEngagement row = before != null ? before : UserEngagement.newBuilder()
                        .setUserId(activity.userId()).setDomain(activity.domain()).setModulesStarted(0)
                        .setModulesCompleted(0).setTotalQuizAttempts(0).setTotalTimeSeconds(0)
                        .setLastActivityAt(activity.at()).setStreakDays(0).setLongestStreakDays(0).setLastActiveDay("")
                        .setStartedModules(new ArrayList<>()).setCompletedModules(new ArrayList<>()).build();
                final String module = activity.moduleId();
                if (activity.kind().touchesModule() && module != null && !row.getStartedModules().contains(module)) {
                    row.getStartedModules().add(module);
                    row.setModulesStarted(row.getStartedModules().size());
                }
                long seconds = countedSeconds(activity);
                if (activity.kind() == Activity.Kind.MODULE_COMPLETED) {
                    if (row.getCompletedModules().contains(module)) {
                        seconds = 0;
                    } else {
                        row.getCompletedModules().add(module);
                        row.setModulesCompleted(row.getCompletedModules().size());
                    }
                }
                if (activity.kind().isQuiz()) {
                    row.setTotalQuizAttempts(row.getTotalQuizAttempts() + 1);
                }
                row.setTotalTimeSeconds(row.getTotalTimeSeconds() + seconds);
                if (activity.at().isAfter(row.getLastActivityAt())) {
                    row.setLastActivityAt(activity.at());
                }
                final ZoneId zone = Streaks.zone(user.getTimeZone());
                final Streaks.Streak streak = Streaks.after(streakOf(row.getLastActiveDay(), row.getStreakDays(),
                        row.getLongestStreakDays()), activity.at(), zone);
                row.setLastActiveDay(streak.lastDay().toString());
                row.setStreakDays(streak.current());
                row.setLongestStreakDays(streak.longest());
                return row;
            }
        };
    }

    /** Seconds of an activity that count as time on task (exercise time is part of module study time). */
    static long countedSeconds(Activity activity) {
        return switch (activity.kind()) {
            case DIAGNOSTIC_QUIZ, MODULE_QUIZ, MODULE_COMPLETED, ASSESSMENT_COMPLETED -> activity.seconds();
            default -> 0;
        };
    }

    private static Streaks.Streak streakOf(String lastDay, int current, int longest) {
        return lastDay == null || lastDay.isEmpty() ? new Streaks.Streak(null, 0, longest)
                : new Streaks.Streak(Streaks.day(lastDay), current, longest);
    }
}
