package dev.learnstream.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent Schema Registry REST API (Confluent, Apicurio's ccompat API, Karapace,
 * Redpanda). No caching here: wrap it in {@link CachingSchemaRegistryClient}.
 *
 * <p>Connection failures and 5xx answers are retried a bounded number of times with exponential
 * backoff; 4xx answers are final. Every error names the registry URL and the subject or id.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    private final String baseUrl;
    private final HttpClient http;
    private final Duration readTimeout;
    private final int maxRetries;
    private final String authorization;
    private final ObjectMapper json = new ObjectMapper();

    public HttpSchemaRegistryClient(String baseUrl, Duration connectTimeout, Duration readTimeout, int maxRetries) {
        this(baseUrl, connectTimeout, readTimeout, maxRetries, null);
    }

    /** With {@code userInfo} ("user:password") sent as HTTP basic authentication; null for none. */
    public HttpSchemaRegistryClient(String baseUrl, Duration connectTimeout, Duration readTimeout, int maxRetries,
                                    String userInfo) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.readTimeout = readTimeout;
        this.maxRetries = maxRetries;
        this.authorization = userInfo == null ? null
                : "Basic " + java.util.Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int register(String subject, Schema schema) {
        final JsonNode body = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                "registering a schema under subject '" + subject + "'");
        return body.path("id").asInt();
    }

    @Override
    public OptionalInt lookup(String subject, Schema schema) {
        try {
            final JsonNode body = call("POST", "/subjects/" + encode(subject) + "?normalize=false", schemaBody(schema),
                    "looking up a schema under subject '" + subject + "'");
            return OptionalInt.of(body.path("id").asInt());
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    @Override
    public Schema schemaById(int id) {
        final JsonNode body = call("GET", "/schemas/ids/" + id, null, "fetching schema id " + id);
        return parse(body.path("schema").asText(), "schema id " + id);
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        try {
            final JsonNode body = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null,
                    "fetching the latest version of subject '" + subject + "'");
            return Optional.of(new RegisteredSchema(subject, body.path("id").asInt(), body.path("version").asInt(),
                    parse(body.path("schema").asText(), "subject '" + subject + "'")));
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            final JsonNode body = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema), "checking compatibility with subject '" + subject + "'");
            return body.path("is_compatible").asBoolean(false);
        } catch (SchemaRegistryException e) {
            // No version yet: anything is compatible with nothing.
            if (e.isNotFound()) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public String location() {
        return baseUrl;
    }

    private String schemaBody(Schema schema) {
        final ObjectNode node = json.createObjectNode();
        node.put("schema", schema.toString());
        return node.toString();
    }

    private JsonNode call(String method, String path, String body, String what) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(readTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 0; ; attempt++) {
            try {
                final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                final int status = response.statusCode();
                if (status / 100 == 2) {
                    return json.readTree(response.body());
                }
                final SchemaRegistryException error = httpError(status, response.body(), what);
                if (status < 500 || attempt >= maxRetries) {
                    throw error;
                }
            } catch (IOException e) {
                if (attempt >= maxRetries) {
                    throw new SchemaRegistryException("Schema registry at " + baseUrl + " unreachable while " + what
                            + " (" + (attempt + 1) + " attempts): " + e, 0, 0, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while " + what + " at " + baseUrl, 0, 0, e);
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2);
        }
    }

    private SchemaRegistryException httpError(int status, String body, String what) {
        int code = 0;
        String message = body;
        try {
            final JsonNode node = json.readTree(body);
            code = node.path("error_code").asInt(0);
            message = node.path("message").asText(body);
        } catch (IOException | RuntimeException notJson) {
            // The body is not the registry's JSON error; keep it verbatim in the message.
        }
        return new SchemaRegistryException("Schema registry at " + baseUrl + " answered HTTP " + status
                + (code == 0 ? "" : " (error " + code + ")") + " while " + what + ": " + message, status, code);
    }

    private Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " returned an unparseable Avro schema for "
                    + what + ": " + e.getMessage(), 200, 0, e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while backing off", 0, 0, e);
        }
    }
}
