package dev.learnstream.topology;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** Zones by the names learners gave, resolved once: this runs twice per event. */
    private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();
    /** Bounds the cache: names come from user profiles, and a bad one may be any string. */
    private static final int MAX_ZONES = 1_024;

    static ZoneId zone(String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            return ZoneOffset.UTC;
        }
        final ZoneId known = ZONES.get(timeZone);
        if (known != null) {
            return known;
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException unknown) {
            zone = ZoneOffset.UTC;
        }
        if (ZONES.size() < MAX_ZONES) {
            ZONES.put(timeZone, zone);
        }
        return zone;
    }

    /**
     * A day as {@link LocalDate#toString} writes it ({@code yyyy-MM-dd} for years 0000-9999), read
     * without a {@code DateTimeFormatter}, which cost microseconds per event; other forms are parsed
     * by {@link LocalDate#parse}.
     */
    static LocalDate day(String iso) {
        if (iso.length() == 10 && iso.charAt(4) == '-' && iso.charAt(7) == '-') {
            final int year = digits(iso, 0, 4);
            final int month = digits(iso, 5, 7);
            final int day = digits(iso, 8, 10);
            if (year >= 0 && month >= 0 && day >= 0) {
                return LocalDate.of(year, month, day);
            }
        }
        return LocalDate.parse(iso);
    }

    /** The number written by chars {@code from} (inclusive) to {@code to}, or -1 if one is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            final char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
