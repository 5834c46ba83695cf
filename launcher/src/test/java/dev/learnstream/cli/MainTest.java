package dev.learnstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: ./learnstream <command>");
    }

    @Test
    void helpPrintsUsageAndExits0() {
        assertThat(run("help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("dev", "simulate");
    }

    @Test
    void unknownCommandsAndBadOptionsExit2NamingTheProblem() {
        assertThat(run("launch")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'launch'");
        assertThat(run("dev", "--colour", "blue")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --colour");
        assertThat(run("dev", "--learners", "many")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--learners must be a whole number");
        assertThat(run("dev", "--bad-fraction", "2")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--bad-fraction must be between 0 and 1");
        assertThat(run("simulate", "--registry", "ftp://x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--registry must be apicurio, mock or an http(s) URL");
        assertThat(run("dev", "--duration")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--duration needs a value");
        assertThat(run("dev", "stray")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unexpected argument 'stray'");
        assertThat(run("service", "--dry-run")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--dry-run goes with --reset-offsets");
        assertThat(run("service", "--reset")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --reset");
    }

    @Test
    void durationsTakeShortAndIsoForms() {
        final Options options = Options.parse("x", List.of("--a", "90s", "--b=2h", "--c", "PT1M", "--d", "3d", "--e", "soon"),
                Set.of("a", "b", "c", "d", "e"), Set.of());
        assertThat(options.duration("a", null)).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.duration("b", null)).isEqualTo(Duration.ofHours(2));
        assertThat(options.duration("c", null)).isEqualTo(Duration.ofMinutes(1));
        assertThat(options.duration("d", null)).isEqualTo(Duration.ofDays(3));
        assertThat(options.duration("z", Duration.ZERO)).isEqualTo(Duration.ZERO);
        Assertions.assertThatThrownBy(() -> options.duration("e", null)).hasMessageContaining("--e must be a duration");
    }
}
