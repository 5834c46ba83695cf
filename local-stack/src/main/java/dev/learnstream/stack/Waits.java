package dev.learnstream.stack;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling: every wait in the stack has a deadline and says what it waited for. */
public final class Waits {

    private Waits() {
    }

    public static void until(String what, Duration timeout, Duration interval, BooleanSupplier condition) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
    }
}
