package dev.learnstream.topology;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Store sets for {@code ProcessorSupplier.stores()} in a fixed order. {@code Set.of} iterates in a
 * per-JVM random order, which would make {@code Topology.describe()} differ from run to run.
 */
final class StoreSets {

    private StoreSets() {
    }

    static Set<StoreBuilder<?>> ordered(StoreBuilder<?>... stores) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(stores)));
    }
}
