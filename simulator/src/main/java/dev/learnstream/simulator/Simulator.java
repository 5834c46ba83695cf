package dev.learnstream.simulator;

import dev.learnstream.topics.TopicNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Runs a simulation: generates events, replaces a fraction with bad ones, paces them and hands
 * them to an {@link Output}. Event time starts {@code history} ago and back-fills as fast as the
 * rate allows; past now it either waits (real time) or stamps events now ({@code live}).
 */
public final class Simulator {

    /** Where records go: Kafka in production, a list in tests. */
    public interface Output extends AutoCloseable {
        void send(ProducedRecord record, SimulatorStats stats);

        void flush();

        @Override
        default void close() {
        }
    }

    private final SimulatorConfig config;
    private final TopicNames topics;
    private final BiFunction<String, SpecificRecord, byte[]> serializer;
    private final Clock clock;
    private final SimulatorStats stats = new SimulatorStats();

    /**
     * @param serializer writes a record for a topic name (the real Avro serializer)
     */
    public Simulator(SimulatorConfig config, TopicNames topics,
                     BiFunction<String, SpecificRecord, byte[]> serializer, Clock clock) {
        this.config = config;
        this.topics = topics;
        this.serializer = serializer;
        this.clock = clock;
    }

    public SimulatorStats stats() {
        return stats;
    }

    /** Runs until the duration, the event limit or {@code stop} says so. */
    public SimulatorStats run(Output output, BooleanSupplier stop) {
        final Instant wallStart = clock.instant();
        final long startNanos = System.nanoTime();
        final EventGenerator generator = new EventGenerator(config.seed(), config.learners(),
                wallStart.minus(config.history()));
        final FaultInjector faults = new FaultInjector(config.badFraction(), config.seed());
        final Instant deadline = config.duration() == null ? Instant.MAX : wallStart.plus(config.duration());
        long produced = 0;
        while (!stop.getAsBoolean() && (config.maxEvents() == 0 || produced < config.maxEvents())) {
            final Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                break;
            }
            if (!config.live() && generator.peekTime().isAfter(now)) {
                pause(Duration.between(now, min(generator.peekTime(), deadline)), stop);
                continue;
            }
            pace(startNanos, produced, stop);
            final SimEvent event = generator.next();
            output.send(toRecord(event, now, faults), stats);
            produced++;
        }
        output.flush();
        return stats;
    }

    private ProducedRecord toRecord(SimEvent event, Instant now, FaultInjector faults) {
        SpecificRecord value = event.value();
        Instant time = event.time();
        if (time.isAfter(now)) {
            // Live mode past the back-fill: the event happens now.
            time = now;
            value = withOccurredAt(value, now);
        }
        final String topic = topics.name(event.topic());
        if (faults.strikes()) {
            final Fault fault = faults.pick(value);
            return new ProducedRecord(topic, event.key(), faults.corrupt(fault, value, v -> serializer.apply(topic, v)),
                    time, fault);
        }
        return new ProducedRecord(topic, event.key(), serializer.apply(topic, value), time, null);
    }

    private static SpecificRecord withOccurredAt(SpecificRecord value, Instant time) {
        final SpecificRecordBase copy = (SpecificRecordBase) SpecificData.get().deepCopy(value.getSchema(), value);
        copy.put("occurredAt", time);
        return copy;
    }

    private void pace(long startNanos, long produced, BooleanSupplier stop) {
        if (config.ratePerSecond() <= 0) {
            return;
        }
        final long due = startNanos + (long) (produced * 1e9 / config.ratePerSecond());
        final long wait = due - System.nanoTime();
        if (wait > 0) {
            pause(Duration.ofNanos(wait), stop);
        }
    }

    /** Sleeps at most {@code duration}, in short steps so a stop request is seen promptly. */
    private static void pause(Duration duration, BooleanSupplier stop) {
        final long end = System.nanoTime() + duration.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0 && !stop.getAsBoolean()) {
            try {
                Thread.sleep(Math.min(200, left / 1_000_000), (int) Math.min(999_999, left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
