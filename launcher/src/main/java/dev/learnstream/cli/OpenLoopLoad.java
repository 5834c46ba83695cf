package dev.learnstream.cli;

import dev.learnstream.service.Http1Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load at a fixed rate, in the manner of wrk2: a number of keep-alive
 * connections, each with its own share of the schedule (connection {@code c} sends requests
 * {@code c}, {@code c + n}, {@code c + 2n}, ...), and every latency measured from the request's
 * scheduled time, so a stall shows up in the figures instead of quietly lowering the rate.
 *
 * <p>Plain keep-alive connections ({@link Http1Connection}) rather than
 * {@code java.net.http.HttpClient}: on two cores the JDK client's own work per request capped the
 * load below a thousand requests a second, so it measured itself rather than the service.
 */
final class OpenLoopLoad {

    /** What a run measured; latencies in nanoseconds, in no particular order. */
    record Result(int requests, int failed, double seconds, long[] latencies) {

        @Override
        public String toString() {
            final long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "requests=%d failed=%d rate=%.0f/s p50=%.2fms p99=%.2fms max=%.2fms",
                    requests, failed, requests / seconds, millisAt(sorted, 0.50), millisAt(sorted, 0.99),
                    millisAt(sorted, 1.0));
        }

        private static double millisAt(long[] sorted, double fraction) {
            final int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * fraction) - 1));
            return sorted[index] / 1e6;
        }
    }

    private final String host;
    private final int port;
    private final List<String> paths;
    private final Map<String, String> headers;
    private final Duration timeout;

    /** GETs of {@code paths} in turn, each with {@code headers}. */
    OpenLoopLoad(String host, int port, List<String> paths, Map<String, String> headers, Duration timeout) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no paths to request");
        }
        this.host = host;
        this.port = port;
        this.paths = List.copyOf(paths);
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
    }

    /** Sends {@code rate} requests a second for {@code duration} over {@code connections} connections. */
    Result run(int rate, Duration duration, int connections) throws InterruptedException {
        final int total = (int) Math.max(1, rate * duration.toMillis() / 1000);
        final long[] latencies = new long[total];
        final AtomicInteger failed = new AtomicInteger();
        final long interval = 1_000_000_000L / rate;
        final long start = System.nanoTime() + 10_000_000L;
        final List<Thread> threads = new ArrayList<>();
        final int stride = Math.min(connections, total);
        for (int c = 0; c < stride; c++) {
            final int first = c;
            final Thread thread = new Thread(() -> connection(first, stride, total, start, interval, latencies, failed),
                    "load-" + c);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        for (final Thread thread : threads) {
            thread.join(duration.toMillis() + 5 * timeout.toMillis() + 60_000);
        }
        return new Result(total, failed.get(), (System.nanoTime() - start) / 1e9, latencies);
    }

    private void connection(int first, int stride, int total, long start, long interval, long[] latencies,
                            AtomicInteger failed) {
        Http1Connection connection = null;
        byte[][] requests = null;
        for (int i = first; i < total; i += stride) {
            final long scheduled = start + i * interval;
            final long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            boolean ok;
            try {
                if (connection == null) {
                    connection = Http1Connection.open(host, port, timeout);
                    if (requests == null) {
                        requests = requests(connection);
                    }
                }
                final Http1Connection.Response response = connection.exchange(requests[i % requests.length]);
                ok = response.status() == 200 && response.keepAlive();
            } catch (IOException e) {
                ok = false;
            }
            latencies[i] = System.nanoTime() - scheduled;
            if (!ok) {
                failed.incrementAndGet();
                if (connection != null) {
                    connection.close();
                }
                connection = null;
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    /** The request bytes of every path, built once rather than per request. */
    private byte[][] requests(Http1Connection connection) {
        final byte[][] requests = new byte[paths.size()][];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = connection.get(paths.get(i), headers);
        }
        return requests;
    }
}
