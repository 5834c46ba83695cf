package dev.learnstream.service;

import java.io.IOException;
import java.time.Duration;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Passes a query on to the instance that owns its key, with the caller's own credentials (so the
 * owner authenticates and authorizes exactly as if called directly) and a bounded wait. Keeps a
 * few open connections per instance, so a forwarded query costs one round trip, not a handshake.
 */
public final class Forwarder implements AutoCloseable {

    /** Marks a forwarded request, with what the receiver may answer from: "active" or "standby". */
    public static final String FORWARDED = "X-LearnStream-Forwarded";
    /** Idle connections kept per instance; more are opened under load and closed after use. */
    private static final int MAX_IDLE = 32;

    /** A relayed answer; the body as received, UTF-8 JSON, so a relay passes it on without decoding it. */
    public record Answer(int status, byte[] body, Map<String, String> headers) {
    }

    private final Duration timeout;
    private final Map<String, Deque<Http1Connection>> idle = new ConcurrentHashMap<>();

    public Forwarder(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * GETs {@code pathAndQuery} from {@code instance} (host:port). Empty when the instance cannot
     * answer: unreachable, too slow (no byte for the timeout), or itself unable (5xx).
     */
    public Optional<Answer> get(String instance, String pathAndQuery, Map<String, String> credentials, String mode) {
        final Map<String, String> headers = new LinkedHashMap<>(credentials);
        headers.put(FORWARDED, mode);
        final Deque<Http1Connection> pool = idle.computeIfAbsent(instance, i -> new ConcurrentLinkedDeque<>());
        // A pooled connection may have been closed by the other side while idle; a GET is safe to
        // send once more on a fresh one.
        Http1Connection connection = pool.pollFirst();
        for (int attempt = 0; attempt < 2; attempt++) {
            final boolean reused = connection != null;
            try {
                if (connection == null) {
                    connection = open(instance);
                }
                final Http1Connection.Response response = connection.exchange(connection.get(pathAndQuery, headers));
                if (response.keepAlive() && pool.size() < MAX_IDLE) {
                    pool.offerFirst(connection);
                } else {
                    connection.close();
                }
                return answer(response);
            } catch (IOException | RuntimeException e) {
                if (connection != null) {
                    connection.close();
                }
                connection = null;
                if (!reused) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private Http1Connection open(String instance) throws IOException {
        final int colon = instance.lastIndexOf(':');
        if (colon < 0) {
            throw new IOException("instance is not host:port: " + instance);
        }
        return Http1Connection.open(instance.substring(0, colon), Integer.parseInt(instance.substring(colon + 1)), timeout);
    }

    private static Optional<Answer> answer(Http1Connection.Response response) {
        if (response.status() >= 500) {
            return Optional.empty();
        }
        final Map<String, String> headers = new LinkedHashMap<>();
        response.headers().forEach((name, value) -> {
            if (name.startsWith("x-learnstream-")) {
                headers.put(name, value);
            }
        });
        return Optional.of(new Answer(response.status(), response.body(), headers));
    }

    /** Closes the idle connections. */
    @Override
    public void close() {
        idle.values().forEach(pool -> {
            for (Http1Connection connection = pool.pollFirst(); connection != null; connection = pool.pollFirst()) {
                connection.close();
            }
        });
    }
}
