package dev.learnstream.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of what a simulation produced, readable while it runs. */
public final class SimulatorStats {

    private final Map<String, LongAdder> goodByTopic = new ConcurrentHashMap<>();
    private final Map<Fault, LongAdder> badByFault = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();

    void count(ProducedRecord record) {
        total.increment();
        if (record.fault() == null) {
            goodByTopic.computeIfAbsent(record.topic(), t -> new LongAdder()).increment();
        } else {
            badByFault.computeIfAbsent(record.fault(), f -> new LongAdder()).increment();
        }
    }

    void sendFailed() {
        sendErrors.increment();
    }

    public long total() {
        return total.sum();
    }

    public long bad() {
        return badByFault.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long sendErrors() {
        return sendErrors.sum();
    }

    public Map<String, Long> goodByTopic() {
        final Map<String, Long> copy = new TreeMap<>();
        goodByTopic.forEach((topic, count) -> copy.put(topic, count.sum()));
        return copy;
    }

    public Map<Fault, Long> badByFault() {
        final Map<Fault, Long> copy = new TreeMap<>();
        badByFault.forEach((fault, count) -> copy.put(fault, count.sum()));
        return copy;
    }
}
