package dev.learnstream.service;

import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import dev.learnstream.topology.LearnStreamTopology;
import dev.learnstream.topology.MemorySettings;
import dev.learnstream.topology.ResultTopics;
import dev.learnstream.topology.TopologySettings;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API over a KafkaStreams instance: either the whole service (topology, streams and
 * API, {@link #start(ServiceConfig)}) or the API attached to streams someone else runs
 * ({@link #attach}, for {@code dev}). Closing stops HTTP first, then the streams it owns.
 */
public final class QueryService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);

    private final Javalin api;
    private final KafkaStreams ownedStreams;
    private final Producer<String, SpecificRecord> producer;
    private final ServiceMetrics metrics;
    private final Forwarder forwarder;
    private final int port;
    /** For {@link #start}: the admin client and changelog record the service keeps till it closes. */
    private volatile Owned owned;

    private record Owned(Admin admin, ChangelogIdentity changelogs) {
    }

    private QueryService(Javalin api, KafkaStreams ownedStreams, Producer<String, SpecificRecord> producer,
                         ServiceMetrics metrics, Forwarder forwarder, int port) {
        this.api = api;
        this.ownedStreams = ownedStreams;
        this.producer = producer;
        this.metrics = metrics;
        this.forwarder = forwarder;
        this.port = port;
    }

    /** A free port to listen on, so application.server can be set before the streams start. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for the API", e);
        }
    }

    /**
     * Records the changelogs' ids once the streams run (the topics exist by then, even on a first
     * start), on a daemon thread that ends when the streams run or stop.
     */
    private void recordChangelogsWhenRunning() {
        final Thread recorder = new Thread(() -> {
            try {
                while (true) {
                    final KafkaStreams.State state = ownedStreams.state();
                    if (state == KafkaStreams.State.RUNNING) {
                        recordChangelogs(owned);
                        return;
                    }
                    if (!state.isRunningOrRebalancing() && state != KafkaStreams.State.CREATED) {
                        return;
                    }
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "changelog-ids-recorder");
        recorder.setDaemon(true);
        recorder.start();
    }

    private static void recordChangelogs(Owned kept) {
        try {
            kept.changelogs().record();
        } catch (RuntimeException e) {
            LOG.warn("Could not record the changelog ids; a reset made while this instance is stopped may go"
                    + " unnoticed at its next start", e);
        }
    }

    /** Starts the topology, the streams and the API from the configuration. */
    public static QueryService start(ServiceConfig config) {
        final int port = config.httpPort() == 0 ? freePort() : config.httpPort();
        final Properties props = config.streamsProperties(port);
        final Admin admin = Admin.create(dev.learnstream.topology.ClientProperties.only(props,
                org.apache.kafka.clients.admin.AdminClientConfig.configNames()));
        final ChangelogIdentity changelogs;
        final KafkaStreams streams;
        try {
            if (config.topics().enabled()) {
                dev.learnstream.topology.TopologyTopics.ensure(admin, config.topology(), config.topics().partitions(),
                        config.topics().replication(), null);
            }
            props.putIfAbsent(dev.learnstream.topology.WindowedMetricsTopology.LEARNER_PARTITIONS_CONFIG,
                    dev.learnstream.topology.TopologyTopics.learnerPartitions(admin, config.topology()));
            final org.apache.kafka.streams.Topology topology = LearnStreamTopology.build(config.topology());
            final String applicationId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
            changelogs = new ChangelogIdentity(admin, applicationId,
                    dev.learnstream.topology.TopologyTopics.internal(topology.describe(), applicationId, true),
                    Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG)), Duration.ofSeconds(30));
            streams = new KafkaStreams(topology, props);
            if (changelogs.stateIsStale()) {
                // Restoring from the new changelogs on top of stores built from the old ones would
                // mix two histories (see ChangelogIdentity).
                streams.cleanUp();
            }
        } catch (RuntimeException e) {
            admin.close(Duration.ofSeconds(5));
            throw e;
        }
        final ServiceMetrics metrics = new ServiceMetrics();
        streams.setUncaughtExceptionHandler(exception -> {
            // A failed stream thread is replaced, not left dead: the instance keeps its share of work.
            metrics.uncaughtException();
            LOG.error("Stream thread failed; replacing it", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        final QueryService service = create(streams, streams, config.advertisedHost(), config.httpHost(), port,
                config.apiKeys(), config.forwardTimeout(), config.topology(), metrics,
                props.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        service.owned = new Owned(admin, changelogs);
        streams.start();
        service.recordChangelogsWhenRunning();
        return service;
    }

    /**
     * The API for streams run by the caller; they must have application.server = advertisedHost:port
     * and not be started yet (the API takes their state listener, to notice rebalances).
     */
    public static QueryService attach(KafkaStreams streams, String advertisedHost, String bindHost, int port,
                                      ApiKeys keys, TopologySettings topology, String bootstrapServers) {
        return create(streams, null, advertisedHost, bindHost, port, keys, Duration.ofSeconds(2), topology,
                new ServiceMetrics(), bootstrapServers);
    }

    private static QueryService create(KafkaStreams streams, KafkaStreams owned, String advertisedHost, String bindHost,
                                       int port, ApiKeys keys, Duration forwardTimeout, TopologySettings topology,
                                       ServiceMetrics metrics, String bootstrapServers) {
        metrics.bind(streams, topicsOf(topology));
        final StreamsStores stores = new StreamsStores(streams, new HostInfo(advertisedHost, port));
        final Producer<String, SpecificRecord> producer = producer(bootstrapServers, topology.serdeConfig());
        final EventPublisher publisher = new EventPublisher(producer, topology.topics(), topology.maxFutureSkew(),
                Clock.systemUTC());
        final MemorySettings memory = topology.memory();
        final Forwarder forwarder = new Forwarder(forwardTimeout);
        final Javalin api = QueryApi.create(new QueryApi.Dependencies(stores, stores, forwarder, keys,
                () -> readiness(streams), metrics, memory, publisher, Clock.systemUTC()));
        api.start(bindHost, port);
        return new QueryService(api, owned, producer, metrics, forwarder, port);
    }

    /** Every topic the topology reads or writes, for the per-topic counters. */
    private static Set<String> topicsOf(TopologySettings topology) {
        final Set<String> topics = new HashSet<>(List.of(ResultTopics.changelogs()));
        topics.add(ResultTopics.LATE_EVENTS);
        topics.add(ResultTopics.PROCESSING_DLQ);
        for (final EventTopic topic : EventTopic.values()) {
            topics.add(topology.topics().name(topic));
            topics.add(topology.topics().dlq(topic));
        }
        return topics;
    }

    private static Readiness.Status readiness(KafkaStreams streams) {
        final KafkaStreams.State state = streams.state();
        // RUNNING is reached only once every active task has restored its stores.
        return state == KafkaStreams.State.RUNNING
                ? new Readiness.Status(true, state.name(), null)
                : new Readiness.Status(false, state.name(), "streams are " + state.name().toLowerCase(java.util.Locale.ROOT)
                        + "; queries are answered once RUNNING (stores restored)");
    }

    private static Producer<String, SpecificRecord> producer(String bootstrapServers, Map<String, ?> serdeConfig) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "learnstream-event-publisher");
        return new KafkaProducer<>(props, new StringSerializer(), EventSerdes.values(serdeConfig).serializer());
    }

    public int port() {
        return port;
    }

    /** The registry /metrics serves, for components running beside the service (e.g. the sink in dev). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return metrics.registry();
    }

    /** Stops HTTP, then the streams this service started, then the publisher. */
    @Override
    public void close() {
        api.stop();
        forwarder.close();
        if (ownedStreams != null) {
            ownedStreams.close(Duration.ofSeconds(30));
        }
        final Owned kept = owned;
        if (kept != null) {
            // After a clean stop the stores and their checkpoints stay for the next start: say which
            // changelogs they belong to.
            recordChangelogs(kept);
            kept.admin().close(Duration.ofSeconds(5));
        }
        producer.close(Duration.ofSeconds(5));
        metrics.close();
    }
}
