package dev.learnstream.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** {@code ./learnstream <command>}: the one entry point. Usage errors exit with 2. */
public final class Main {

    static final String USAGE = """
            Usage: ./learnstream <command> [options]

            Commands:
              dev        Run everything on this machine with embedded defaults: a Kafka broker (KRaft),
                         a Schema Registry (Apicurio), PostgreSQL, and simulated learners. Prints a
                         ready line and live per-topic event counts; Ctrl-C stops it all.
              service    The query service alone, configured by environment variables (KAFKA_*,
                         SCHEMA_REGISTRY_URL, LEARNSTREAM_*; see the README): topology, streams and
                         the HTTP API. SIGTERM stops it (HTTP first, then streams) with status 0.
                         --reset-offsets first sets the application up to replay its input from
                         the start (every instance must be stopped): input offsets to the earliest,
                         internal topics deleted, local state wiped; --dry-run only prints that.
              sink       The JDBC sink alone, configured by environment variables (KAFKA_*,
                         SCHEMA_REGISTRY_URL, LEARNSTREAM_SINK_*; see the README): migrates the
                         schema, then writes the result topics into PostgreSQL exactly once.
                         --reset-offsets empties the tables and replays the topics from the start.
              simulate   Produce simulated learner events to Kafka (or to an embedded broker), at a
                         fixed rate or as fast as possible; prints the achieved events/s.
              bench      Throughput of the topology against a pass-through Streams app, both
                         exactly-once, on the same pre-loaded simulated events in a local broker;
                         the last line is ratio=<topology/pass-through>. Options: --events N
                         (2000000), --learners N (10000), --partitions N (2), --threads N (one
                         per core), --commit-interval MS (1000), --cache-mib N (64, the record
                         cache), --history-days N (60, how far back the simulated events start),
                         --rocksdb-cache-mib N (256, the RocksDB block cache all stores share;
                         0: Kafka Streams' RocksDB settings, a cache per store), and the stack options.
              memory-replay
                         FSRS-6 (default weights) over CSV lines key,day,grade on stdin (day: integer
                         day index, grade 1-4); writes key,day,grade,retrievability_before,stability,
                         difficulty to stdout (retrievability_before empty for a key's first review).
                         --weights w0,...,w20 replaces the default weights.
              evaluate   --log FILE [--json] [--models fsrs-6,fsrs-6-online,seed-rule,fsrs-6-hindsight]
                         Replays a review log (card_id,review_rating,review_time,...) in time order;
                         prints log loss, RMSE over 20 bins and AUC of predicted recall for each model,
                         same-day reviews left out.
              memory-bench
                         Cost of the memory model's punctuation against the number of stored
                         memories (in-process, real stores): --states 10000,1000000 (sizes),
                         --due 100 (due per punctuation), --punctuations 50. Last line: ratio=.
              iq-bench   Interactive-query latency at a fixed rate (open loop) against two service
                         instances on a local broker, for keys the instance owns and keys it forwards:
                         --rate 5000 (req/s), --duration 30s, --connections 32 (keep-alive, each
                         with its share of the schedule), --learners 500, --events 20000.
              sink-bench Upserted rows/s into PostgreSQL (embedded unless --postgres URL): the writer
                         alone (insert pass, update pass), then the whole sink from a Kafka topic:
                         --rows 1000000, --batch 50000, --partitions 4 (of the topic), --writers 2
                         (connections writing in parallel, both parts).
              help       Show this text.

            Stack options (dev, simulate):
              --kafka embedded|HOST:PORT[,...]      Kafka to use (default: embedded)
              --registry apicurio|mock|URL          Schema Registry (default: apicurio, embedded)
              --postgres embedded|none|JDBC-URL     PostgreSQL (dev default: embedded)
              --work-dir DIR                        where embedded parts keep data (default: a temp dir)

            Simulation options (dev, simulate):
              --learners N        simulated learners (dev: 300, simulate: 1000)
              --rate R            events per second; 0 = as fast as possible (dev: 200, simulate: 0)
              --seed S            same seed, same events (default: 42)
              --bad-fraction F    fraction of events replaced by bad ones, 0..1 (default: 0)
              --history D         event time starts D ago and back-fills to now (dev: 2d, simulate: 14d)
              --duration D        stop after D, e.g. 30s, 5m, 2h (default: until Ctrl-C)
              --max-events N      stop after N events (simulate default: 100000)
              --no-live           once caught up with now, wait for real time instead of stamping events now
              --no-create-topics  (simulate) do not create missing topics
            """;

    /** Set when the JVM is shutting down (Ctrl-C): main must then not call System.exit. */
    static volatile boolean shutdownRequested;

    private Main() {
    }

    public static void main(String[] args) {
        final int code = run(Arrays.asList(args), System.out, System.err);
        if (!shutdownRequested) {
            System.exit(code);
        }
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        final List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.get(0)) {
                case "dev" -> DevCommand.run(rest, out);
                case "service" -> {
                    final Options options = Options.parse("service", rest, java.util.Set.of(),
                            java.util.Set.of("reset-offsets", "dry-run"));
                    if (options.has("dry-run") && !options.has("reset-offsets")) {
                        throw new UsageException("service: --dry-run goes with --reset-offsets");
                    }
                    yield dev.learnstream.service.ServiceMain.run(options.has("reset-offsets"), options.has("dry-run"), out);
                }
                case "sink" -> {
                    final Options options = Options.parse("sink", rest, java.util.Set.of(), java.util.Set.of("reset-offsets"));
                    yield dev.learnstream.sink.SinkMain.run(System.getenv(), options.has("reset-offsets"), out, err);
                }
                case "sink-bench" -> SinkBenchCommand.run(rest, out);
                case "simulate" -> SimulateCommand.run(rest, out);
                case "bench" -> BenchCommand.run(rest, out);
                case "memory-replay" -> MemoryReplayCommand.run(rest, in, out);
                case "evaluate" -> EvaluateCommand.run(rest, out);
                case "memory-bench" -> MemoryBenchCommand.run(rest, out);
                case "iq-bench" -> IqBenchCommand.run(rest, out);
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> throw new UsageException("unknown command '" + args.get(0) + "'");
            };
        } catch (UsageException e) {
            err.println("learnstream: " + e.getMessage());
            err.println("Run './learnstream help' for usage.");
            return 2;
        } catch (RuntimeException e) {
            err.println("learnstream " + args.get(0) + " failed: " + e.getMessage());
            return 1;
        }
    }
}
