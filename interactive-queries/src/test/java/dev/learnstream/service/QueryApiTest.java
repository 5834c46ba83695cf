package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.learnstream.memory.Fsrs6;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topology.Keys;
import dev.learnstream.topology.MemorySettings;
import dev.learnstream.topology.StoreNames;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API's handlers on a real HTTP port, over in-memory stores. */
class QueryApiTest {

    static final String ADMIN = "admin-key-0123456789";
    static final String INSTRUCTOR = "instructor-key-0123456789";
    static final String STUDENT = "student-key-0123456789";
    static final Instant NOW = Instant.parse("2025-03-20T12:00:00Z");
    static final ApiKeys KEYS = ApiKeys.parse("LEARNSTREAM_API_KEYS",
            ADMIN + ":admin," + INSTRUCTOR + ":instructor:dsa-101," + STUDENT + ":student:u1");

    private final FakeStores stores = new FakeStores();
    private final MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(),
            (topic, record) -> new byte[0]);
    private boolean ready = true;
    private Javalin app;
    private ApiClient client;

    @BeforeEach
    void start() {
        final EventPublisher publisher = new EventPublisher(producer, TopicNames.defaults(), Duration.ofDays(1),
                Clock.fixed(NOW, ZoneOffset.UTC));
        app = QueryApi.create(new QueryApi.Dependencies(stores, stores, new Forwarder(Duration.ofSeconds(1)), KEYS,
                () -> new Readiness.Status(ready, ready ? "RUNNING" : "REBALANCING", ready ? null : "restoring"),
                new ServiceMetrics(), MemorySettings.DEFAULTS, publisher, Clock.fixed(NOW, ZoneOffset.UTC)));
        app.start("127.0.0.1", 0);
        stores.self = "127.0.0.1:" + app.port();
        client = new ApiClient(app.port());
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private static Map<String, Object> map(Object... pairs) {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static void assertError(ApiClient.Response response, int status, String code, String parameter) {
        assertThat(response.status()).as(response.raw().body()).isEqualTo(status);
        assertThat(response.json().has("error")).as(response.raw().body()).isTrue();
        final JsonNode error = response.json().get("error");
        assertThat(error.get("status").asInt()).isEqualTo(status);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        if (parameter != null) {
            assertThat(error.get("parameter").asText()).isEqualTo(parameter);
        }
        assertThat(response.raw().body()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void healthAndReadiness() {
        assertThat(client.get("/health/live", null).status()).isEqualTo(200);
        assertThat(client.get("/health/ready", null).json().get("status").asText()).isEqualTo("ready");
        ready = false;
        final ApiClient.Response notReady = client.get("/health/ready", null);
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.header("Retry-After")).isEqualTo("5");
        assertThat(notReady.json().get("state").asText()).isEqualTo("REBALANCING");
    }

    @Test
    void keysAreRequiredAndRolesLimitWhatTheyRead() {
        stores.put(StoreNames.USER_ANALYTICS, "u1", map("userId", "u1", "streakDays", 3));
        stores.put(StoreNames.USER_ANALYTICS, "u2", map("userId", "u2", "streakDays", 1));
        assertError(client.get("/api/v1/users/u1/analytics", null), 401, "unauthorized", null);
        assertError(client.get("/api/v1/users/u1/analytics", "not-a-key"), 401, "unauthorized", null);
        assertThat(client.get("/api/v1/users/u1/analytics", STUDENT).status()).isEqualTo(200);
        assertError(client.get("/api/v1/users/u2/analytics", STUDENT), 403, "forbidden", null);
        assertError(client.get("/api/v1/dashboard", STUDENT), 403, "forbidden", null);
        assertError(client.get("/api/v1/courses/web-101/analytics", INSTRUCTOR), 403, "forbidden", null);
        assertThat(client.get("/api/v1/users/u2/analytics", ADMIN).status()).isEqualTo(200);
    }

    @Test
    void userAnalyticsCombineTheLearnersStores() {
        stores.put(StoreNames.USER_ANALYTICS, "u1", map("userId", "u1", "streakDays", 3));
        stores.put(StoreNames.USER_ENGAGEMENT, Keys.of("u1", "dsa"), map("domain", "dsa", "modulesStarted", 2));
        stores.put(StoreNames.USER_ENGAGEMENT, Keys.of("u10", "web"), map("domain", "web", "modulesStarted", 9));
        stores.put(StoreNames.QUIZ_ANALYTICS, Keys.of("u1", "dsa", "dsa-101", "dsa-arrays", "MODULE"),
                map("module", "dsa-arrays", "attemptCount", 2));

        final ApiClient.Response response = client.get("/api/v1/users/u1/analytics", ADMIN);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header(QueryApi.SOURCE)).isEqualTo("active");
        final JsonNode body = response.json();
        assertThat(body.get("streakDays").asInt()).isEqualTo(3);
        assertThat(body.get("engagement")).hasSize(1);
        assertThat(body.get("engagement").get(0).get("domain").asText()).isEqualTo("dsa");
        assertThat(body.get("quizzes").get(0).get("attemptCount").asInt()).isEqualTo(2);
        assertError(client.get("/api/v1/users/nobody/analytics", ADMIN), 404, "not_found", null);
    }

    @Test
    void memoryIsRescoredAtQueryTime() {
        final Instant reviewed = NOW.minus(Duration.ofDays(5));
        stores.put(StoreNames.MEMORY_SCORES, Keys.of("u1", "dsa-arrays"), map("userId", "u1", "moduleId", "dsa-arrays",
                "stability", 2.3065, "lastReviewedAt", reviewed.toString(), "retrievability", 1.0, "currentScore", 100.0,
                "revisionUrgency", "low"));
        final JsonNode page = client.get("/api/v1/users/u1/memory", STUDENT).json();
        assertThat(page.get("total").asInt()).isEqualTo(1);
        final JsonNode memory = page.get("items").get(0);
        final double expected = Fsrs6.defaults().retrievability(5, 2.3065);
        assertThat(memory.get("retrievability").asDouble()).isEqualTo(expected);
        assertThat(memory.get("currentScore").asDouble()).isEqualTo(100 * expected);
        assertThat(memory.get("forgettingScore").asDouble()).isEqualTo(100 * (1 - expected));
        assertThat(memory.get("revisionUrgency").asText()).isEqualTo(expected < 0.7 ? "high" : "medium");
        assertThat(memory.get("computedAt").asText()).isEqualTo(NOW.toString());
    }

    @Test
    void revisionsFilterByStatusAndPaginate() {
        for (int i = 0; i < 3; i++) {
            stores.put(StoreNames.REVISION_SIGNALS, Keys.of("u1", "m" + i, Keys.time(i)), map("moduleId", "m" + i,
                    "reviewedAt", i == 0 ? NOW.toString() : null));
        }
        assertThat(client.get("/api/v1/users/u1/revisions?status=open", ADMIN).json().get("total").asInt()).isEqualTo(2);
        assertThat(client.get("/api/v1/users/u1/revisions?status=reviewed", ADMIN).json().get("total").asInt()).isEqualTo(1);
        final JsonNode page = client.get("/api/v1/users/u1/revisions?limit=1&offset=1", ADMIN).json();
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("items").get(0).get("moduleId").asText()).isEqualTo("m1");
        assertThat(page.get("total").asInt()).isEqualTo(3);
        assertError(client.get("/api/v1/users/u1/revisions?status=late", ADMIN), 400, "bad_request", "status");
        assertError(client.get("/api/v1/users/u1/revisions?limit=0", ADMIN), 400, "bad_request", "limit");
        assertError(client.get("/api/v1/users/u1/revisions?offset=x", ADMIN), 400, "bad_request", "offset");
    }

    @Test
    void learningProgressNeedsAUserOrACourse() {
        stores.put(StoreNames.LEARNING_PROGRESS, Keys.of("u1", "dsa-101", ""), map("courseId", "dsa-101", "status",
                "in_progress"));
        stores.put(StoreNames.LEARNING_PROGRESS, Keys.of("u1", "dsa-101", "dsa-arrays"), map("courseId", "dsa-101",
                "status", "completed"));
        stores.put(StoreNames.LEARNING_PROGRESS, Keys.of("u2", "dsa-101", ""), map("courseId", "dsa-101", "status",
                "dropped"));
        assertError(client.get("/api/v1/learning-progress", ADMIN), 400, "bad_request", "userId");
        assertError(client.get("/api/v1/learning-progress?userId=u1&status=paused", ADMIN), 400, "bad_request", "status");
        assertThat(client.get("/api/v1/learning-progress?userId=u1&status=completed", STUDENT).json().get("total").asInt())
                .isEqualTo(1);
        final ApiClient.Response byCourse = client.get("/api/v1/learning-progress?courseId=dsa-101", INSTRUCTOR);
        assertThat(byCourse.json().get("total").asInt()).isEqualTo(3);
        assertThat(byCourse.header(QueryApi.SOURCE)).isEqualTo("active");
        assertError(client.get("/api/v1/learning-progress?courseId=dsa-101", STUDENT), 403, "forbidden", null);
    }

    @Test
    void windowedMetricsAndTheDashboard() {
        for (int day = 0; day < 14; day++) {
            final Instant start = NOW.truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(day));
            stores.put(StoreNames.WINDOWED_METRICS, Keys.of("1d", "all", "", Keys.time(start.toEpochMilli())), map(
                    "windowStart", start.toString(), "windowEnd", start.plus(Duration.ofDays(1)).toString(),
                    "events", day < 7 ? 200 : 100, "quizAttempts", 10, "averageScore", day < 7 ? 80.0 : 70.0,
                    "failureRate", 0.1, "activeLearners", 5));
        }
        final JsonNode dashboard = client.get("/api/v1/dashboard?timeframe=7d", INSTRUCTOR).json();
        assertThat(dashboard.get("current").get("days").asInt()).isEqualTo(7);
        assertThat(dashboard.get("current").get("events").asLong()).isEqualTo(1400);
        assertThat(dashboard.get("previous").get("events").asLong()).isEqualTo(700);
        assertThat(dashboard.get("changePercent").get("events").asDouble()).isEqualTo(100.0);
        assertThat(dashboard.get("current").get("averageScore").asDouble()).isEqualTo(80.0);
        assertError(client.get("/api/v1/dashboard?timeframe=2w", ADMIN), 400, "bad_request", "timeframe");

        final JsonNode days = client.get("/api/v1/metrics/1d?from=" + NOW.minus(Duration.ofDays(3)) + "&to=" + NOW, ADMIN)
                .json();
        assertThat(days.get("total").asInt()).isEqualTo(3);
        assertError(client.get("/api/v1/metrics/2d", ADMIN), 400, "bad_request", "window");
        assertError(client.get("/api/v1/metrics/1h?from=yesterday", ADMIN), 400, "bad_request", "from");
        assertError(client.get("/api/v1/metrics/1h?domain=dsa&module=x", ADMIN), 400, "bad_request", "module");
    }

    @Test
    void unknownRoutesWrongMethodsUnknownOwnersAndFailuresAreJson() {
        assertError(client.get("/api/v1/nothing", ADMIN), 404, "not_found", null);
        assertError(client.post("/api/v1/dashboard", ADMIN, "{}"), 405, "method_not_allowed", null);
        stores.placement = key -> null;
        final ApiClient.Response unknown = client.get("/api/v1/users/u1/analytics", ADMIN);
        assertError(unknown, 503, "unavailable", null);
        assertThat(unknown.header("Retry-After")).isEqualTo("5");
        stores.placement = key -> new Cluster.Placement(stores.self, true, List.of(), false, 0);
        stores.failure = new IllegalStateException("secret internals");
        final ApiClient.Response failed = client.get("/api/v1/courses/dsa-101/analytics", ADMIN);
        assertError(failed, 500, "internal", null);
        assertThat(failed.raw().body()).doesNotContain("secret internals");
    }

    @Test
    void eventsArePublishedAsAvroAfterValidation() {
        final String quiz = "{\"userId\":\"u1\",\"domain\":\"dsa\",\"course\":\"dsa-101\",\"module\":\"dsa-arrays\","
                + "\"score\":85,\"timeTakenSeconds\":300,\"attemptNumber\":1,\"occurredAt\":\"2025-03-20T11:00:00Z\"}";
        final ApiClient.Response accepted = client.post("/api/v1/events/module-quiz-completed", STUDENT, quiz);
        assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(202);
        assertThat(accepted.json().get("topic").asText()).isEqualTo("module_quiz_events");
        assertThat(producer.history()).hasSize(1);
        assertThat(producer.history().get(0).key()).isEqualTo("u1");
        assertThat(producer.history().get(0).value().get(0).toString()).isEqualTo(accepted.json().get("eventId").asText());

        assertError(client.post("/api/v1/events/module-quiz-completed", STUDENT, quiz.replace("85", "150")), 400,
                "bad_request", "score");
        assertError(client.post("/api/v1/events/ModuleQuizCompleted", ADMIN, quiz.replace("\"score\":85", "\"score\":\"high\"")),
                400, "bad_request", "score");
        assertError(client.post("/api/v1/events/module-quiz-completed", ADMIN, quiz.replace("\"domain\":\"dsa\",", "")),
                400, "bad_request", "domain");
        assertError(client.post("/api/v1/events/module-quiz-completed", ADMIN, quiz.replace("{", "{\"colour\":\"red\",")),
                400, "bad_request", "colour");
        assertError(client.post("/api/v1/events/module-quiz-completed", ADMIN, "{not json"), 400, "bad_request", "body");
        assertError(client.post("/api/v1/events/module-quiz-completed", STUDENT, quiz.replace("\"u1\"", "\"u2\"")), 403,
                "forbidden", null);
        assertError(client.post("/api/v1/events/teleported", ADMIN, quiz), 404, "not_found", null);
        assertThat(producer.history()).hasSize(1);
    }
}
