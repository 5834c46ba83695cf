package dev.learnstream.topology;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.DateTimeException;

/**
 * Streaks of consecutive active days, counted in the learner's time zone (UTC when unknown), so
 * a late-evening session in Tokyo is not split across two UTC days.
 */
final class Streaks {

    /** A streak state: the last active day, the current and the longest streak. */
    record Streak(LocalDate lastDay, int current, int longest) {
    }

    private Streaks() {
    }

    static ZoneId zone(String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException unknown) {
            return ZoneOffset.UTC;
        }
    }

    /** The streak after activity at {@code at}. Activity out of order never shortens a streak. */
    static Streak after(Streak before, Instant at, ZoneId zone) {
        final LocalDate day = LocalDate.ofInstant(at, zone);
        if (before == null || before.lastDay() == null) {
            return new Streak(day, 1, Math.max(1, before == null ? 0 : before.longest()));
        }
        if (!day.isAfter(before.lastDay())) {
            return before;
        }
        final int current = day.equals(before.lastDay().plusDays(1)) ? before.current() + 1 : 1;
        return new Streak(day, current, Math.max(before.longest(), current));
    }
}
