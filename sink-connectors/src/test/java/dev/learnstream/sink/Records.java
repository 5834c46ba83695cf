package dev.learnstream.sink;

import dev.learnstream.results.MemoryUrgency;
import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.results.QuizType;
import dev.learnstream.results.RevisionSignal;
import dev.learnstream.results.WindowedMetric;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topology.ResultTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** Result records and their bytes, as the topology writes them, for sink tests. */
final class Records {

    static final String REGISTRY = "mock://sink-tests";
    static final Serializer<SpecificRecord> SERIALIZER = EventSerdes.values(EventSerdes.config(REGISTRY, Map.of())).serializer();

    private Records() {
    }

    static Deserializer<SpecificRecord> deserializer() {
        return EventSerdes.values(EventSerdes.config(REGISTRY, Map.of())).deserializer();
    }

    static String key(String... parts) {
        return String.join("\u001f", parts);
    }

    static QuizAnalytics quiz(String user, String module, long attempts, double average) {
        return QuizAnalytics.newBuilder().setUserId(user).setDomain("dsa").setCourse("course-1").setModule(module)
                .setQuizType(QuizType.MODULE).setAttemptCount(attempts).setAverageScore(average)
                .setAverageTimeTakenSeconds(120.0).setBestScore(average).setLastScore(average)
                .setLastAttemptedAt(Instant.parse("2026-11-20T10:15:30.123Z")).build();
    }

    static String quizKey(String user, String module) {
        return key(user, "dsa", "course-1", module, "MODULE");
    }

    static WindowedMetric window(String size, long start) {
        return WindowedMetric.newBuilder().setDimension("overall").setDimensionValue("all").setWindowSize(size)
                .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(start + 60_000))
                .setEvents(10).setEventsByType(Map.of("ModuleQuizCompleted", 4L, "UserLogin", 6L)).setActiveLearners(3.0)
                .setQuizAttempts(4).setAverageScore(71.5).setP50Score(70.0).setP90Score(90.0).setFailureRate(0.25)
                .setLateEvents(1).setFinal$(true).build();
    }

    static String windowKey(String size, long start) {
        return key(size, "overall", "all", String.format("%019d", start));
    }

    static RevisionSignal signal(String user, String module, long scheduledAt, Instant reviewedAt) {
        return RevisionSignal.newBuilder().setUserId(user).setDomain("dsa").setModuleId(module)
                .setUrgencyLevel(MemoryUrgency.MEDIUM).setScheduledAt(Instant.ofEpochMilli(scheduledAt))
                .setReviewedAt(reviewedAt).setCreatedAt(Instant.ofEpochMilli(scheduledAt)).build();
    }

    static SinkRecord record(String topic, int partition, long offset, String key, SpecificRecord value) {
        return new SinkRecord(topic, partition, offset, 1_700_000_000_000L + offset,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : SERIALIZER.serialize(topic, value), null);
    }

    static SinkRecord quizRecord(long offset, String user, String module, long attempts, double average) {
        return record(ResultTopics.QUIZ_ANALYTICS, 0, offset, quizKey(user, module), quiz(user, module, attempts, average));
    }
}
