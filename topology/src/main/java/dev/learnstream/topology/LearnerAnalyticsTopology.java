package dev.learnstream.topology;

import dev.learnstream.results.CourseFact;
import dev.learnstream.results.LearningProgress;
import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.results.UserAnalytics;
import dev.learnstream.results.UserEngagement;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Learner analytics, all on the user's own partition (no repartition): quiz analytics
 * ({@value StoreNames#QUIZ_ANALYTICS}), engagement and user totals ({@value StoreNames#USER_ENGAGEMENT},
 * {@value StoreNames#USER_ANALYTICS}) and learning progress ({@value StoreNames#LEARNING_PROGRESS}).
 *
 * <p>Topics written: {@value ResultTopics#QUIZ_ANALYTICS}, {@value ResultTopics#USER_ENGAGEMENT},
 * {@value ResultTopics#USER_ANALYTICS}, {@value ResultTopics#LEARNING_PROGRESS}, and a user's
 * {@code AnalyticsUpdated} events to {@link dev.learnstream.topics.EventTopic#ANALYTICS_EVENTS}
 * ({@link AnalyticsEvents}).
 */
public final class LearnerAnalyticsTopology {

    private LearnerAnalyticsTopology() {
    }

    /** Builds the learner analytics and returns the course facts they produce, keyed by courseId. */
    public static KStream<String, CourseFact> build(TopologySettings settings, KStream<String, SpecificRecord> events) {
        final Map<String, ?> serdes = settings.serdeConfig();
        events.process(new QuizAnalyticsProcessor(serdes), Named.as("quiz-analytics"))
                .to(ResultTopics.QUIZ_ANALYTICS, Produced.with(Serdes.String(), AvroSerdes.avro(serdes, QuizAnalytics.class))
                        .withName("write-quiz-analytics"));

        final Map<String, KStream<String, SpecificRecord>> engagement = events
                .process(new EngagementProcessor(serdes), Named.as("engagement"))
                .split(Named.as("engagement-"))
                .branch((key, value) -> value instanceof UserAnalytics, Branched.as("user"))
                .defaultBranch(Branched.as("domain"));
        final KStream<String, UserAnalytics> users = engagement.get("engagement-user")
                .mapValues(value -> (UserAnalytics) value, Named.as("as-user-analytics"));
        users.to(ResultTopics.USER_ANALYTICS, Produced.with(Serdes.String(), AvroSerdes.avro(serdes, UserAnalytics.class))
                .withName("write-user-analytics"));
        AnalyticsEvents.fromUsers(settings, users);
        engagement.get("engagement-domain").mapValues(value -> (UserEngagement) value, Named.as("as-user-engagement"))
                .to(ResultTopics.USER_ENGAGEMENT, Produced.with(Serdes.String(), AvroSerdes.avro(serdes, UserEngagement.class))
                        .withName("write-user-engagement"));

        final Map<String, KStream<String, SpecificRecord>> progress = events
                .process(new ProgressProcessor(serdes, settings.dropAfter(), settings.scanEvery()),
                        Named.as("learning-progress"))
                .split(Named.as("progress-"))
                .branch((key, value) -> value instanceof LearningProgress, Branched.as("rows"))
                .defaultBranch(Branched.as("facts"));
        progress.get("progress-rows").mapValues(value -> (LearningProgress) value, Named.as("as-learning-progress"))
                .to(ResultTopics.LEARNING_PROGRESS, Produced.with(Serdes.String(),
                        AvroSerdes.avro(serdes, LearningProgress.class)).withName("write-learning-progress"));
        return progress.get("progress-facts").mapValues(value -> (CourseFact) value, Named.as("as-course-fact"));
    }
}
