package dev.learnstream.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.avro.generic.IndexedRecord;

/** In-memory stores and placement for handler tests: one instance that hosts what it is told to. */
final class FakeStores implements LocalStores, Cluster {

    String self = "127.0.0.1:0";
    /** Placement per partition key; default: active here. */
    Function<String, Placement> placement = key -> new Placement(self, true, List.of(), false, 0);
    boolean activeHosted = true;
    boolean standbyHosted = false;
    long lag = 0;
    List<String> others = List.of();
    RuntimeException failure;
    private final Map<String, NavigableMap<String, Map<String, Object>>> stores = new HashMap<>();

    FakeStores put(String store, String key, IndexedRecord value) {
        return put(store, key, AvroJson.of(value));
    }

    FakeStores put(String store, String key, Map<String, Object> value) {
        stores.computeIfAbsent(store, s -> new TreeMap<>()).put(key, value);
        return this;
    }

    @Override
    public Placement placement(String store, String partitionKey) {
        return placement.apply(partitionKey);
    }

    @Override
    public List<String> others(String store) {
        return others;
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public Optional<List<Row>> prefix(String store, int partition, String prefix, boolean standby) {
        if (!(activeHosted || standby && standbyHosted)) {
            return Optional.empty();
        }
        return Optional.of(all(store, prefix, standby));
    }

    @Override
    public Optional<List<Row>> range(String store, int partition, String from, String to, boolean standby) {
        if (failure != null) {
            throw failure;
        }
        if (!(activeHosted || standby && standbyHosted)) {
            return Optional.empty();
        }
        final List<Row> rows = new ArrayList<>();
        stores.getOrDefault(store, new TreeMap<>()).subMap(from, true, to, true)
                .forEach((key, value) -> rows.add(new Row(key, value)));
        return Optional.of(rows);
    }

    @Override
    public List<Row> all(String store, String prefix, boolean standby) {
        if (failure != null) {
            throw failure;
        }
        final List<Row> rows = new ArrayList<>();
        stores.getOrDefault(store, new TreeMap<>()).forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                rows.add(new Row(key, value));
            }
        });
        return rows;
    }

    @Override
    public long lag(String store, int partition) {
        return lag;
    }
}
