package dev.learnstream.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map in access order that drops its least recently used entry beyond {@code max}: for in-memory indexes. */
final class LruMap<K, V> extends LinkedHashMap<K, V> {

    private final int max;

    LruMap(int max) {
        super(1024, 0.75f, true);
        this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
    }
}
