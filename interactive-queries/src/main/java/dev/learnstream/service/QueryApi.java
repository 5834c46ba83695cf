package dev.learnstream.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.learnstream.memory.Days;
import dev.learnstream.memory.Fsrs6;
import dev.learnstream.topology.Keys;
import dev.learnstream.topology.MemorySettings;
import dev.learnstream.topology.StoreNames;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interactive-query API. Every instance answers for every key: the instance that hosts the
 * key's partition answers from its store; any other forwards the request there (the caller's
 * credentials travel with it) and, if the owner is unreachable, slow or restoring, answers from a
 * standby copy, saying so in {@value #SOURCE} and how far behind in {@value #LAG}.
 */
public final class QueryApi {

    public static final String SOURCE = "X-LearnStream-Source";
    public static final String LAG = "X-LearnStream-Offset-Lag";
    public static final String SERVED_BY = "X-LearnStream-Served-By";
    private static final String PRINCIPAL = "principal";
    private static final String STARTED = "started";
    private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WINDOWS = Set.of("1m", "5m", "1h", "1d");
    private static final Map<String, Duration> TIMEFRAMES = Map.of("7d", Duration.ofDays(7), "30d", Duration.ofDays(30),
            "90d", Duration.ofDays(90), "1y", Duration.ofDays(365));
    /** Stores the scatter-gather endpoint may read, so no one lists an internal store wholesale. */
    private static final Set<String> GATHERABLE = Set.of(StoreNames.DLQ_COUNTS, StoreNames.LEARNING_PROGRESS);

    /** What the API needs; fakes in handler tests, KafkaStreams in the service. */
    public record Dependencies(LocalStores stores, Cluster cluster, Forwarder forwarder, ApiKeys keys,
                               Readiness readiness, ServiceMetrics metrics, MemorySettings memory,
                               EventPublisher publisher, Clock clock) {
    }

    private final Dependencies deps;

    private QueryApi(Dependencies deps) {
        this.deps = deps;
    }

    /** The API, not started. */
    public static Javalin create(Dependencies deps) {
        return new QueryApi(deps).build();
    }

    private Javalin build() {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.defaultContentType = "application/json";
            config.http.prefer405over404 = true;
            config.routes.beforeMatched(ctx -> ctx.attribute(STARTED, System.nanoTime()));
            config.routes.afterMatched(this::recordLatency);
            config.routes.before("/api/*", this::authenticate);
            config.routes.before("/internal/*", this::authenticate);

            config.routes.get("/api/v1/users/{userId}/analytics", this::userAnalytics);
            config.routes.get("/api/v1/users/{userId}/memory", this::memory);
            config.routes.get("/api/v1/users/{userId}/revisions", this::revisions);
            config.routes.get("/api/v1/users/{userId}/risk", this::risk);
            config.routes.get("/api/v1/courses/{courseId}/analytics", this::courseAnalytics);
            config.routes.get("/api/v1/assessments/{assessmentId}/analytics", this::assessmentAnalytics);
            config.routes.get("/api/v1/learning-progress", this::learningProgress);
            config.routes.get("/api/v1/dashboard", this::dashboard);
            config.routes.get("/api/v1/metrics/{window}", this::windowedMetrics);
            config.routes.get("/api/v1/dlq", this::deadLetters);
            config.routes.post("/api/v1/events/{type}", this::publish);
            config.routes.get("/internal/v1/rows/{store}", this::localRows);
            // After the API: Javalin tries a request's path against the routes in order, and the
            // per-learner reads are the hot path.
            config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "up")));
            config.routes.get("/health/ready", this::ready);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(deps.metrics().scrape()));
            config.routes.get("/openapi.json", this::openApi);

            config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e));
            config.routes.exception(Exception.class, (e, ctx) -> {
                // Whatever went wrong inside is ours to log, not the client's to read.
                LOG.error("request {} {} failed", ctx.method(), ctx.endpoint() != null ? ctx.endpoint().path : "?", e);
                error(ctx, new ApiException(500, "internal", "Internal error; it has been logged", null, null));
            });
            // Javalin's own answers (no such route, wrong method, ...) in our error shape too.
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new ApiException(e.getStatus(),
                    e.getStatus() == 404 ? "not_found" : e.getStatus() == 405 ? "method_not_allowed" : "http_error",
                    e.getStatus() == 404 ? "No such resource: " + ctx.method() + " " + ctx.path() : e.getMessage(),
                    null, null)));
        });
    }

    // ---- cross-cutting ---------------------------------------------------------------------

    private void authenticate(Context ctx) {
        String presented = ctx.header("X-API-Key");
        final String authorization = ctx.header("Authorization");
        if (presented == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).trim();
        }
        final ApiKeys.Principal principal = deps.keys().authenticate(presented).orElseThrow(ApiException::unauthorized);
        ctx.attribute(PRINCIPAL, principal);
    }

    private static ApiKeys.Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    private static void error(Context ctx, ApiException e) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", e.status());
        body.put("code", e.code());
        body.put("message", e.getMessage());
        if (e.parameter() != null) {
            body.put("parameter", e.parameter());
        }
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", e.retryAfterSeconds().toString());
        }
        ctx.status(e.status()).json(Map.of("error", body));
    }

    private record TimerKey(String method, String route, int status, String source) {
    }

    /** Timers by route and outcome, so a request looks its timer up instead of building and registering it. */
    private final Map<TimerKey, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    private void recordLatency(Context ctx) {
        final Long started = ctx.attribute(STARTED);
        final io.javalin.router.Endpoint route = ctx.endpoints().lastHttpEndpoint();
        if (started == null || route == null) {
            return;
        }
        final TimerKey key = new TimerKey(ctx.method().name(), route.path, ctx.statusCode(),
                Optional.ofNullable(ctx.res().getHeader(SOURCE)).orElse("none"));
        timers.computeIfAbsent(key, k -> Timer.builder("http.server.requests").description("HTTP request latency by route")
                        .tag("method", k.method()).tag("route", k.route()).tag("status", Integer.toString(k.status()))
                        .tag("source", k.source()).publishPercentileHistogram().register(deps.metrics().registry()))
                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private void ready(Context ctx) {
        final Readiness.Status status = deps.readiness().status();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.ready() ? "ready" : "not_ready");
        body.put("state", status.state());
        if (status.reason() != null) {
            body.put("reason", status.reason());
        }
        if (!status.ready()) {
            ctx.header("Retry-After", "5");
        }
        ctx.status(status.ready() ? 200 : 503).json(body);
    }

    private void openApi(Context ctx) throws IOException {
        try (InputStream document = QueryApi.class.getResourceAsStream("/openapi.json")) {
            if (document == null) {
                throw ApiException.notFound("No OpenAPI document packaged");
            }
            ctx.contentType("application/json").result(document.readAllBytes());
        }
    }

    // ---- owner routing -----------------------------------------------------------------------

    /** Reads of one partition, active or standby, as the routing decided. */
    private interface View {
        List<Row> prefix(String store, String prefix);

        List<Row> range(String store, String from, String to);
    }

    private static final class NotHere extends RuntimeException {
        NotHere() {
            super(null, null, false, false);
        }
    }

    /**
     * Answers a query about the partition of {@code partitionKey}: here if this instance is its
     * active host, else at the active host, else from a standby, else 503.
     */
    private void keyed(Context ctx, String store, String partitionKey, Function<View, Object> answer) {
        final Cluster.Placement placement = deps.cluster().placement(store, partitionKey);
        final String forwarded = ctx.header(Forwarder.FORWARDED);
        if (forwarded != null) {
            // Another instance chose us: answer from what we have, or say we cannot.
            if (placement == null || !answerLocally(ctx, store, placement, "standby".equals(forwarded), answer)) {
                throw ApiException.unavailable("This instance does not host that partition now");
            }
            return;
        }
        if (placement == null) {
            throw ApiException.unavailable("The owner of this key is not known yet (starting or rebalancing)");
        }
        if (placement.activeIsSelf() && answerLocally(ctx, store, placement, false, answer)) {
            return;
        }
        if (placement.active() != null && !placement.activeIsSelf() && relay(ctx, placement.active(), "active")) {
            return;
        }
        if (placement.standbyIsSelf() && answerLocally(ctx, store, placement, true, answer)) {
            return;
        }
        for (final String standby : placement.standbys()) {
            if (!standby.equals(deps.cluster().self()) && relay(ctx, standby, "standby")) {
                return;
            }
        }
        throw ApiException.unavailable("No instance can answer for this key now (owner down and no standby ready)");
    }

    private boolean answerLocally(Context ctx, String store, Cluster.Placement placement, boolean standby,
                                  Function<View, Object> answer) {
        final int partition = placement.partition();
        final View view = new View() {
            @Override
            public List<Row> prefix(String name, String prefix) {
                return deps.stores().prefix(name, partition, prefix, standby).orElseThrow(NotHere::new);
            }

            @Override
            public List<Row> range(String name, String from, String to) {
                return deps.stores().range(name, partition, from, to, standby).orElseThrow(NotHere::new);
            }
        };
        final Object body;
        try {
            body = answer.apply(view);
        } catch (NotHere e) {
            return false;
        }
        ctx.header(SERVED_BY, deps.cluster().self());
        if (standby && !placement.activeIsSelf()) {
            ctx.header(SOURCE, "standby");
            ctx.header(LAG, Long.toString(deps.stores().lag(store, partition)));
        } else {
            ctx.header(SOURCE, "active");
        }
        respond(ctx, out -> JSON.writeValue(out, body));
        return true;
    }

    /** Writes a JSON body onto the response stream. */
    private interface JsonBody {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    /**
     * Writes the answer straight into the response. {@code ctx.json} and {@code ctx.result} would
     * hold the whole answer as a String, then its bytes, then copy them through a fresh 8 KB buffer:
     * per query that was the largest share of the allocation, and the young-GC pauses it caused
     * made the latency tail. Javalin's output stream still compresses when the client asks for it.
     */
    private static void respond(Context ctx, JsonBody body) {
        ctx.contentType("application/json");
        try (java.io.OutputStream out = ctx.outputStream()) {
            body.writeTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing the answer failed", e);
        }
    }

    private boolean relay(Context ctx, String instance, String mode) {
        final String query = ctx.queryString();
        final Optional<Forwarder.Answer> answer = deps.forwarder().get(instance,
                ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query), credentials(ctx), mode);
        if (answer.isEmpty()) {
            return false;
        }
        answer.get().headers().forEach(ctx::header);
        ctx.status(answer.get().status());
        respond(ctx, out -> out.write(answer.get().body()));
        return true;
    }

    private static Map<String, String> credentials(Context ctx) {
        final Map<String, String> credentials = new LinkedHashMap<>();
        if (ctx.header("X-API-Key") != null) {
            credentials.put("X-API-Key", ctx.header("X-API-Key"));
        }
        if (ctx.header("Authorization") != null) {
            credentials.put("Authorization", ctx.header("Authorization"));
        }
        return credentials;
    }

    /**
     * Rows of {@code store} with keys starting {@code prefix} from every partition: this
     * instance's own, the others' over HTTP, and for an unreachable instance this instance's
     * standby copies (the answer is then flagged standby).
     */
    private List<Row> gather(Context ctx, String store, String prefix) {
        final Map<String, Row> rows = new LinkedHashMap<>();
        deps.stores().all(store, prefix, false).forEach(row -> rows.put(row.key(), row));
        boolean incomplete = false;
        for (final String other : deps.cluster().others(store)) {
            final Optional<Forwarder.Answer> answer = deps.forwarder().get(other, "/internal/v1/rows/" + store
                    + "?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8), credentials(ctx), "active");
            if (answer.isPresent() && answer.get().status() == 200) {
                for (final Row row : parseRows(answer.get().body())) {
                    rows.putIfAbsent(row.key(), row);
                }
            } else {
                incomplete = true;
            }
        }
        if (incomplete) {
            deps.stores().all(store, prefix, true).forEach(row -> rows.putIfAbsent(row.key(), row));
            ctx.header(SOURCE, "standby");
        } else {
            ctx.header(SOURCE, "active");
        }
        final List<Row> sorted = new ArrayList<>(rows.values());
        sorted.sort(Comparator.comparing(Row::key));
        return sorted;
    }

    private static List<Row> parseRows(byte[] body) {
        try {
            final Map<String, List<Map<String, Object>>> parsed = JSON.readValue(body, new TypeReference<>() { });
            final List<Row> rows = new ArrayList<>();
            for (final Map<String, Object> row : parsed.getOrDefault("rows", List.of())) {
                @SuppressWarnings("unchecked")
                final Map<String, Object> value = (Map<String, Object>) row.get("value");
                rows.add(new Row((String) row.get("key"), value));
            }
            return rows;
        } catch (IOException | ClassCastException e) {
            return List.of();
        }
    }

    private void localRows(Context ctx) {
        if (!principal(ctx).mayReadAggregates()) {
            throw ApiException.forbidden("This key may not read store rows");
        }
        final String store = ctx.pathParam("store");
        if (!GATHERABLE.contains(store)) {
            throw ApiException.notFound("No gatherable store '" + store + "'");
        }
        final String prefix = Optional.ofNullable(ctx.queryParam("prefix")).orElse("");
        final boolean standby = "standby".equals(ctx.header(Forwarder.FORWARDED));
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (final Row row : deps.stores().all(store, prefix, standby)) {
            rows.add(Map.of("key", row.key(), "value", row.value()));
        }
        ctx.header(SERVED_BY, deps.cluster().self()).json(Map.of("rows", rows));
    }

    // ---- endpoints -------------------------------------------------------------------------

    private void userAnalytics(Context ctx) {
        final String user = userParam(ctx);
        keyed(ctx, StoreNames.USER_ANALYTICS, user, view -> {
            final List<Row> users = view.range(StoreNames.USER_ANALYTICS, user, user);
            if (users.isEmpty()) {
                throw ApiException.notFound("No analytics for user '" + user + "'");
            }
            final Map<String, Object> body = new LinkedHashMap<>(users.get(0).value());
            body.put("engagement", values(view.prefix(StoreNames.USER_ENGAGEMENT, Keys.prefix(user))));
            body.put("quizzes", values(view.prefix(StoreNames.QUIZ_ANALYTICS, Keys.prefix(user))));
            return body;
        });
    }

    private void memory(Context ctx) {
        final String user = userParam(ctx);
        final int limit = limit(ctx);
        final int offset = offset(ctx);
        final Instant now = deps.clock().instant();
        keyed(ctx, StoreNames.MEMORY_SCORES, user, view -> {
            final Fsrs6 fsrs = learnerFsrs(view.range(StoreNames.LEARNER_WEIGHTS, user, user));
            final List<Map<String, Object>> memories = new ArrayList<>();
            for (final Row row : view.prefix(StoreNames.MEMORY_SCORES, Keys.prefix(user))) {
                memories.add(asOf(row.value(), fsrs, now));
            }
            if (memories.isEmpty() && offset == 0) {
                throw ApiException.notFound("No memories for user '" + user + "'");
            }
            return Page.of(memories, limit, offset);
        });
    }

    /** A memory row rescored at {@code now}: recall keeps falling between the stream's updates. */
    private Map<String, Object> asOf(Map<String, Object> stored, Fsrs6 fsrs, Instant now) {
        final Map<String, Object> memory = new LinkedHashMap<>(stored);
        final Instant last = Instant.parse((String) stored.get("lastReviewedAt"));
        final double stability = ((Number) stored.get("stability")).doubleValue();
        final double r = fsrs.retrievability(Days.fractional(last.toEpochMilli(), now.toEpochMilli()), stability);
        memory.put("retrievability", r);
        memory.put("currentScore", 100 * r);
        memory.put("forgettingScore", 100 * (1 - r));
        memory.put("revisionUrgency", r < deps.memory().highBelow() ? "high"
                : r < deps.memory().mediumBelow() ? "medium" : "low");
        memory.put("computedAt", now.toString());
        return memory;
    }

    private Fsrs6 learnerFsrs(List<Row> weights) {
        if (!weights.isEmpty() && weights.get(0).value().get("weights") instanceof List<?> list && !list.isEmpty()) {
            return new Fsrs6(list.stream().mapToDouble(w -> ((Number) w).doubleValue()).toArray());
        }
        return deps.memory().fsrs();
    }

    private void revisions(Context ctx) {
        final String user = userParam(ctx);
        final String status = Optional.ofNullable(ctx.queryParam("status")).orElse("all");
        if (!Set.of("open", "reviewed", "all").contains(status)) {
            throw ApiException.badRequest("status", "status must be open, reviewed or all, got '" + status + "'");
        }
        final int limit = limit(ctx);
        final int offset = offset(ctx);
        keyed(ctx, StoreNames.REVISION_SIGNALS, user, view -> {
            final List<Map<String, Object>> signals = new ArrayList<>();
            for (final Row row : view.prefix(StoreNames.REVISION_SIGNALS, Keys.prefix(user))) {
                final boolean reviewed = row.value().get("reviewedAt") != null;
                if (status.equals("all") || status.equals("open") != reviewed) {
                    signals.add(row.value());
                }
            }
            return Page.of(signals, limit, offset);
        });
    }

    private void risk(Context ctx) {
        final String user = userParam(ctx);
        keyed(ctx, StoreNames.AT_RISK, user, view -> {
            final List<Map<String, Object>> courses = values(view.prefix(StoreNames.AT_RISK, Keys.prefix(user)));
            if (courses.isEmpty()) {
                throw ApiException.notFound("No risk scores for user '" + user + "'");
            }
            return Map.of("userId", user, "courses", courses);
        });
    }

    private void courseAnalytics(Context ctx) {
        final String course = ctx.pathParam("courseId");
        if (!principal(ctx).mayReadCourse(course)) {
            throw ApiException.forbidden("This key may not read course '" + course + "'");
        }
        keyed(ctx, StoreNames.COURSE_ANALYTICS, course, view -> {
            final List<Row> rows = view.range(StoreNames.COURSE_ANALYTICS, course, course);
            if (rows.isEmpty()) {
                throw ApiException.notFound("No analytics for course '" + course + "'");
            }
            return rows.get(0).value();
        });
    }

    private void assessmentAnalytics(Context ctx) {
        final String assessment = ctx.pathParam("assessmentId");
        final ApiKeys.Principal principal = principal(ctx);
        if (principal.role() == ApiKeys.Role.STUDENT) {
            throw ApiException.forbidden("Student keys may not read assessment analytics");
        }
        keyed(ctx, StoreNames.ASSESSMENT_ANALYTICS, assessment, view -> {
            final List<Row> rows = view.range(StoreNames.ASSESSMENT_ANALYTICS, assessment, assessment);
            if (rows.isEmpty()) {
                throw ApiException.notFound("No analytics for assessment '" + assessment + "'");
            }
            final Object course = rows.get(0).value().get("courseId");
            if (course != null && !principal.mayReadCourse(course.toString())) {
                throw ApiException.forbidden("This key may not read course '" + course + "'");
            }
            return rows.get(0).value();
        });
    }

    private void learningProgress(Context ctx) {
        final String user = ctx.queryParam("userId");
        final String course = ctx.queryParam("courseId");
        final String status = ctx.queryParam("status");
        if (status != null && !Set.of("not_started", "in_progress", "completed", "dropped").contains(status)) {
            throw ApiException.badRequest("status", "status must be not_started, in_progress, completed or dropped, got '"
                    + status + "'");
        }
        if (blank(user) && blank(course)) {
            throw ApiException.badRequest("userId", "userId or courseId is required");
        }
        final ApiKeys.Principal principal = principal(ctx);
        final boolean allowed = !blank(user) && principal.mayReadUser(user) || !blank(course) && principal.mayReadCourse(course);
        if (!allowed) {
            throw ApiException.forbidden("This key may not read that learning progress");
        }
        final int limit = limit(ctx);
        final int offset = offset(ctx);
        final Function<List<Row>, Object> filter = rows -> {
            final List<Map<String, Object>> matching = new ArrayList<>();
            for (final Row row : rows) {
                final Map<String, Object> value = row.value();
                if ((blank(course) || course.equals(value.get("courseId")))
                        && (status == null || status.equals(value.get("status")))) {
                    matching.add(value);
                }
            }
            return Page.of(matching, limit, offset);
        };
        if (!blank(user)) {
            final String prefix = blank(course) ? Keys.prefix(user) : Keys.prefix(Keys.of(user, course));
            keyed(ctx, StoreNames.LEARNING_PROGRESS, user, view -> filter.apply(
                    view.prefix(StoreNames.LEARNING_PROGRESS, prefix)));
        } else {
            ctx.json(filter.apply(gather(ctx, StoreNames.LEARNING_PROGRESS, "")));
        }
    }

    private void dashboard(Context ctx) {
        aggregatesOnly(ctx);
        final String timeframe = Optional.ofNullable(ctx.queryParam("timeframe")).orElse("7d");
        final Duration period = TIMEFRAMES.get(timeframe);
        if (period == null) {
            throw ApiException.badRequest("timeframe", "timeframe must be 7d, 30d, 90d or 1y, got '" + timeframe + "'");
        }
        final Instant now = deps.clock().instant();
        // Whole daily windows: the current period is the last N days up to today's (still open)
        // window, the previous period the N days before.
        final long days = period.toDays();
        final Instant today = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        final Instant currentStart = today.minus(Duration.ofDays(days - 1));
        final Instant previousStart = currentStart.minus(Duration.ofDays(days));
        final String dimension = Keys.of("all", "");
        keyed(ctx, StoreNames.WINDOWED_METRICS, dimension, view -> {
            final List<Row> rows = view.range(StoreNames.WINDOWED_METRICS,
                    Keys.of("1d", "all", "", Keys.time(previousStart.toEpochMilli())),
                    Keys.of("1d", "all", "", Keys.time(today.toEpochMilli())));
            final List<Map<String, Object>> current = new ArrayList<>();
            final List<Map<String, Object>> previous = new ArrayList<>();
            for (final Row row : rows) {
                final Instant start = Instant.parse((String) row.value().get("windowStart"));
                (start.isBefore(currentStart) ? previous : current).add(row.value());
            }
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("timeframe", timeframe);
            body.put("from", currentStart.toString());
            body.put("to", now.toString());
            final Map<String, Object> cur = Dashboard.summary(current);
            final Map<String, Object> prev = Dashboard.summary(previous);
            body.put("current", cur);
            body.put("previous", prev);
            body.put("changePercent", Dashboard.change(cur, prev));
            return body;
        });
    }

    private void windowedMetrics(Context ctx) {
        aggregatesOnly(ctx);
        final String window = ctx.pathParam("window");
        if (!WINDOWS.contains(window)) {
            throw ApiException.badRequest("window", "window must be 1m, 5m, 1h or 1d, got '" + window + "'");
        }
        final String domain = ctx.queryParam("domain");
        final String module = ctx.queryParam("module");
        if (!blank(domain) && !blank(module)) {
            throw ApiException.badRequest("module", "give domain or module, not both");
        }
        final Instant to = instant(ctx, "to", deps.clock().instant());
        final Instant from = instant(ctx, "from", to.minus(Duration.ofDays(1)));
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("from", "from must be before to");
        }
        final String dimension = !blank(module) ? "module" : !blank(domain) ? "domain" : "all";
        final String value = !blank(module) ? module : !blank(domain) ? domain : "";
        final int limit = limit(ctx);
        final int offset = offset(ctx);
        keyed(ctx, StoreNames.WINDOWED_METRICS, Keys.of(dimension, value), view -> Page.of(values(
                view.range(StoreNames.WINDOWED_METRICS, Keys.of(window, dimension, value, Keys.time(from.toEpochMilli())),
                        Keys.of(window, dimension, value, Keys.time(to.toEpochMilli())))), limit, offset));
    }

    private void deadLetters(Context ctx) {
        aggregatesOnly(ctx);
        ctx.json(Map.of("items", values(gather(ctx, StoreNames.DLQ_COUNTS, ""))));
    }

    private void publish(Context ctx) {
        if (deps.publisher() == null) {
            throw ApiException.unavailable("Event publishing is not configured on this instance");
        }
        final EventPublisher.Published published = deps.publisher().publish(ctx.pathParam("type"), ctx.body(),
                principal(ctx));
        ctx.status(202).json(Map.of("eventId", published.eventId(), "type", published.type(), "topic", published.topic()));
    }

    // ---- parameters --------------------------------------------------------------------------

    private static String userParam(Context ctx) {
        final String user = ctx.pathParam("userId");
        if (!principal(ctx).mayReadUser(user)) {
            throw ApiException.forbidden("This key may not read user '" + user + "'");
        }
        return user;
    }

    private static void aggregatesOnly(Context ctx) {
        if (!principal(ctx).mayReadAggregates()) {
            throw ApiException.forbidden("Student keys may not read aggregates over all learners");
        }
    }

    private static int limit(Context ctx) {
        return intParam(ctx, "limit", Page.DEFAULT_LIMIT, 1, Page.MAX_LIMIT);
    }

    private static int offset(Context ctx) {
        return intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        final String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            final int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw ApiException.badRequest(name, name + " must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, name + " must be a whole number, got '" + text + "'");
        }
    }

    private static Instant instant(Context ctx, String name, Instant fallback) {
        final String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name, name + " must be an ISO-8601 instant such as 2025-03-10T12:00:00Z, got '"
                    + text + "'");
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static List<Map<String, Object>> values(List<Row> rows) {
        final List<Map<String, Object>> values = new ArrayList<>(rows.size());
        rows.forEach(row -> values.add(row.value()));
        return values;
    }
}
