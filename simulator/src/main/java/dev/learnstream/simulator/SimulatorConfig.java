package dev.learnstream.simulator;

import java.time.Duration;

/**
 * How a simulation runs.
 *
 * @param learners     simulated learners signing up over the first simulated day
 * @param seed         same seed and start, same events
 * @param ratePerSecond maximum events per second; 0 for as fast as possible
 * @param duration     stop after this long; null to run until stopped
 * @param maxEvents    stop after this many events; 0 for no limit
 * @param badFraction  fraction of events replaced by bad ones (0 to 1)
 * @param history      how far back in event time the simulation starts; it back-fills up to now
 * @param live         once caught up with now, stamp events with the current time (a steady
 *                     stream at {@code ratePerSecond}); otherwise wait for each event's time
 */
public record SimulatorConfig(int learners, long seed, double ratePerSecond, Duration duration, long maxEvents,
                              double badFraction, Duration history, boolean live) {

    public SimulatorConfig {
        if (learners < 1) {
            throw new IllegalArgumentException("--learners must be at least 1, got " + learners);
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("--rate must be >= 0 (0 = unlimited), got " + ratePerSecond);
        }
        if (maxEvents < 0) {
            throw new IllegalArgumentException("--max-events must be >= 0, got " + maxEvents);
        }
        if (badFraction < 0 || badFraction > 1) {
            throw new IllegalArgumentException("--bad-fraction must be between 0 and 1, got " + badFraction);
        }
        if (history.isNegative()) {
            throw new IllegalArgumentException("--history must not be negative, got " + history);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("--duration must be positive, got " + duration);
        }
    }

    /** What {@code dev} runs: a few hundred learners, two days of history, then a live trickle. */
    public static SimulatorConfig devDefaults() {
        return new SimulatorConfig(300, 42, 200, null, 0, 0.0, Duration.ofDays(2), true);
    }
}
