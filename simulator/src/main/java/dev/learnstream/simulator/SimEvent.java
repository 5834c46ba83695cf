package dev.learnstream.simulator;

import dev.learnstream.topics.EventTopic;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/** One generated event: where it goes, its key, the record, and its event time. */
public record SimEvent(EventTopic topic, String key, SpecificRecord value, Instant time) {
}
