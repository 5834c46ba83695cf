package dev.learnstream.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;

/**
 * CPU time an app used over a bench phase: its stream threads, the rest of this JVM, and the
 * broker's JVM. Events per second swing by ±10% from run to run on a shared two-core host, and a
 * change of a few percent hides in that; CPU seconds per event barely move with the host's other
 * load, so they show such a change.
 */
final class CpuUse {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String streamThreadPrefix;
    private final Long brokerPid;
    private final long processStart;
    private final long streamStart;
    private final long brokerStart;

    /**
     * @param applicationId the app's id: its stream threads are named {@code <id>-<uuid>-StreamThread-<n>}
     * @param brokerPid     the embedded broker's process, or null when the broker runs elsewhere
     */
    CpuUse(String applicationId, Long brokerPid) {
        this.streamThreadPrefix = applicationId + "-";
        this.brokerPid = brokerPid;
        this.processStart = processNanos();
        this.streamStart = streamThreadNanos();
        this.brokerStart = brokerNanos();
    }

    /** CPU seconds used since construction; {@code brokerSeconds} is NaN when the broker was not measured. */
    record Used(double streamSeconds, double restSeconds, double brokerSeconds) {

        /** All of it, broker included: NaN when the broker was not measured. */
        double totalSeconds() {
            return streamSeconds + restSeconds + brokerSeconds;
        }

        /** {@code "<stream> s in the stream threads (<µs> µs per event), ..."}. */
        String describe(long events) {
            final String brokerPart = Double.isNaN(brokerSeconds) ? "broker not measured"
                    : String.format(Locale.ROOT, "broker %.1f s", brokerSeconds);
            return String.format(Locale.ROOT, "%.1f s in the stream threads (%.1f µs per event), %.1f s in the rest of"
                    + " this JVM (producer I/O, GC, JIT, the bench's own clients), %s", streamSeconds,
                    streamSeconds * 1e6 / events, restSeconds, brokerPart);
        }
    }

    Used since() {
        final double stream = (streamThreadNanos() - streamStart) / 1e9;
        final double process = (processNanos() - processStart) / 1e9;
        final long broker = brokerNanos();
        return new Used(stream, process - stream,
                broker < 0 || brokerStart < 0 ? Double.NaN : (broker - brokerStart) / 1e9);
    }

    private static long processNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /**
     * The app's stream threads only: not their producers' I/O threads, whose names end in
     * {@code -producer}. Threads started after construction count from zero, which is what they used.
     */
    private long streamThreadNanos() {
        long sum = 0;
        for (final ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith(streamThreadPrefix)
                    && thread.getThreadName().contains("-StreamThread-")
                    && !thread.getThreadName().endsWith("-producer")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(thread.getThreadId()));
            }
        }
        return sum;
    }

    private long brokerNanos() {
        if (brokerPid == null) {
            return -1;
        }
        return ProcessHandle.of(brokerPid).flatMap(process -> process.info().totalCpuDuration())
                .map(Duration::toNanos).orElse(-1L);
    }
}
