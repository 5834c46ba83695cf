package dev.learnstream.topology;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in settings and options: 250ms, 30s, 5m, 2h, 14d, or ISO-8601 (PT30S). */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** @throws IllegalArgumentException saying what a duration looks like; the caller adds the setting's name */
    public static Duration parse(String text) {
        final Matcher matcher = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            final long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("must be a duration such as 30s, 5m, 2h, 14d or PT30S, got '" + text + "'",
                    e);
        }
    }
}
