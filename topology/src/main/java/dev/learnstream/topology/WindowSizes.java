package dev.learnstream.topology;

import java.time.Duration;
import java.util.List;

/** The tumbling windows of the metrics, each with its explicit grace period. */
enum WindowSizes {
    ONE_MINUTE("1m", Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofDays(1)),
    FIVE_MINUTES("5m", Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofDays(3)),
    ONE_HOUR("1h", Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofDays(14)),
    // Two years of days: the dashboard compares a year with the year before (a few thousand
    // small entries per dimension).
    ONE_DAY("1d", Duration.ofDays(1), Duration.ofHours(1), Duration.ofDays(731));

    final String label;
    final long sizeMs;
    final long graceMs;
    /** How long a closed window stays queryable in the store (history lives in the sink's table). */
    final long retentionMs;

    WindowSizes(String label, Duration size, Duration grace, Duration retention) {
        this.label = label;
        this.sizeMs = size.toMillis();
        this.graceMs = grace.toMillis();
        this.retentionMs = retention.toMillis();
    }

    long start(long time) {
        return time - Math.floorMod(time, sizeMs);
    }

    /** When a window starting at {@code start} closes: its end plus grace. */
    long closesAt(long start) {
        return start + sizeMs + graceMs;
    }

    static final List<WindowSizes> ALL = List.of(values());

    /**
     * The windows a closed window of this size is added into: a minute into its 5m window, a 5m
     * window into its hour and its day. Each size is fed by exactly one smaller size, so every
     * minute reaches every bigger window once.
     */
    List<WindowSizes> rollsInto() {
        return switch (this) {
            case ONE_MINUTE -> List.of(FIVE_MINUTES);
            case FIVE_MINUTES -> List.of(ONE_HOUR, ONE_DAY);
            case ONE_HOUR, ONE_DAY -> List.of();
        };
    }

    static WindowSizes of(String label) {
        for (final WindowSizes size : values()) {
            if (size.label.equals(label)) {
                return size;
            }
        }
        throw new IllegalArgumentException("Unknown window size " + label);
    }
}
