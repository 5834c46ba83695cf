package dev.learnstream.cli;

import dev.learnstream.sink.SinkBench;
import dev.learnstream.stack.LocalStack;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code sink-bench}: upserted rows/s into PostgreSQL, through the writer alone and through the
 * whole sink from a Kafka topic, on the embedded stack (registry: in-process mock unless given).
 */
final class SinkBenchCommand {

    private SinkBenchCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        final Set<String> valued = new HashSet<>(StackChoice.OPTIONS);
        valued.addAll(Set.of("rows", "batch", "partitions", "writers"));
        final Options options = Options.parse("sink-bench", args, valued, Set.of());
        final int rows = Math.toIntExact(options.number("rows", 1_000_000, 50_000_000));
        final int batch = Math.toIntExact(options.number("batch", 50_000, 1_000_000));
        final int partitions = Math.toIntExact(options.number("partitions", 4, 64));
        final int writers = Math.toIntExact(options.number("writers", 2, 32));
        if (rows < 1 || batch < 1 || partitions < 1 || writers < 1) {
            throw new UsageException("--rows, --batch, --partitions and --writers must be at least 1");
        }
        LocalStack.Options stackOptions = StackChoice.from(options, true);
        if (!options.has("registry")) {
            stackOptions = stackOptions.withRegistry(LocalStack.RegistryKind.MOCK, "sink-bench");
        }
        try (LocalStack stack = LocalStack.start(stackOptions)) {
            out.printf(Locale.ROOT, "sink-bench: %,d quiz_analytics rows, PostgreSQL %s%n", rows, stack.postgresJdbcUrl());
            final List<SinkBench.Result> writer = SinkBench.writer(stack.postgresJdbcUrl(), rows, batch, writers, out);
            final SinkBench.Result sink = SinkBench.sink(stack.kafkaBootstrap(), stack.registryUrl(),
                    stack.postgresJdbcUrl(), rows, batch, partitions, writers, out);
            out.printf(Locale.ROOT, "upserted_rows_per_s writer_insert=%.0f writer_update=%.0f sink=%.0f%n",
                    writer.get(0).rowsPerSecond(), writer.get(1).rowsPerSecond(), sink.rowsPerSecond());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return 0;
    }
}
