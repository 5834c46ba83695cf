package dev.learnstream.service;

import dev.learnstream.stack.ChildJvm;
import dev.learnstream.stack.LocalStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A service instance in a child JVM on a local stack, as the multi-instance and crash tests run it. */
final class ChildService {

    private ChildService() {
    }

    /**
     * Starts instance {@code name} of application {@code applicationId} on {@code port}, its state
     * and log ({@code <name>.log}) under {@code work}, with one admin key.
     */
    static Process start(String name, String applicationId, int port, LocalStack stack, Path work, String adminKey) {
        final Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.kafkaBootstrap());
        env.put("SCHEMA_REGISTRY_URL", stack.registryUrl());
        env.put("LEARNSTREAM_API_KEYS", adminKey + ":admin");
        env.put("LEARNSTREAM_APPLICATION_ID", applicationId);
        env.put("LEARNSTREAM_HTTP_HOST", "127.0.0.1");
        env.put("LEARNSTREAM_HTTP_PORT", Integer.toString(port));
        env.put("LEARNSTREAM_ADVERTISED_HOST", "127.0.0.1");
        env.put("LEARNSTREAM_STATE_DIR", work.resolve("state-" + name).toString());
        env.put("LEARNSTREAM_FORWARD_TIMEOUT", "1s");
        env.put("KAFKA_COMMIT_INTERVAL_MS", "200");
        // Fail over without waiting the default 45 s for a dead member's session to expire.
        env.put("KAFKA_SESSION_TIMEOUT_MS", "10000");
        env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        final Process process = ChildJvm.start("service " + name, System.getProperty("java.class.path"),
                List.of("-Xmx384m"), ServiceMain.class.getName(), List.of(), Path.of("").toAbsolutePath(),
                work.resolve(name + ".log"), env).process();
        System.out.println("service " + name + " on port " + port + ", log " + work.resolve(name + ".log"));
        return process;
    }

    /** The status of a GET, or -1 while the instance does not answer. */
    static int status(ApiClient client, String path, String key) {
        try {
            return client.get(path, key).status();
        } catch (AssertionError e) {
            return -1;
        }
    }
}
