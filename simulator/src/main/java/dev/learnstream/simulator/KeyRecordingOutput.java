package dev.learnstream.simulator;

import java.util.Set;

/**
 * An output that passes records on and notes the keys sent to one topic (e.g. the learners who
 * logged in), for benchmarks and tests that must then ask about those keys.
 */
public final class KeyRecordingOutput implements Simulator.Output {

    private final Simulator.Output delegate;
    private final String topic;
    private final Set<String> keys;

    public KeyRecordingOutput(Simulator.Output delegate, String topic, Set<String> keys) {
        this.delegate = delegate;
        this.topic = topic;
        this.keys = keys;
    }

    @Override
    public void send(ProducedRecord record, SimulatorStats stats) {
        if (record.topic().equals(topic) && record.key() != null) {
            keys.add(record.key());
        }
        delegate.send(record, stats);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
