package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.topology.MemorySettings;
import dev.learnstream.topology.StoreNames;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two API instances over in-memory stores: A does not own the key, B does. A forwards to B with
 * the caller's key; when B is gone, A answers from its standby copy and says so; without one, 503.
 */
class ForwardingTest {

    private final FakeStores storesA = new FakeStores();
    private final FakeStores storesB = new FakeStores();
    private Javalin a;
    private Javalin b;

    private static Javalin start(FakeStores stores) {
        final Javalin app = QueryApi.create(new QueryApi.Dependencies(stores, stores, new Forwarder(Duration.ofMillis(500)),
                QueryApiTest.KEYS, () -> new Readiness.Status(true, "RUNNING", null), new ServiceMetrics(),
                MemorySettings.DEFAULTS, null, Clock.systemUTC()));
        app.start("127.0.0.1", 0);
        stores.self = "127.0.0.1:" + app.port();
        return app;
    }

    @BeforeEach
    void start() {
        a = start(storesA);
        b = start(storesB);
        storesB.put(StoreNames.COURSE_ANALYTICS, "dsa-101", Map.of("courseId", "dsa-101", "totalEnrollments", 7));
        // A holds an older standby copy.
        storesA.put(StoreNames.COURSE_ANALYTICS, "dsa-101", Map.of("courseId", "dsa-101", "totalEnrollments", 5));
        storesA.activeHosted = false;
        storesA.standbyHosted = true;
        storesA.lag = 12;
        storesA.placement = key -> new Cluster.Placement(storesB.self, false, List.of(storesA.self), true, 0);
        storesB.placement = key -> new Cluster.Placement(storesB.self, true, List.of(storesA.self), false, 0);
    }

    @AfterEach
    void stop() {
        a.stop();
        b.stop();
    }

    @Test
    void anInstanceThatDoesNotOwnTheKeyForwardsToTheOwner() {
        final ApiClient.Response response = new ApiClient(a.port()).get("/api/v1/courses/dsa-101/analytics",
                QueryApiTest.INSTRUCTOR);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("totalEnrollments").asInt()).isEqualTo(7);
        assertThat(response.header(QueryApi.SERVED_BY)).isEqualTo(storesB.self);
        assertThat(response.header(QueryApi.SOURCE)).isEqualTo("active");
    }

    @Test
    void forwardingGivesNoWayAroundAuthentication() {
        // A checks the key before forwarding; B checks it again, as any request without a key is refused.
        assertThat(new ApiClient(a.port()).get("/api/v1/courses/dsa-101/analytics", QueryApiTest.STUDENT).status())
                .isEqualTo(403);
        assertThat(new ApiClient(b.port()).get("/api/v1/courses/dsa-101/analytics", null).status()).isEqualTo(401);
    }

    @Test
    void whenTheOwnerIsGoneTheStandbyAnswersFlaggedAsStale() {
        b.stop();
        final ApiClient.Response response = new ApiClient(a.port()).get("/api/v1/courses/dsa-101/analytics",
                QueryApiTest.ADMIN);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("totalEnrollments").asInt()).isEqualTo(5);
        assertThat(response.header(QueryApi.SOURCE)).isEqualTo("standby");
        assertThat(response.header(QueryApi.LAG)).isEqualTo("12");
        assertThat(response.header(QueryApi.SERVED_BY)).isEqualTo(storesA.self);
    }

    @Test
    void withoutOwnerOrStandbyTheAnswerIs503() {
        b.stop();
        storesA.standbyHosted = false;
        final ApiClient.Response response = new ApiClient(a.port()).get("/api/v1/courses/dsa-101/analytics",
                QueryApiTest.ADMIN);
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Retry-After")).isEqualTo("5");
    }

    @Test
    void listsGatherEveryInstancesRowsAndFallBackToStandbysForAMissingOne() {
        storesA.activeHosted = true;
        storesA.others = List.of(storesB.self);
        storesA.put(StoreNames.DLQ_COUNTS, "a.dlq", Map.of("sourceTopic", "a", "count", 1));
        storesB.put(StoreNames.DLQ_COUNTS, "b.dlq", Map.of("sourceTopic", "b", "count", 2));
        final ApiClient.Response both = new ApiClient(a.port()).get("/api/v1/dlq", QueryApiTest.ADMIN);
        assertThat(both.json().get("items")).extracting(node -> node.get("sourceTopic").asText()).containsExactly("a", "b");
        assertThat(both.header(QueryApi.SOURCE)).isEqualTo("active");
        b.stop();
        final ApiClient.Response partial = new ApiClient(a.port()).get("/api/v1/dlq", QueryApiTest.ADMIN);
        assertThat(partial.header(QueryApi.SOURCE)).isEqualTo("standby");
    }
}
