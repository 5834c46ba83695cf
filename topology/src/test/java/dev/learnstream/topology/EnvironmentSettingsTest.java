package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnstream.memory.Fsrs6;
import dev.learnstream.memory.Grade;
import dev.learnstream.topics.TopicNames;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentSettingsTest {

    private static TopologySettings read(Map<String, String> env) {
        return EnvironmentSettings.read(TopicNames.defaults(), Map.of(), env);
    }

    @Test
    void withNothingSetEverythingIsTheDocumentedDefault() {
        final TopologySettings settings = read(Map.of());
        assertThat(settings.dedupHorizon()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.dropAfter()).isEqualTo(Duration.ofDays(14));
        assertThat(settings.scanEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.memory().grades().grade(69.9)).isEqualTo(Grade.AGAIN);
        assertThat(settings.memory().grades().grade(95)).isEqualTo(Grade.EASY);
        assertThat(settings.memory().fsrs().weights()).isEqualTo(Fsrs6.DEFAULT_WEIGHTS);
        assertThat(settings.memory().struggle()).isEqualTo(MemorySettings.StruggleRules.DEFAULTS);
        assertThat(settings.memory().risk()).isEqualTo(MemorySettings.RiskRules.DEFAULTS);
        assertThat(settings.memory().personal()).isEqualTo(MemorySettings.Personalization.DEFAULTS);
    }

    @Test
    void valuesAreReadFromTheirVariables() {
        final TopologySettings settings = read(Map.of("LEARNSTREAM_DROP_AFTER", "7d", "LEARNSTREAM_SCAN_INTERVAL", "PT5S",
                "LEARNSTREAM_MEMORY_GRADES", "60, 75, 90", "LEARNSTREAM_MEMORY_URGENCY", "0.85,0.6",
                "LEARNSTREAM_MEMORY_DESIRED_RETENTION", "0.8", "LEARNSTREAM_STRUGGLE_WINDOW", "10m",
                "LEARNSTREAM_STRUGGLE_FAILURES", "5", "LEARNSTREAM_RISK_THRESHOLD", "70",
                "LEARNSTREAM_MEMORY_PERSONAL", "off"));
        assertThat(settings.dropAfter()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.scanEvery()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.memory().grades().grade(60)).isEqualTo(Grade.HARD);
        assertThat(settings.memory().mediumBelow()).isEqualTo(0.85);
        assertThat(settings.memory().highBelow()).isEqualTo(0.6);
        assertThat(settings.memory().desiredRetention()).isEqualTo(0.8);
        assertThat(settings.memory().struggle().window()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.memory().struggle().failures()).isEqualTo(5);
        assertThat(settings.memory().risk().threshold()).isEqualTo(70.0);
        assertThat(settings.memory().personal().enabled()).isFalse();
    }

    @Test
    void badValuesFailNamingTheVariable() {
        assertThatThrownBy(() -> read(Map.of("LEARNSTREAM_DROP_AFTER", "two weeks")))
                .hasMessageContaining("LEARNSTREAM_DROP_AFTER");
        assertThatThrownBy(() -> read(Map.of("LEARNSTREAM_SCAN_INTERVAL", "0s")))
                .hasMessageContaining("LEARNSTREAM_").hasMessageContaining("SCAN_INTERVAL");
        assertThatThrownBy(() -> read(Map.of("LEARNSTREAM_MEMORY_GRADES", "90,80,70")))
                .hasMessageContaining("LEARNSTREAM_MEMORY_GRADES").hasMessageContaining("hard < good < easy");
        assertThatThrownBy(() -> read(Map.of("LEARNSTREAM_MEMORY_URGENCY", "0.7,0.9")))
                .hasMessageContaining("LEARNSTREAM_MEMORY_URGENCY");
        assertThatThrownBy(() -> read(Map.of("LEARNSTREAM_MEMORY_WEIGHTS", "1,2,3")))
                .hasMessageContaining("LEARNSTREAM_MEMORY_WEIGHTS").hasMessageContaining("21");
        assertThatThrownBy(() -> read(Map.of("LEARNSTREAM_STRUGGLE_FAILURES", "0")))
                .hasMessageContaining("LEARNSTREAM_STRUGGLE_");
        assertThatThrownBy(() -> read(Map.of("LEARNSTREAM_MEMORY_PERSONAL", "maybe")))
                .hasMessageContaining("LEARNSTREAM_MEMORY_PERSONAL");
    }
}
