package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.learnstream.avro.MockSchemaRegistry;
import dev.learnstream.simulator.ProducedRecord;
import dev.learnstream.simulator.Simulator;
import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.simulator.SimulatorStats;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topology.Keys;
import dev.learnstream.topology.LearnStreamTopology;
import dev.learnstream.topology.MemorySettings;
import dev.learnstream.topology.StoreNames;
import dev.learnstream.topology.StreamsSettings;
import dev.learnstream.topology.TopologySettings;
import io.javalin.Javalin;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against real answers: simulated learners through the real topology
 * (TopologyTestDriver), the API over its stores, every documented path called, every body —
 * errors included — checked against the document's schema for its status.
 */
class OpenApiConformanceTest {

    private static final String SCOPE = "openapi-conformance";
    private static TopologyTestDriver driver;
    private static Javalin app;
    private static ApiClient client;
    private static JsonNode document;
    private static SchemaCheck schemas;
    private static Path stateDir;
    private static final Set<String> exercised = new LinkedHashSet<>();

    @BeforeAll
    static void run() throws Exception {
        final Map<String, Object> serdes = EventSerdes.config("mock://" + SCOPE, Map.of());
        final TopicNames names = TopicNames.defaults();
        final TopologySettings settings = TopologySettings.defaults(names, serdes);
        final Properties props = StreamsSettings.properties("openapi-conformance", "unused:9092", settings,
                Map.of("state.dir", (stateDir = Files.createTempDirectory("learnstream-openapi")).toString()));
        driver = new TopologyTestDriver(LearnStreamTopology.build(settings), props, Instant.now());
        final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
        final var serializer = EventSerdes.values(serdes).serializer();
        new Simulator(new SimulatorConfig(100, 7, 0, null, 3_000, 0.0, Duration.ofDays(4), true), names,
                serializer::serialize, Clock.systemUTC()).run(new Simulator.Output() {
                    @Override
                    public void send(ProducedRecord record, SimulatorStats stats) {
                        inputs.computeIfAbsent(record.topic(), topic -> driver.createInputTopic(topic,
                                new StringSerializer(), new ByteArraySerializer()))
                                .pipeInput(record.key(), record.value(), record.timestamp());
                    }

                    @Override
                    public void flush() {
                    }

                    @Override
                    public void close() {
                    }
                }, () -> false);
        // Let windows close and memories cross urgency thresholds.
        for (int i = 0; i < 4; i++) {
            driver.advanceWallClockTime(Duration.ofHours(6));
        }
        final MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(),
                (topic, value) -> new byte[0]);
        final TtdStores stores = new TtdStores(driver);
        app = QueryApi.create(new QueryApi.Dependencies(stores, stores, new Forwarder(Duration.ofSeconds(1)),
                QueryApiTest.KEYS, () -> new Readiness.Status(true, "RUNNING", null), new ServiceMetrics(),
                MemorySettings.DEFAULTS, new EventPublisher(producer, names, Duration.ofDays(1), Clock.systemUTC()),
                Clock.systemUTC()));
        app.start("127.0.0.1", 0);
        client = new ApiClient(app.port());
        try (InputStream in = QueryApi.class.getResourceAsStream("/openapi.json")) {
            document = new ObjectMapper().readTree(in);
        }
        schemas = new SchemaCheck(document);
    }

    @AfterAll
    static void stop() {
        app.stop();
        driver.close();
        MockSchemaRegistry.drop(SCOPE);
        dev.learnstream.stack.Dirs.deleteQuietly(stateDir);
    }

    private static String firstKey(String store, String prefix) {
        final var rows = new TtdStores(driver).all(store, prefix, false);
        assertThat(rows).as("rows in %s", store).isNotEmpty();
        return rows.get(0).key();
    }

    /** Calls the API and checks the answer against the document; returns the body. */
    private static JsonNode call(String method, String path, String key, String body, int expected) {
        final ApiClient.Response response = method.equals("GET") ? client.get(path, key) : client.post(path, key, body);
        assertThat(response.status()).as("%s %s: %s", method, path, response.raw().body()).isEqualTo(expected);
        final String template = template(path.split("\\?")[0]);
        exercised.add(method + " " + template);
        final JsonNode operation = document.get("paths").get(template).get(method.toLowerCase(java.util.Locale.ROOT));
        final JsonNode documented = operation.get("responses").get(Integer.toString(expected));
        assertThat(documented).as("%s %s documents status %d", method, template, expected).isNotNull();
        if (documented.has("content") && documented.get("content").has("application/json")) {
            final List<String> problems = schemas.check(documented.get("content").get("application/json").get("schema"),
                    response.json());
            assertThat(problems).as("%s %s answer against the document", method, path).isEmpty();
        }
        return documented.has("content") && documented.get("content").has("application/json") ? response.json() : null;
    }

    private static String template(String path) {
        final Iterator<String> templates = document.get("paths").fieldNames();
        while (templates.hasNext()) {
            final String template = templates.next();
            if (path.matches(template.replaceAll("\\{[^}]+}", "[^/]+"))) {
                return template;
            }
        }
        throw new AssertionError("No documented path for " + path);
    }

    @Test
    void everyDocumentedPathAnswersAsDocumented() {
        final String user = firstKey(StoreNames.USER_ANALYTICS, "");
        final String course = firstKey(StoreNames.COURSE_ANALYTICS, "");
        final String assessment = firstKey(StoreNames.ASSESSMENT_ANALYTICS, "");
        final String domain = Keys.split(firstKey(StoreNames.WINDOWED_METRICS, Keys.of("1h", "domain")))[2];

        call("GET", "/health/live", null, null, 200);
        call("GET", "/health/ready", null, null, 200);
        call("GET", "/metrics", null, null, 200);
        assertThat(call("GET", "/api/v1/users/" + user + "/analytics", QueryApiTest.ADMIN, null, 200)
                .get("engagement")).isNotEmpty();
        assertThat(call("GET", "/api/v1/users/" + user + "/memory?limit=500", QueryApiTest.ADMIN, null, 200)
                .get("items")).isNotEmpty();
        call("GET", "/api/v1/users/" + user + "/revisions", QueryApiTest.ADMIN, null, 200);
        call("GET", "/api/v1/users/" + firstKey(StoreNames.AT_RISK, "").split(String.valueOf(Keys.SEPARATOR))[0]
                + "/risk", QueryApiTest.ADMIN, null, 200);
        call("GET", "/api/v1/courses/" + course + "/analytics", QueryApiTest.ADMIN, null, 200);
        call("GET", "/api/v1/assessments/" + assessment + "/analytics", QueryApiTest.ADMIN, null, 200);
        assertThat(call("GET", "/api/v1/learning-progress?userId=" + user, QueryApiTest.ADMIN, null, 200).get("items"))
                .isNotEmpty();
        call("GET", "/api/v1/learning-progress?courseId=" + course + "&status=in_progress", QueryApiTest.ADMIN, null, 200);
        assertThat(call("GET", "/api/v1/dashboard?timeframe=30d", QueryApiTest.ADMIN, null, 200).get("current")
                .get("events").asLong()).isPositive();
        assertThat(call("GET", "/api/v1/metrics/1h?domain=" + domain + "&from=" + Instant.now().minus(Duration.ofDays(8)),
                QueryApiTest.ADMIN, null, 200).get("items")).isNotEmpty();
        assertThat(call("GET", "/api/v1/metrics/1d?from=" + Instant.now().minus(Duration.ofDays(8)), QueryApiTest.ADMIN,
                null, 200).get("items")).isNotEmpty();
        call("GET", "/api/v1/dlq", QueryApiTest.ADMIN, null, 200);
        call("POST", "/api/v1/events/user-login", QueryApiTest.ADMIN, "{\"userId\":\"" + user + "\"}", 202);

        // Errors are documented answers too.
        call("GET", "/api/v1/users/" + user + "/memory?limit=9999", QueryApiTest.ADMIN, null, 400);
        call("GET", "/api/v1/users/" + user + "/analytics", null, null, 401);
        call("GET", "/api/v1/users/" + user + "/analytics", QueryApiTest.STUDENT, null, 403);
        call("GET", "/api/v1/courses/no-such-course/analytics", QueryApiTest.ADMIN, null, 404);
        call("POST", "/api/v1/events/module-quiz-completed", QueryApiTest.ADMIN, "{\"userId\":\"x\"}", 400);

        final Set<String> documented = new LinkedHashSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
        assertThat(exercised).containsAll(documented);
    }
}
