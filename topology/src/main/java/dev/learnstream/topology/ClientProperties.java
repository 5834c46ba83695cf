package dev.learnstream.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One set of Kafka properties (from {@code KAFKA_*}) handed to a particular client: only the
 * names that client defines, since each client warns about, or rejects, the others.
 */
public final class ClientProperties {

    private ClientProperties() {
    }

    /** The entries of {@code properties} whose names are in {@code names} (a client's {@code configNames()}). */
    public static Map<String, Object> only(Map<?, ?> properties, Set<String> names) {
        final Map<String, Object> chosen = new HashMap<>();
        properties.forEach((key, value) -> {
            if (names.contains(key.toString())) {
                chosen.put(key.toString(), value);
            }
        });
        return chosen;
    }
}
