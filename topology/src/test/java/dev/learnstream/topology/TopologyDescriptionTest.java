package dev.learnstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Golden test of {@code Topology.describe()}: renaming a node, store or internal topic changes
 * this text, and in production a renamed store silently starts empty. Update the golden file only
 * on purpose: run with {@code -Dlearnstream.golden.update=true} and review the diff.
 */
class TopologyDescriptionTest {

    private static final String GOLDEN = "topology-description.txt";

    @Test
    void theTopologyMatchesTheGoldenDescription() throws IOException {
        final TopologySettings settings = TopologySettings.defaults(dev.learnstream.topics.TopicNames.defaults(),
                Map.of("schema.registry.url", "mock://TopologyDescriptionTest", "specific.avro.reader", "true"));
        final TopologyDescription description = LearnStreamTopology.build(settings).describe();
        final String actual = description.toString();
        if (Boolean.getBoolean("learnstream.golden.update")) {
            Files.writeString(Path.of("src/test/resources", GOLDEN), actual);
        }
        try (InputStream golden = getClass().getClassLoader().getResourceAsStream(GOLDEN)) {
            assertThat(golden).as("golden file %s (create it with -Dlearnstream.golden.update=true)", GOLDEN).isNotNull();
            assertThat(actual).isEqualTo(new String(golden.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertThat(actual).contains("validate-module-quiz", "checked-module-quiz-invalid", "write-dlq-module-quiz",
                StoreNames.DEDUP, StoreNames.QUIZ_ANALYTICS, StoreNames.LEARNING_PROGRESS, StoreNames.COURSE_ANALYTICS,
                "course-facts-by-course-repartition", "attempts-by-assessment-repartition", StoreNames.WINDOW_PARTIALS,
                StoreNames.WINDOWED_METRICS, "window-partials-by-dimension-repartition", "write-late-events");
    }

    @Test
    void theInternalTopicsAreNamedExactlyAsKafkaStreamsNamesThem() {
        final TopologyDescription description = LearnStreamTopology.build(TopologySettings.defaults(
                dev.learnstream.topics.TopicNames.defaults(),
                Map.of("schema.registry.url", "mock://TopologyDescriptionTest", "specific.avro.reader", "true"))).describe();
        final java.util.SortedSet<String> all = TopologyTopics.internal(description, "app", false);
        final java.util.SortedSet<String> changelogs = TopologyTopics.internal(description, "app", true);
        assertThat(changelogs).contains("app-" + StoreNames.QUIZ_ANALYTICS + "-changelog",
                        "app-" + StoreNames.MEMORY_SCORES + "-changelog", "app-" + StoreNames.WINDOWED_METRICS + "-changelog")
                .allMatch(topic -> topic.startsWith("app-") && topic.endsWith("-changelog"))
                // The course catalog is a global store: its topic is a result topic, not a changelog.
                .doesNotContain("app-" + StoreNames.COURSE_CATALOG + "-changelog");
        assertThat(all).containsAll(changelogs).contains("app-course-facts-by-course-repartition",
                "app-attempts-by-assessment-repartition", "app-window-partials-by-dimension-repartition");
        assertThat(all.size() - changelogs.size()).as("repartition topics").isEqualTo(4);
    }
}
