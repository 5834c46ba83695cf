package dev.learnstream.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Passes a query on to the instance that owns its key, with the caller's own credentials (so the
 * owner authenticates and authorizes exactly as if called directly) and a bounded wait.
 */
public final class Forwarder {

    /** Marks a forwarded request, with what the receiver may answer from: "active" or "standby". */
    public static final String FORWARDED = "X-LearnStream-Forwarded";

    /** A relayed answer. */
    public record Answer(int status, String body, Map<String, String> headers) {
    }

    private final HttpClient client;
    private final Duration timeout;

    public Forwarder(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * GETs {@code pathAndQuery} from {@code instance} (host:port). Empty when the instance cannot
     * answer: unreachable, too slow, or itself unable (5xx).
     */
    public Optional<Answer> get(String instance, String pathAndQuery, Map<String, String> credentials, String mode) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + instance + pathAndQuery))
                .timeout(timeout).header(FORWARDED, mode).GET();
        credentials.forEach(request::header);
        try {
            final HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                return Optional.empty();
            }
            final Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((name, values) -> {
                if (name.toLowerCase(java.util.Locale.ROOT).startsWith("x-learnstream-") && !values.isEmpty()) {
                    headers.put(name, values.get(0));
                }
            });
            return Optional.of(new Answer(response.statusCode(), response.body(), headers));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
