package dev.learnstream.service;

import dev.learnstream.topics.EventTopic;
import dev.learnstream.topology.ClientProperties;
import dev.learnstream.topology.LearnStreamTopology;
import dev.learnstream.topology.TopologyTopics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.LoggerFactory;

/**
 * The service process: configuration from the environment, then topology, streams and API until
 * SIGTERM or SIGINT, which stop HTTP, close the streams and exit 0. Bad configuration exits 2
 * with a message naming the setting.
 */
public final class ServiceMain {

    private ServiceMain() {
    }

    private static void reset(ServiceConfig config, boolean dryRun, PrintStream out) {
        final Properties props = config.streamsProperties(0);
        final String applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        final List<String> inputs = EventTopic.inputs().stream().map(config.topology().topics()::name).toList();
        try (Admin admin = Admin.create(ClientProperties.only(props, AdminClientConfig.configNames()))) {
            // Instances stopped just before still count as members until their sessions time out.
            final Duration memberWait = Duration.ofMillis(Long.parseLong(String.valueOf(props.getOrDefault(
                    StreamsConfig.consumerPrefix("session.timeout.ms"), props.getOrDefault("session.timeout.ms",
                            "45000"))))).plusSeconds(15);
            out.printf(Locale.ROOT, "reset of %s: waiting up to %d s for stopped instances to leave its group%n",
                    applicationId, memberWait.toSeconds());
            final ReplayReset.Plan plan = new ReplayReset(admin, Duration.ofSeconds(60), memberWait)
                    .reset(applicationId, inputs, TopologyTopics.internal(
                            LearnStreamTopology.build(config.topology()).describe(), applicationId, false), dryRun);
            final String verb = dryRun ? "would " : "";
            out.printf(Locale.ROOT, "reset of %s: %sreplay %d input partitions from their earliest offsets%n",
                    applicationId, verb, plan.inputOffsets().size());
            plan.inputOffsets().forEach((partition, offset) ->
                    out.printf(Locale.ROOT, "  %s from offset %d%n", partition, offset));
            out.printf(Locale.ROOT, "reset of %s: %sdelete %d internal topics (changelogs, repartitions)%n",
                    applicationId, verb, plan.internalTopics().size());
            plan.internalTopics().forEach(topic -> out.printf(Locale.ROOT, "  %s%n", topic));
        }
    }

    public static void main(String[] args) {
        System.exit(run());
    }

    /** Runs until a stop signal; the exit status. */
    public static int run() {
        return run(false, false, System.out);
    }

    /**
     * Runs until a stop signal; the exit status. With {@code reset}, first sets the application up
     * to replay its input from the start ({@link ReplayReset}); with {@code dryRun} as well, only
     * prints what the reset would do and exits.
     */
    public static int run(boolean reset, boolean dryRun, PrintStream out) {
        if (System.getProperty("logback.configurationFile") == null) {
            // Structured JSON logs for the service; dev keeps its human-readable console.
            System.setProperty("logback.configurationFile", "logback-service.xml");
        }
        final ServiceConfig config;
        try {
            config = ServiceConfig.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("learnstream service: invalid configuration: " + e.getMessage());
            return 2;
        }
        if (reset) {
            try {
                reset(config, dryRun, out);
            } catch (IllegalStateException e) {
                System.err.println("learnstream service: " + e.getMessage());
                return 1;
            }
            if (dryRun) {
                return 0;
            }
        }
        final QueryService service = QueryService.start(config);
        LoggerFactory.getLogger(ServiceMain.class).info("LearnStream service listening on port {}", service.port());
        final CountDownLatch stop = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            service.close();
            stop.countDown();
        }, "service-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.onTerminate(() -> {
            // Exit 0 on SIGTERM: an orderly stop is a success, not a crash (status 143).
            System.exit(0);
        });
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
