package dev.learnstream.cli;

import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.simulator.SimulatorStats;
import dev.learnstream.stack.LocalStack;
import dev.learnstream.topics.TopicNames;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code simulate}: simulated learners into a Kafka cluster (or, without {@code --kafka}, into an
 * embedded broker started for the run). Also a load generator: {@code --rate} fixes the rate, 0
 * goes as fast as it can, and the summary line gives the achieved events per second.
 */
final class SimulateCommand {

    private SimulateCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        final Set<String> valued = new HashSet<>(StackChoice.OPTIONS);
        valued.addAll(Simulation.OPTIONS);
        final Set<String> flags = new HashSet<>(Simulation.FLAGS);
        flags.add("no-create-topics");
        final Options options = Options.parse("simulate", args, valued, flags);
        final SimulatorConfig defaults = new SimulatorConfig(1_000, 42, 0, null, 100_000, 0.0, Duration.ofDays(14), true);
        final SimulatorConfig config = Simulation.config(options, defaults);
        if (config.duration() == null && config.maxEvents() == 0) {
            throw new UsageException("simulate: give --duration or --max-events (0 means no limit for one of them)");
        }
        final TopicNames names = TopicNames.defaults();
        try (LocalStack stack = LocalStack.start(StackChoice.from(options, false))) {
            if (!options.has("no-create-topics")) {
                Simulation.provisionTopics(stack.kafkaBootstrap(), names, null);
            }
            out.printf("simulating %d learners into %s (registry %s)%n", config.learners(), stack.kafkaBootstrap(),
                    stack.registryUrl());
            final long begin = System.nanoTime();
            final SimulatorStats stats = Simulation.run(config, stack.kafkaBootstrap(), stack.registryUrl(), names,
                    () -> false);
            final double seconds = (System.nanoTime() - begin) / 1e9;
            stats.goodByTopic().forEach((topic, count) -> out.printf(Locale.ROOT, "  %-36s %10d%n", topic, count));
            stats.badByFault().forEach((fault, count) -> out.printf(Locale.ROOT, "  bad: %-31s %10d%n", fault, count));
            out.printf(Locale.ROOT, "simulated %d events (%d bad) in %.1f s: %.0f events/s%n", stats.total(), stats.bad(),
                    seconds, stats.total() / seconds);
            return stats.sendErrors() == 0 ? 0 : 1;
        }
    }
}
