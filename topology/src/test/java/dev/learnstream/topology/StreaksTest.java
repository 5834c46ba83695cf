package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreaksTest {

    @Test
    void aDayReadsBackWhatLocalDateWrites() {
        final Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            final LocalDate day = LocalDate.ofEpochDay(random.nextLong(LocalDate.of(0, 1, 1).toEpochDay(),
                    LocalDate.of(9999, 12, 31).toEpochDay() + 1));
            assertThat(Streaks.day(day.toString())).isEqualTo(day);
        }
        // Beyond four-digit years LocalDate writes a sign; those go through LocalDate.parse.
        assertThat(Streaks.day("+10000-01-01")).isEqualTo(LocalDate.of(10_000, 1, 1));
        assertThatThrownBy(() -> Streaks.day("2025-13-01")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> Streaks.day("2025-1x-01")).isInstanceOf(DateTimeException.class);
    }

    @Test
    void zonesResolveOnceAndUnknownNamesMeanUtc() {
        assertThat(Streaks.zone("Asia/Tokyo")).isEqualTo(ZoneId.of("Asia/Tokyo"))
                .isSameAs(Streaks.zone("Asia/Tokyo"));
        assertThat(Streaks.zone("Not/AZone")).isEqualTo(ZoneOffset.UTC);
        assertThat(Streaks.zone(" ")).isEqualTo(ZoneOffset.UTC);
        assertThat(Streaks.zone(null)).isEqualTo(ZoneOffset.UTC);
        // A late evening in Tokyo is the next day in UTC terms, not the same one.
        final Instant evening = Instant.parse("2025-03-10T14:30:00Z");
        final Streaks.Streak first = Streaks.after(null, evening, Streaks.zone("Asia/Tokyo"));
        assertThat(first.lastDay()).isEqualTo(LocalDate.of(2025, 3, 10));
        assertThat(Streaks.after(first, evening.plusSeconds(3600), Streaks.zone("Asia/Tokyo")).current()).isEqualTo(2);
    }
}
