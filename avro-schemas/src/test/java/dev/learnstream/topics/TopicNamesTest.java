package dev.learnstream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnstream.events.ModuleCompleted;
import dev.learnstream.events.ModuleQuizCompleted;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void defaultsAreTheSeedsNamesAndEachInputHasADlq() {
        final TopicNames names = TopicNames.defaults();
        assertThat(names.name(EventTopic.MODULE_QUIZ)).isEqualTo("module_quiz_events");
        assertThat(names.dlq(EventTopic.USER_EVENTS)).isEqualTo("user.events.dlq");
        assertThat(EventTopic.of(ModuleQuizCompleted.class)).isEqualTo(EventTopic.MODULE_QUIZ);
        assertThat(EventTopic.of(ModuleCompleted.class)).isEqualTo(EventTopic.COURSE_EVENTS);
        assertThat(EventTopic.inputs()).hasSize(10);
    }

    @Test
    void namesAreOverriddenByIdAndBadOnesFailNamingTheSetting() {
        assertThat(TopicNames.from(Map.of("topic.module-quiz", "quiz-v2", "other", "x")).name(EventTopic.MODULE_QUIZ))
                .isEqualTo("quiz-v2");
        assertThatThrownBy(() -> TopicNames.from(Map.of("topic.nope", "x")))
                .hasMessageStartingWith("topic.nope: Unknown topic id 'nope'");
        assertThatThrownBy(() -> TopicNames.from(Map.of("topic.module-quiz", "bad name")))
                .hasMessageStartingWith("topic.module-quiz:");
    }

    @Test
    void everyEventTypeHasExactlyOneTopic() {
        final long types = java.util.Arrays.stream(EventTopic.values()).mapToLong(t -> t.recordTypes().size()).sum();
        final long distinct = java.util.Arrays.stream(EventTopic.values()).flatMap(t -> t.recordTypes().stream()).distinct().count();
        assertThat(types).isEqualTo(distinct).isEqualTo(21);
    }
}
