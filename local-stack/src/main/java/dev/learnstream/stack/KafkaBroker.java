package dev.learnstream.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) in a child JVM, on
 * 127.0.0.1 with free ports. Storage is formatted with {@code --standalone} before the first start.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private ChildJvm jvm;

    private KafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats storage under {@code dir}, starts the broker and waits until it serves metadata. */
    public static KafkaBroker start(Path dir, Map<String, String> overrides) {
        final KafkaBroker broker = new KafkaBroker(dir, Ports.free(), Ports.free());
        try {
            Files.createDirectories(dir);
            final Path config = broker.writeConfig(overrides);
            format(config);
            broker.launch(config);
            broker.awaitReady();
            return broker;
        } catch (IOException e) {
            broker.close();
            throw new UncheckedIOException("Cannot prepare broker directory " + dir, e);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path log() {
        return dir.resolve("broker.log");
    }

    public long pid() {
        return jvm.pid();
    }

    private Path writeConfig(Map<String, String> overrides) throws IOException {
        final Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("log.dirs", dir.resolve("data").toString());
        // One broker: every internal topic must accept replication factor 1.
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("offsets.topic.num.partitions", "4");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("transaction.state.log.num.partitions", "4");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose, with their partitions and cleanup policy; a typo must not
        // silently create a new one.
        props.setProperty("auto.create.topics.enable", "false");
        props.setProperty("num.partitions", "1");
        props.putAll(overrides);
        final Path file = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "LearnStream local broker");
        }
        return file;
    }

    private static void format(Path config) {
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final int code;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            code = kafka.tools.StorageTool.execute(new String[] {
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--standalone"}, print);
        }
        if (code != 0) {
            throw new IllegalStateException("Formatting broker storage failed (" + code + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private void launch(Path config) throws IOException {
        final Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        jvm = ChildJvm.start("Kafka broker", System.getProperty("java.class.path"),
                List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                        "-Dlogback.configurationFile=" + logback),
                "kafka.Kafka", List.of(config.toString()), dir, log());
    }

    private void awaitReady() {
        final Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            Waits.until("the Kafka broker at " + bootstrapServers() + " (log: " + log() + ")", READY_TIMEOUT,
                    Duration.ofMillis(100), () -> {
                        jvm.checkAlive();
                        try {
                            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
                        } catch (Exception notYet) {
                            return false;
                        }
                    });
        }
    }

    /** Kills the broker JVM without a clean shutdown. */
    public void kill() {
        if (jvm != null) {
            jvm.kill();
        }
    }

    @Override
    public void close() {
        if (jvm != null) {
            jvm.close();
        }
    }
}
