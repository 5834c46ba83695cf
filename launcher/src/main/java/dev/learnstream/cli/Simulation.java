package dev.learnstream.cli;

import dev.learnstream.simulator.KafkaOutput;
import dev.learnstream.simulator.Simulator;
import dev.learnstream.simulator.SimulatorConfig;
import dev.learnstream.simulator.SimulatorStats;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topics.TopicNames;
import dev.learnstream.topics.TopicProvisioner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serializer;

/** The simulator options shared by {@code dev} and {@code simulate}, and running it against Kafka. */
final class Simulation {

    static final Set<String> OPTIONS = Set.of("learners", "rate", "seed", "bad-fraction", "history", "duration",
            "max-events");
    static final Set<String> FLAGS = Set.of("no-live");

    private Simulation() {
    }

    static SimulatorConfig config(Options options, SimulatorConfig defaults) {
        try {
            return new SimulatorConfig(
                    options.integer("learners", defaults.learners()),
                    options.number("seed", defaults.seed(), Long.MAX_VALUE),
                    options.decimal("rate", defaults.ratePerSecond()),
                    options.duration("duration", defaults.duration()),
                    options.number("max-events", defaults.maxEvents(), Long.MAX_VALUE),
                    options.decimal("bad-fraction", defaults.badFraction()),
                    options.duration("history", defaults.history()),
                    !options.has("no-live") && defaults.live());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Creates missing event topics and DLQs; dev keeps events forever so history can be replayed. */
    static void provisionTopics(String bootstrap, TopicNames names, Duration retention) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicProvisioner.ensure(admin, names, 1, (short) 1, retention);
        }
    }

    static List<String> allTopics(TopicNames names) {
        final List<String> topics = new ArrayList<>();
        for (final EventTopic topic : EventTopic.values()) {
            topics.add(names.name(topic));
            if (topic.direction() == EventTopic.Direction.INPUT) {
                topics.add(names.dlq(topic));
            }
        }
        return topics;
    }

    static SimulatorStats run(SimulatorConfig config, String bootstrap, String registryUrl, TopicNames names,
                              BooleanSupplier stop) {
        final Serializer<SpecificRecord> serializer = EventSerdes.values(EventSerdes.config(registryUrl, Map.of()))
                .serializer();
        try (KafkaOutput output = new KafkaOutput(bootstrap, new Properties())) {
            return new Simulator(config, names, serializer::serialize, Clock.systemUTC()).run(output, stop);
        }
    }
}
