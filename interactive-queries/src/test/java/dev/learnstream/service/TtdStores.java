package dev.learnstream.service;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** The real topology's stores in a TopologyTestDriver, as one instance that owns everything. */
final class TtdStores implements LocalStores, Cluster {

    private final TopologyTestDriver driver;

    TtdStores(TopologyTestDriver driver) {
        this.driver = driver;
    }

    @Override
    public Placement placement(String store, String partitionKey) {
        return new Placement(self(), true, List.of(), false, 0);
    }

    @Override
    public List<String> others(String store) {
        return List.of();
    }

    @Override
    public String self() {
        return "ttd:0";
    }

    @Override
    public Optional<List<Row>> prefix(String store, int partition, String prefix, boolean standby) {
        return Optional.of(all(store, prefix, standby));
    }

    @Override
    public Optional<List<Row>> range(String store, int partition, String from, String to, boolean standby) {
        final KeyValueStore<String, Object> kv = driver.getKeyValueStore(store);
        return Optional.of(StreamsStores.rows(kv.range(from, to)));
    }

    @Override
    public List<Row> all(String store, String prefix, boolean standby) {
        final KeyValueStore<String, Object> kv = driver.getKeyValueStore(store);
        return StreamsStores.rows(prefix.isEmpty() ? kv.all() : kv.prefixScan(prefix, new StringSerializer()));
    }

    @Override
    public long lag(String store, int partition) {
        return 0;
    }
}
