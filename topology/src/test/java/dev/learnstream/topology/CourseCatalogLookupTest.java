package dev.learnstream.topology;

import static dev.learnstream.topology.TestEvents.aCourse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.avro.MockSchemaRegistry;
import dev.learnstream.events.CourseCreated;
import dev.learnstream.topics.EventSerdes;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog lookup decodes an entry once and reuses it while the global store holds the same
 * bytes for it; an update (from the global thread, here a put) is seen at the next lookup.
 */
class CourseCatalogLookupTest {

    private static final String SCOPE = "CourseCatalogLookupTest";
    private final Map<String, Object> serdes = EventSerdes.config("mock://" + SCOPE, Map.of());
    // Built as the topology builds the global store: metered, over Kafka's in-memory store of bytes.
    private final KeyValueStore<String, CourseCreated> store = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(StoreNames.COURSE_CATALOG), Serdes.String(),
                    AvroSerdes.avro(serdes, CourseCreated.class))
            .withLoggingDisabled().build();

    @AfterEach
    void close() {
        store.close();
        MockSchemaRegistry.drop(SCOPE);
    }

    @Test
    void anEntryIsDecodedOnceWhileItsBytesStayAndAnUpdateIsSeenAtOnce() {
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        final CourseCreated course = aCourse().setCourseId("dsa-101").setCategory("dsa")
                .setModuleIds(List.of("dsa-arrays", "dsa-lists")).build();
        store.put("dsa-101", course);
        store.put(Keys.of(CourseCatalogTopology.MODULE_PREFIX, "dsa-lists"), course);
        final CourseCatalogTopology.Lookup lookup = new CourseCatalogTopology.Lookup(store);

        final CourseCreated first = lookup.course("dsa-101");
        assertThat(first).isEqualTo(course);
        assertThat(lookup.course("dsa-101")).as("decoded once, then reused").isSameAs(first);
        assertThat(lookup.courseOfModule("dsa-lists").getCategory()).isEqualTo("dsa");
        assertThat(lookup.course("algo-201")).isNull();

        final CourseCreated renamed = CourseCreated.newBuilder(course).setCategory("algorithms").build();
        store.put("dsa-101", renamed);
        assertThat(lookup.course("dsa-101").getCategory()).isEqualTo("algorithms");
        assertThat(lookup.courseOfModule("dsa-lists").getCategory()).as("its own entry, unchanged").isEqualTo("dsa");

        store.delete("dsa-101");
        assertThat(lookup.course("dsa-101")).isNull();
    }
}
