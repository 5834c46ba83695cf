package dev.learnstream.sink;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The sink's small HTTP endpoint for Prometheus and orchestrators: {@code /metrics},
 * {@code /health/live} and {@code /health/ready} (ready once the sink owns partitions).
 */
public final class SinkHttp implements AutoCloseable {

    private final HttpServer server;

    private SinkHttp(HttpServer server) {
        this.server = server;
    }

    public static SinkHttp start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        final HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("LEARNSTREAM_SINK_HTTP_PORT: cannot listen on " + host + ":" + port
                    + " (" + e.getMessage() + ")", e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            final Thread thread = new Thread(r, "sink-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext("/health/live", exchange -> respond(exchange, 200, "application/json", "{\"status\":\"UP\"}"));
        server.createContext("/health/ready", exchange -> {
            final boolean up = ready.getAsBoolean();
            respond(exchange, up ? 200 : 503, "application/json",
                    up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\",\"reason\":\"no partitions assigned yet\"}");
        });
        server.createContext("/", exchange -> respond(exchange, 404, "application/json",
                "{\"error\":\"not found\",\"paths\":[\"/metrics\",\"/health/live\",\"/health/ready\"]}"));
        server.start();
        return new SinkHttp(server);
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
