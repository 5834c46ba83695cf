package dev.learnstream.service;

import java.util.List;
import java.util.Optional;

/** Reads of the stores this instance hosts. */
public interface LocalStores {

    /**
     * Rows of {@code store} whose keys start with {@code prefix}, from {@code partition}; empty
     * when this instance does not host that partition (as active, or also as standby when
     * {@code standby} is true), or it is not queryable now.
     */
    Optional<List<Row>> prefix(String store, int partition, String prefix, boolean standby);

    /** Like {@link #prefix}, for keys from {@code from} to {@code to}, both inclusive. */
    Optional<List<Row>> range(String store, int partition, String from, String to, boolean standby);

    /** Rows whose keys start with {@code prefix} across the partitions hosted here (standbys too when asked). */
    List<Row> all(String store, String prefix, boolean standby);

    /** Offset lag of this instance's copy of {@code partition} of the store; 0 when unknown. */
    long lag(String store, int partition);
}
