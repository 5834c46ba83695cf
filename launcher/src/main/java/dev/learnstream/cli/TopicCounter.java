package dev.learnstream.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the records on a set of topics from the beginning, without a consumer group (it only
 * reads), so {@code dev} can show events flowing. Runs on its own thread until closed.
 */
final class TopicCounter implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    TopicCounter(String bootstrap, Collection<String> topics) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "learnstream-dev-counter");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> partitions = new ArrayList<>();
        for (final String topic : topics) {
            for (final PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            counts.put(topic, new LongAdder());
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::poll, "topic-counter");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    counts.get(record.topic()).increment();
                }
            }
        } catch (WakeupException closing) {
            // close() woke the poll up; nothing left to do.
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    Map<String, Long> snapshot() {
        final Map<String, Long> copy = new TreeMap<>();
        counts.forEach((topic, count) -> copy.put(topic, count.sum()));
        return copy;
    }

    long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Prints non-empty topics with their totals and the change since {@code previous}. */
    static void print(PrintStream out, Map<String, Long> now, Map<String, Long> previous, Duration interval) {
        out.printf("events per topic (total, per second over the last %d s):%n", interval.toSeconds());
        now.forEach((topic, count) -> {
            if (count > 0) {
                final long delta = count - previous.getOrDefault(topic, 0L);
                out.printf("  %-36s %10d %8.1f/s%n", topic, count, delta / (double) Math.max(1, interval.toSeconds()));
            }
        });
        out.flush();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
