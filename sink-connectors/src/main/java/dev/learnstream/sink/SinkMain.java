package dev.learnstream.sink;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The sink as its own process: configuration from the environment (see {@link SinkConfig}),
 * migrations, then consume-and-write until SIGTERM, which finishes or abandons the current batch
 * (it is re-read on the next start) and exits 0. Bad configuration exits 2 naming the setting.
 */
public final class SinkMain {

    private SinkMain() {
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), args.length > 0 && args[0].equals("--reset-offsets"), System.out, System.err));
    }

    /** @param reset empty the tables and forget the stored offsets first, to replay everything */
    public static int run(Map<String, String> environment, boolean reset, PrintStream out, PrintStream err) {
        final SinkConfig config;
        try {
            config = SinkConfig.fromEnvironment(environment);
        } catch (IllegalArgumentException e) {
            err.println("Invalid configuration: " + e.getMessage());
            return 2;
        }
        JdbcSink.migrate(config);
        if (reset) {
            JdbcSink.reset(config);
            out.println("Sink offsets of group " + config.groupId() + " forgotten and tables emptied; replaying from the beginning");
        }
        JdbcSink.ensureDeadLetterTopics(config);
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        final JdbcSink sink = new JdbcSink(config, registry);
        final CountDownLatch done = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            sink.stop();
            try {
                done.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sink-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (SinkHttp http = config.httpPort() == 0 ? null
                : SinkHttp.start(config.httpHost(), config.httpPort(), registry, sink::isAssigned)) {
            out.println("LearnStream sink running: group=" + config.groupId() + " topics=" + config.topics().size()
                    + (http == null ? "" : " metrics=http://" + config.httpHost() + ":" + http.port() + "/metrics"));
            out.flush();
            sink.run();
        } finally {
            done.countDown();
        }
        return 0;
    }
}
