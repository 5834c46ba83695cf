package dev.learnstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bench's CPU budget line: what a ratio of 0.5 allows per event, beside what the apps used. */
class BenchBudgetTest {

    @Test
    void theBudgetIsEveryCoreForTwiceThePassThroughsTimePerEvent() {
        // 200k events/s: 5 µs per event; at half that speed 10 µs of wall time, on 2 cores 20 µs of CPU.
        final String line = BenchCommand.budget(new BenchCommand.Run(200_000, 9.0), new BenchCommand.Run(90_000, 20.4),
                new BenchCommand.Run(15_000, 124.25), 2);
        assertThat(line).isEqualTo("CPU budget at ratio 0.5: 20.0 µs per event in all processes (2 cores for twice the"
                + " pass-through's time per event); used per event: write floor 20.4 µs, topology 124.3 µs");
        assertThat(BenchCommand.budget(new BenchCommand.Run(100_000, 9.0), new BenchCommand.Run(90_000, 20.4),
                new BenchCommand.Run(15_000, 124.25), 4)).startsWith("CPU budget at ratio 0.5: 80.0 µs per event");
    }

    @Test
    void anUnmeasuredBrokerIsSaidRatherThanLeftOut() {
        assertThat(BenchCommand.budget(new BenchCommand.Run(200_000, Double.NaN), new BenchCommand.Run(90_000, Double.NaN),
                new BenchCommand.Run(15_000, Double.NaN), 2))
                .isEqualTo("CPU budget at ratio 0.5: 20.0 µs per event in all processes (2 cores for twice the"
                        + " pass-through's time per event); the broker was not measured");
    }
}
