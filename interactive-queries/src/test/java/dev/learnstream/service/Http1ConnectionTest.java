package dev.learnstream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plain HTTP/1.1 client against a scripted server: each accepted connection answers its
 * requests with the next scripted responses, so framing, keep-alive and stale pooled connections
 * are exercised byte for byte.
 */
class Http1ConnectionTest {

    private ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    /** Serves each connection: reads a request, writes the next response; {@code null} closes the connection. */
    private int serve(List<String> script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> remaining = new CopyOnWriteArrayList<>(script);
        final Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    connections.incrementAndGet();
                    final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.UTF_8));
                    final OutputStream out = socket.getOutputStream();
                    while (!remaining.isEmpty()) {
                        final StringBuilder request = new StringBuilder();
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            request.append(line).append('\n');
                        }
                        if (request.isEmpty()) {
                            break;
                        }
                        requests.add(request.toString());
                        final String response = remaining.remove(0);
                        if (response == null) {
                            break;
                        }
                        out.write(response.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException | IndexOutOfBoundsException e) {
                    // The server socket was closed, or the script ran out.
                }
            }
        }, "scripted-http");
        acceptor.setDaemon(true);
        acceptor.start();
        return server.getLocalPort();
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readsContentLengthAndChunkedBodiesOnOneKeptAliveConnection() throws IOException {
        final int port = serve(List.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nX-LearnStream-Source: active\r\n\r\n{\"a\":1}",
                "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"b\"\r\n3\r\n:2}\r\n0\r\nX-T: t\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"));
        try (Http1Connection connection = Http1Connection.open("127.0.0.1", port, Duration.ofSeconds(2))) {
            final Http1Connection.Response first = connection.exchange(connection.get("/x?y=1", Map.of("X-API-Key", "k")));
            assertThat(first.status()).isEqualTo(200);
            assertThat(text(first.body())).isEqualTo("{\"a\":1}");
            assertThat(first.headers()).containsEntry("x-learnstream-source", "active");
            assertThat(first.keepAlive()).isTrue();

            final Http1Connection.Response second = connection.exchange(connection.get("/z", Map.of()));
            assertThat(second.status()).isEqualTo(404);
            assertThat(text(second.body())).isEqualTo("{\"b\":2}");

            final Http1Connection.Response third = connection.exchange(connection.get("/w", Map.of()));
            assertThat(text(third.body())).isEqualTo("{}");
            assertThat(third.keepAlive()).as("Connection: close").isFalse();
        }
        assertThat(connections.get()).as("all three on one connection").isEqualTo(1);
        assertThat(requests.get(0)).startsWith("GET /x?y=1 HTTP/1.1\n").contains("Host: 127.0.0.1:" + port)
                .contains("X-API-Key: k");
    }

    @Test
    void aResponseCutShortIsAnErrorNotATruncatedAnswer() throws IOException {
        final int port = serve(List.of("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"cut\":", "unused"));
        try (Http1Connection connection = Http1Connection.open("127.0.0.1", port, Duration.ofMillis(500))) {
            assertThatThrownBy(() -> connection.exchange(connection.get("/", Map.of()))).isInstanceOf(IOException.class);
        }
    }

    @Test
    void theForwarderReusesConnectionsAndRetriesOnceWhenAPooledOneWasClosed() throws IOException {
        final List<String> script = new ArrayList<>();
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-LearnStream-Served-By: b\r\n\r\ntwo");
        script.add(null); // the server drops the idle connection instead of answering the third request
        script.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthree");
        script.add("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
        final int port = serve(script);
        try (Forwarder forwarder = new Forwarder(Duration.ofSeconds(2))) {
            final String instance = "127.0.0.1:" + port;
            assertThat(forwarder.get(instance, "/1", Map.of("X-API-Key", "k"), "active")).map(answer -> text(answer.body()))
                    .contains("one");
            final Optional<Forwarder.Answer> two = forwarder.get(instance, "/2", Map.of(), "active");
            assertThat(two).map(answer -> text(answer.body())).contains("two");
            assertThat(two.get().headers()).containsEntry("x-learnstream-served-by", "b");
            assertThat(connections.get()).isEqualTo(1);
            assertThat(forwarder.get(instance, "/3", Map.of(), "standby")).map(answer -> text(answer.body())).contains("three");
            assertThat(connections.get()).as("a fresh connection after the pooled one failed").isEqualTo(2);
            assertThat(forwarder.get(instance, "/4", Map.of(), "active")).as("5xx: the instance cannot answer").isEmpty();
        }
        assertThat(requests.get(0)).contains("X-API-Key: k").contains(Forwarder.FORWARDED + ": active");
        assertThat(requests.get(3)).contains(Forwarder.FORWARDED + ": standby");
    }

    @Test
    void anUnreachableInstanceIsEmptyNotAnError() throws IOException {
        final int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (Forwarder forwarder = new Forwarder(Duration.ofMillis(300))) {
            assertThat(forwarder.get("127.0.0.1:" + port, "/", Map.of(), "active")).isEmpty();
        }
    }
}
