package dev.learnstream.topology;

import dev.learnstream.results.CourseFact;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The one LearnStream topology, assembled from its named parts: validation and dead letters,
 * the course catalog, learner analytics, course and assessment analytics, windowed metrics, and
 * dead-letter counts, and the memory model (FSRS-6, revision signals, at-risk and struggle
 * detection) beside the learner analytics on the same validated stream.
 */
public final class LearnStreamTopology {

    private LearnStreamTopology() {
    }

    public static Topology build(TopologySettings settings) {
        final StreamsBuilder builder = new StreamsBuilder();
        final KStream<String, SpecificRecord> events = ValidationTopology.build(builder, settings);
        CourseCatalogTopology.build(builder, settings, events);
        final KStream<String, CourseFact> courseFacts = LearnerAnalyticsTopology.build(settings, events);
        CourseAnalyticsTopology.build(settings, courseFacts);
        AssessmentAnalyticsTopology.build(settings, events);
        MemoryModelTopology.build(settings, events);
        WindowedMetricsTopology.build(settings, events);
        DeadLetterCountsTopology.build(builder, settings);
        return builder.build();
    }
}
