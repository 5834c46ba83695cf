package dev.learnstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./learnstream dev}, for a bounded time, in this JVM: ready line, live counts, clean stop. */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class DevCommandIT {

    private static final Pattern READY = Pattern.compile(
            "LearnStream ready: api=none kafka=127\\.0\\.0\\.1:\\d+ registry=http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7"
                    + " postgres=jdbc:postgresql://127\\.0\\.0\\.1:\\d+/learnstream\\?user=postgres");
    private static final Pattern QUIZ_COUNT = Pattern.compile("module_quiz_events\\s+(\\d+)");

    @Test
    void devStartsTheStackShowsEventsFlowingAndStopsEverything() {
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = Main.run(List.of("dev", "--duration", "60s", "--rate", "300", "--bad-fraction", "0.05"),
                new PrintStream(buffer, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        final String out = buffer.toString(StandardCharsets.UTF_8);

        assertThat(code).as("exit code; output:%n%s%n%s", out, err).isZero();
        assertThat(out.lines().filter(line -> READY.matcher(line).matches()).count()).as(out).isEqualTo(1);
        assertThat(out).contains("first events on the topics", "LearnStream dev stopped.");
        long lastQuizCount = 0;
        final Matcher matcher = QUIZ_COUNT.matcher(out);
        while (matcher.find()) {
            lastQuizCount = Long.parseLong(matcher.group(1));
        }
        assertThat(lastQuizCount).as(out).isGreaterThan(100);
        // The topology runs too: analytics, memory scores and DLQ counts flow to their result topics
        // (a minute, so that a loaded machine still gets past the simulator's back-fill).
        assertThat(out).containsPattern("learnstream\\.quiz-analytics\\s+[1-9]\\d*")
                .containsPattern("learnstream\\.memory-scores\\s+[1-9]\\d*")
                .containsPattern("learnstream\\.dlq-counts\\s+[1-9]\\d*");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> !c.endsWith("/sh")).orElse(true)).toList()).isEmpty();
    }
}
