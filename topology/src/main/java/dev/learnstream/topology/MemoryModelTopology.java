package dev.learnstream.topology;

import dev.learnstream.events.RevisionRecommendation;
import dev.learnstream.events.StruggleDetected;
import dev.learnstream.results.AtRiskLearner;
import dev.learnstream.results.MemoryScore;
import dev.learnstream.results.RevisionSignal;
import dev.learnstream.topics.EventSerdes;
import dev.learnstream.topics.EventTopic;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The memory model and the learner signals built on it, on the validated stream, all on the
 * user's partition: FSRS-6 memory per (user, module) with revision recommendations and signals,
 * at-risk scores per (user, course) ({@link MemoryProcessor}, {@link RiskScorer}) and struggle
 * detection ({@link StruggleProcessor}).
 *
 * <p>Topics written: {@value ResultTopics#MEMORY_SCORES}, {@value ResultTopics#REVISION_SIGNALS},
 * {@value ResultTopics#AT_RISK}, and the event topics of {@link EventTopic#REVISION_RECOMMENDATIONS}
 * and {@link EventTopic#STRUGGLE_DETECTED}.
 */
public final class MemoryModelTopology {

    private MemoryModelTopology() {
    }

    public static void build(TopologySettings settings, KStream<String, SpecificRecord> events) {
        final Map<String, ?> serdes = settings.serdeConfig();
        final Map<String, KStream<String, SpecificRecord>> memory = events
                .process(new MemoryProcessor(serdes, settings.memory(), settings.scanEvery()), Named.as("memory-model"))
                .split(Named.as("memory-"))
                .branch((key, value) -> value instanceof MemoryScore, Branched.as("scores"))
                .branch((key, value) -> value instanceof RevisionSignal, Branched.as("signals"))
                .branch((key, value) -> value instanceof AtRiskLearner, Branched.as("risk"))
                .defaultBranch(Branched.as("recommendations"));
        memory.get("memory-scores").mapValues(value -> (MemoryScore) value, Named.as("as-memory-score"))
                .to(ResultTopics.MEMORY_SCORES, Produced.with(Serdes.String(), AvroSerdes.avro(serdes, MemoryScore.class))
                        .withName("write-memory-scores"));
        memory.get("memory-signals").mapValues(value -> (RevisionSignal) value, Named.as("as-revision-signal"))
                .to(ResultTopics.REVISION_SIGNALS, Produced.with(Serdes.String(),
                        AvroSerdes.avro(serdes, RevisionSignal.class)).withName("write-revision-signals"));
        memory.get("memory-risk").mapValues(value -> (AtRiskLearner) value, Named.as("as-at-risk"))
                .to(ResultTopics.AT_RISK, Produced.with(Serdes.String(), AvroSerdes.avro(serdes, AtRiskLearner.class))
                        .withName("write-at-risk"));
        memory.get("memory-recommendations")
                .to(settings.topics().name(EventTopic.REVISION_RECOMMENDATIONS),
                        Produced.with(Serdes.String(), EventSerdes.values(serdes)).withName("write-revision-recommendations"));

        events.process(new StruggleProcessor(serdes, settings.memory()), Named.as("struggle-detection"))
                .mapValues(value -> (SpecificRecord) value, Named.as("as-struggle-detected"))
                .to(settings.topics().name(EventTopic.STRUGGLE_DETECTED),
                        Produced.with(Serdes.String(), EventSerdes.values(serdes)).withName("write-struggle-detected"));
    }
}
