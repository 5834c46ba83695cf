package dev.learnstream.simulator;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Turns a fraction of good events into bad ones, each of a kind that fits the event (a score
 * fault only where there is a score). Avro-valid faults go through the real serializer; the Kafka
 * record timestamp stays the true event time, since a broker refuses far-future timestamps.
 */
final class FaultInjector {

    private static final List<String> SCORE_FIELDS = List.of("score", "finalScore");
    private static final List<String> TIME_FIELDS = List.of("timeTakenSeconds", "timeSpentSeconds", "durationSeconds");
    /** No registry hands out ids this high in practice. */
    static final int UNKNOWN_SCHEMA_ID = 2_000_000_001;

    private final double fraction;
    private final Random random;

    FaultInjector(double fraction, long seed) {
        if (fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("bad-fraction must be between 0 and 1, got " + fraction);
        }
        this.fraction = fraction;
        this.random = new Random(seed ^ 0x5DEECE66DL);
    }

    /** Whether the next event should be replaced by a bad one. */
    boolean strikes() {
        return fraction > 0 && random.nextDouble() < fraction;
    }

    /** A fault that applies to {@code value}. */
    Fault pick(SpecificRecord value) {
        final List<Fault> fitting = new ArrayList<>(List.of(Fault.GARBAGE_BYTES, Fault.UNKNOWN_SCHEMA_ID,
                Fault.MISSING_USER_ID, Fault.TIMESTAMP_1970, Fault.TIMESTAMP_NEXT_YEAR));
        if (field(value.getSchema(), SCORE_FIELDS) != null) {
            fitting.add(Fault.SCORE_OUT_OF_RANGE);
        }
        if (field(value.getSchema(), TIME_FIELDS) != null) {
            fitting.add(Fault.NEGATIVE_TIME);
        }
        return fitting.get(random.nextInt(fitting.size()));
    }

    /** The bad record of kind {@code fault} for a good event; {@code serializer} writes Avro. */
    byte[] corrupt(Fault fault, SpecificRecord value, java.util.function.Function<SpecificRecord, byte[]> serializer) {
        return switch (fault) {
            case GARBAGE_BYTES -> garbage();
            case UNKNOWN_SCHEMA_ID -> {
                final byte[] bytes = serializer.apply(value);
                ByteBuffer.wrap(bytes).putInt(1, UNKNOWN_SCHEMA_ID);
                yield bytes;
            }
            case SCORE_OUT_OF_RANGE -> serializer.apply(with(value, field(value.getSchema(), SCORE_FIELDS), 150.0));
            case NEGATIVE_TIME -> serializer.apply(with(value, field(value.getSchema(), TIME_FIELDS),
                    -(1 + random.nextInt(600))));
            case MISSING_USER_ID -> serializer.apply(with(value, "userId", ""));
            case TIMESTAMP_1970 -> serializer.apply(with(value, "occurredAt",
                    Instant.ofEpochMilli(random.nextInt(86_400_000))));
            case TIMESTAMP_NEXT_YEAR -> serializer.apply(with(value, "occurredAt",
                    ((Instant) ((SpecificRecordBase) value).get("occurredAt")).plus(Duration.ofDays(365))));
        };
    }

    private byte[] garbage() {
        final byte[] bytes = new byte[1 + random.nextInt(64)];
        random.nextBytes(bytes);
        // Never the magic byte: garbage must not pass for the wire format by chance.
        if (bytes[0] == 0) {
            bytes[0] = '{';
        }
        return bytes;
    }

    private static SpecificRecord with(SpecificRecord value, String field, Object fieldValue) {
        final SpecificRecordBase copy = (SpecificRecordBase) SpecificData.get().deepCopy(value.getSchema(), value);
        copy.put(field, fieldValue);
        return copy;
    }

    private static String field(Schema schema, List<String> candidates) {
        return candidates.stream().filter(name -> schema.getField(name) != null).findFirst().orElse(null);
    }
}
