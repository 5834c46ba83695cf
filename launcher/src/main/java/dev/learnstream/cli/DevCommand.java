package dev.learnstream.cli;

import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.simulator.SimulatorStats;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.stack.Ports;
import dev.learnstream.topics.TopicNames;
import java.io.PrintStream;
import java.time.Duration;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topology.LearnStreamTopology;
import dev.learnstream.topology.ResultTopics;
import dev.learnstream.topology.StreamsSettings;
import dev.learnstream.service.QueryService;
import dev.learnstream.sink.JdbcSink;
import dev.learnstream.sink.SinkConfig;
import dev.learnstream.topology.EnvironmentSettings;
import dev.learnstream.topology.TopologySettings;
import dev.learnstream.topology.TopologyTopics;
import dev.learnstream.topology.WindowedMetricsTopology;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code dev}: the whole thing on one machine with embedded defaults. Starts the stack, creates
 * the topics, runs the LearnStream topology (exactly-once), the JDBC sink into PostgreSQL and
 * simulated learners, prints the ready
 * line and live per-topic counts (inputs, DLQs and results), and stops everything on Ctrl-C (or
 * after {@code --duration}).
 */
final class DevCommand {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private DevCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        final Set<String> valued = new HashSet<>(StackChoice.OPTIONS);
        valued.addAll(Simulation.OPTIONS);
        final Options options = Options.parse("dev", args, valued, Simulation.FLAGS);
        final LocalStack.Options stackOptions = StackChoice.from(options, true);
        final SimulatorConfig simulation = Simulation.config(options, SimulatorConfig.devDefaults());
        final Duration runFor = options.duration("duration", null);
        final TopicNames names = TopicNames.defaults();
        // Read before anything starts: a bad LEARNSTREAM_* variable fails at once, naming itself.
        final TopologySettings configured = EnvironmentSettings.read(names, Map.of(), System.getenv());
        final DevKeys keys = DevKeys.from(System.getenv());

        final long begin = System.nanoTime();
        out.println("Starting LearnStream dev stack (Kafka, Schema Registry, PostgreSQL)...");
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            stop.set(true);
            Main.shutdownRequested = true;
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dev-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (LocalStack stack = LocalStack.start(stackOptions).withoutShutdownHook()) {
            stack.startupTimes().forEach((part, time) -> out.printf(Locale.ROOT, "  %-9s started in %5.1f s%n", part,
                    time.toMillis() / 1000.0));
            final TopologySettings topology = configured.withSerdeConfig(
                    EventSerdes.config(stack.registryUrl(), Map.of()));
            final int learnerPartitions;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
                TopologyTopics.ensure(admin, topology, 1, (short) 1, null);
                learnerPartitions = TopologyTopics.learnerPartitions(admin, topology);
            }
            final int apiPort = Ports.free();
            final KafkaStreams streams = new KafkaStreams(LearnStreamTopology.build(topology),
                    StreamsSettings.properties("learnstream-dev", stack.kafkaBootstrap(), topology,
                            Map.of(StreamsConfig.STATE_DIR_CONFIG, stack.workDir().resolve("streams").toString(),
                                    StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + apiPort,
                                    WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG, learnerPartitions)));
            final QueryService api = QueryService.attach(streams, "127.0.0.1", "127.0.0.1", apiPort, keys.keys(),
                    topology, stack.kafkaBootstrap());
            streams.start();
            final SinkConfig sinkConfig = stack.postgresJdbcUrl() == null ? null
                    : SinkConfig.local(stack.kafkaBootstrap(), stack.registryUrl(), stack.postgresJdbcUrl());
            final JdbcSink sink = sinkConfig == null ? null : startSink(sinkConfig, api, out);
            final Thread sinkThread = sink == null ? null : new Thread(sink::run, "sink");
            if (sinkThread != null) {
                sinkThread.start();
            }
            final AtomicReference<Throwable> simulatorError = new AtomicReference<>();
            final Thread simulator = new Thread(() -> {
                try {
                    final SimulatorStats stats = Simulation.run(simulation, stack.kafkaBootstrap(), stack.registryUrl(),
                            names, stop::get);
                    out.printf("simulator stopped after %d events (%d bad)%n", stats.total(), stats.bad());
                } catch (RuntimeException e) {
                    simulatorError.set(e);
                }
            }, "simulator");
            simulator.start();
            final List<String> shown = new ArrayList<>(Simulation.allTopics(names));
            shown.addAll(List.of(ResultTopics.changelogs()));
            // Streams and API are closed below with a bounded wait, not here: on Ctrl-C the broker
            // (same process group) may already be gone, and an unbounded close would wait for it forever.
            try (TopicCounter counter = new TopicCounter(stack.kafkaBootstrap(), shown)) {
                out.printf(Locale.ROOT, "LearnStream ready: api=http://127.0.0.1:%d kafka=%s registry=%s postgres=%s key=%s%n",
                        apiPort, stack.kafkaBootstrap(), stack.registryUrl(),
                        stack.postgresJdbcUrl() == null ? "none" : stack.postgresJdbcUrl(), keys.adminKey());
                out.printf(Locale.ROOT, "  whole stack ready in %.1f s; Ctrl-C stops everything%n", seconds(begin));
                out.flush();
                report(out, counter, sinkConfig, stop, simulatorError, begin, runFor);
            } finally {
                stop.set(true);
                simulator.join(30_000);
                if (sink != null) {
                    sink.stop();
                    sinkThread.join(15_000);
                }
                api.close();
                streams.close(Duration.ofSeconds(10));
            }
            if (simulatorError.get() != null) {
                out.println("simulator failed: " + simulatorError.get().getMessage());
                return 1;
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            out.println("LearnStream dev stopped.");
            out.flush();
            stopped.countDown();
            if (!Main.shutdownRequested) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    /** Migrates the schema and creates the sink's dead-letter topics; its metrics join the API's /metrics. */
    private static JdbcSink startSink(SinkConfig config, QueryService api, PrintStream out) {
        JdbcSink.migrate(config);
        JdbcSink.ensureDeadLetterTopics(config);
        out.printf(Locale.ROOT, "  sink writing %d result topics into PostgreSQL (exactly once)%n", config.topics().size());
        return new JdbcSink(config, api.registry());
    }

    private static void printTables(PrintStream out, SinkConfig sink) {
        if (sink == null) {
            return;
        }
        try {
            final StringBuilder line = new StringBuilder("  postgres rows:");
            JdbcSink.rowCounts(sink).forEach((table, rows) -> line.append(' ').append(table).append('=').append(rows));
            out.println(line);
        } catch (RuntimeException e) {
            out.println("  postgres rows: unavailable (" + e.getMessage() + ")");
        }
    }

    private static void report(PrintStream out, TopicCounter counter, SinkConfig sink, AtomicBoolean stop,
                               AtomicReference<Throwable> simulatorError, long begin, Duration runFor)
            throws InterruptedException {
        final long end = runFor == null ? Long.MAX_VALUE : begin + runFor.toNanos();
        Map<String, Long> previous = counter.snapshot();
        long nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
        boolean firstSeen = false;
        while (!stop.get() && simulatorError.get() == null && System.nanoTime() < end) {
            Thread.sleep(200);
            if (!firstSeen && counter.total() > 0) {
                firstSeen = true;
                out.printf(Locale.ROOT, "first events on the topics %.1f s after start%n", seconds(begin));
            }
            if (System.nanoTime() >= nextReport) {
                final Map<String, Long> now = counter.snapshot();
                TopicCounter.print(out, now, previous, REPORT_EVERY);
                printTables(out, sink);
                previous = now;
                nextReport += REPORT_EVERY.toNanos();
            }
        }
        TopicCounter.print(out, counter.snapshot(), previous, REPORT_EVERY);
        // On Ctrl-C PostgreSQL got the signal too (same process group) and may be gone already.
        if (!stop.get()) {
            printTables(out, sink);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
