package dev.learnstream.service;

import java.util.List;

/** Where partitions of a store live among the instances. */
public interface Cluster {

    /**
     * Who hosts the partition of {@code partitionKey} for {@code store}.
     *
     * @param active       the active instance (host:port), null if none now
     * @param activeIsSelf whether that is this instance
     * @param standbys     the instances with a standby copy (host:port), this one included
     * @param standbyIsSelf whether this instance has a standby copy
     * @param partition    the partition holding the key
     */
    record Placement(String active, boolean activeIsSelf, List<String> standbys, boolean standbyIsSelf, int partition) {
    }

    /** Null when the placement is unknown (not running yet, or rebalancing). */
    Placement placement(String store, String partitionKey);

    /** The other instances that host a part of {@code store}. */
    List<String> others(String store);

    /** This instance, host:port. */
    String self();
}
