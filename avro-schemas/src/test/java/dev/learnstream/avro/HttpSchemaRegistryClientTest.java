package dev.learnstream.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP client's own behaviour (auth, retries, error messages) against a tiny local server. */
class HttpSchemaRegistryClientTest {

    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int failFirst;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/schemas/ids/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            final boolean fail = calls.incrementAndGet() <= failFirst;
            final byte[] body = (fail ? "{\"error_code\":50001,\"message\":\"store down\"}"
                    : "{\"schema\":\"\\\"string\\\"\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 500 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void sendsBasicAuthFromConfluentSettings() {
        final SchemaRegistryClient client = SchemaRegistryClients.create(AvroSerdeConfig.from(Map.of(
                "schema.registry.url", url(), "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "alice:s3cret")));
        assertThat(client.schemaById(1).getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
        assertThat(authorizations).containsExactly("Basic YWxpY2U6czNjcmV0");
        assertThat(AvroSerdeConfig.from(Map.of("schema.registry.url", url(), "basic.auth.user.info", "alice:s3cret"))
                .toString()).doesNotContain("s3cret");
    }

    @Test
    void retries5xxABoundedNumberOfTimesThenNamesTheErrorCode() {
        failFirst = 2;
        final HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url(), Duration.ofSeconds(1), Duration.ofSeconds(2), 2);
        assertThat(client.schemaById(1).getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
        assertThat(calls).hasValue(3);

        calls.set(0);
        failFirst = 10;
        assertThatThrownBy(() -> client.schemaById(7))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 500 (error 50001)").hasMessageContaining("schema id 7").hasMessageContaining(url());
        assertThat(calls).hasValue(3);
    }

    @Test
    void unsupportedCredentialSourcesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of("schema.registry.url", url(),
                "basic.auth.credentials.source", "SASL_INHERIT"))).hasMessageContaining("basic.auth.credentials.source");
        assertThatThrownBy(() -> AvroSerdeConfig.from(Map.of("schema.registry.url", url(),
                "basic.auth.user.info", "nocolon"))).hasMessageContaining("basic.auth.user.info");
    }
}
