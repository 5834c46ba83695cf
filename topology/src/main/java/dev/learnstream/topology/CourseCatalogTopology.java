package dev.learnstream.topology;

import dev.learnstream.events.CourseCreated;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The course catalog every task can read: each CourseCreated is written to
 * {@value ResultTopics#COURSE_CATALOG} under its courseId and under {@code module␟<moduleId>} for
 * each of its modules, and read back into the global store {@value StoreNames#COURSE_CATALOG}. So a
 * learner's task resolves a module's course and a course's domain (its category) and modules.
 */
public final class CourseCatalogTopology {

    static final String MODULE_PREFIX = "module";

    private CourseCatalogTopology() {
    }

    public static void build(StreamsBuilder builder, TopologySettings settings, KStream<String, SpecificRecord> events) {
        final Serde<CourseCreated> serde = AvroSerdes.avro(settings.serdeConfig(), CourseCreated.class);
        events.filter((key, event) -> event instanceof CourseCreated, Named.as("course-created"))
                .flatMap((key, event) -> entries((CourseCreated) event), Named.as("catalog-entries"))
                .to(ResultTopics.COURSE_CATALOG, Produced.with(Serdes.String(), serde).withName("write-course-catalog"));
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.COURSE_CATALOG), Serdes.String(), serde)
                        .withLoggingDisabled(),
                ResultTopics.COURSE_CATALOG,
                Consumed.with(Serdes.String(), serde).withName("read-course-catalog"),
                () -> new Processor<String, CourseCreated, Void, Void>() {
                    private KeyValueStore<String, CourseCreated> store;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        store = context.getStateStore(StoreNames.COURSE_CATALOG);
                    }

                    @Override
                    public void process(Record<String, CourseCreated> record) {
                        store.put(record.key(), record.value());
                    }
                });
    }

    private static List<KeyValue<String, CourseCreated>> entries(CourseCreated course) {
        final List<KeyValue<String, CourseCreated>> entries = new ArrayList<>();
        entries.add(KeyValue.pair(course.getCourseId(), course));
        for (final String module : course.getModuleIds()) {
            entries.add(KeyValue.pair(Keys.of(MODULE_PREFIX, module), course));
        }
        return entries;
    }

    /**
     * Lookups on the global store, for one task's thread. Every event resolves its course or module
     * here, often in several processors, and the catalog changes rarely: an entry is decoded once
     * and reused while the store holds the same bytes for it (compared at each lookup, so an update
     * from the global thread is seen at once). Callers must not change what they get.
     */
    static final class Lookup {
        private final KeyValueStore<String, CourseCreated> store;
        /** The bytes under the metered layer (see {@link StoreBytes}), or null if the store is built otherwise. */
        private final KeyValueStore<Bytes, byte[]> raw;
        private final Map<String, Decoded> decoded = new HashMap<>();

        private record Decoded(byte[] bytes, CourseCreated value) {
        }

        Lookup(KeyValueStore<String, CourseCreated> store) {
            this.store = store;
            this.raw = StoreBytes.under(store);
        }

        CourseCreated course(String courseId) {
            return courseId == null ? null : get(courseId);
        }

        CourseCreated courseOfModule(String moduleId) {
            return moduleId == null ? null : get(Keys.of(MODULE_PREFIX, moduleId));
        }

        private CourseCreated get(String key) {
            if (raw == null) {
                return store.get(key);
            }
            // Bytes first, then the value: an update in between makes the next lookup decode again.
            final byte[] bytes = raw.get(StoreBytes.key(key));
            if (bytes == null) {
                decoded.remove(key);
                return null;
            }
            final Decoded known = decoded.get(key);
            if (known != null && Arrays.equals(known.bytes(), bytes)) {
                return known.value();
            }
            final CourseCreated value = store.get(key);
            decoded.put(key, new Decoded(bytes, value));
            return value;
        }
    }
}
