package dev.learnstream.service;

import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * The service process: configuration from the environment, then topology, streams and API until
 * SIGTERM or SIGINT, which stop HTTP, close the streams and exit 0. Bad configuration exits 2
 * with a message naming the setting.
 */
public final class ServiceMain {

    private ServiceMain() {
    }

    public static void main(String[] args) {
        System.exit(run());
    }

    /** Runs until a stop signal; the exit status. */
    public static int run() {
        if (System.getProperty("logback.configurationFile") == null) {
            // Structured JSON logs for the service; dev keeps its human-readable console.
            System.setProperty("logback.configurationFile", "logback-service.xml");
        }
        final ServiceConfig config;
        try {
            config = ServiceConfig.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("learnstream service: invalid configuration: " + e.getMessage());
            return 2;
        }
        final QueryService service = QueryService.start(config);
        LoggerFactory.getLogger(ServiceMain.class).info("LearnStream service listening on port {}", service.port());
        final CountDownLatch stop = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            service.close();
            stop.countDown();
        }, "service-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.onTerminate(() -> {
            // Exit 0 on SIGTERM: an orderly stop is a success, not a crash (status 143).
            System.exit(0);
        });
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
