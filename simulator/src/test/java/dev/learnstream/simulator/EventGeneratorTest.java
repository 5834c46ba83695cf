package dev.learnstream.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.events.AssessmentCompleted;
import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.events.QuestionAnswer;
import dev.learnstream.topics.EventTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {

    private static final Instant START = Instant.parse("2025-01-06T00:00:00Z");

    private static List<SimEvent> take(long seed, int learners, int count) {
        final EventGenerator generator = new EventGenerator(seed, learners, START);
        final List<SimEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(generator.next());
        }
        return events;
    }

    @Test
    void theSameSeedGivesTheSameEventsAndAnotherSeedOthers() {
        assertThat(take(7, 50, 3_000)).isEqualTo(take(7, 50, 3_000));
        assertThat(take(8, 50, 3_000)).isNotEqualTo(take(7, 50, 3_000));
    }

    @Test
    void eventsComeInEventTimeOrderAndEveryInputTypeOccurs() {
        final List<SimEvent> events = take(1, 200, 40_000);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).time()).isAfterOrEqualTo(events.get(i - 1).time());
        }
        final Set<Class<?>> seen = new HashSet<>();
        events.forEach(e -> seen.add(e.value().getClass()));
        final Set<Class<?>> inputs = new HashSet<>();
        EventTopic.inputs().forEach(t -> inputs.addAll(t.recordTypes()));
        assertThat(seen).isEqualTo(inputs);
        for (final SimEvent event : events) {
            assertThat(event.topic().carries(event.value().getClass())).isTrue();
        }
    }

    @Test
    void quizScoresFallWithTimeSinceTheLastReview() {
        final List<SimEvent> events = take(3, 300, 80_000);
        final Map<String, Instant> lastQuiz = new HashMap<>();
        final List<Double> soon = new ArrayList<>();
        final List<Double> late = new ArrayList<>();
        for (final SimEvent event : events) {
            if (event.value() instanceof ModuleQuizCompleted quiz) {
                final String key = quiz.getUserId() + "/" + quiz.getModule();
                final Instant previous = lastQuiz.put(key, quiz.getOccurredAt());
                if (previous != null) {
                    final Duration gap = Duration.between(previous, quiz.getOccurredAt());
                    if (gap.compareTo(Duration.ofDays(1)) < 0) {
                        soon.add(quiz.getScore());
                    } else if (gap.compareTo(Duration.ofDays(6)) > 0) {
                        late.add(quiz.getScore());
                    }
                }
            }
        }
        assertThat(soon).hasSizeGreaterThan(100);
        assertThat(late).hasSizeGreaterThan(100);
        assertThat(mean(late)).isLessThan(mean(soon) - 5);
    }

    @Test
    void strongerLearnersForgetMoreSlowly() {
        final LearnerModel weak = new LearnerModel("weak", 0.3, new Random(1));
        final LearnerModel strong = new LearnerModel("strong", 0.9, new Random(1));
        final Instant later = START.plus(Duration.ofDays(10));
        assertThat(strong.study("m", START).retrievability(later))
                .isGreaterThan(weak.study("m", START).retrievability(later));
        assertThat(weak.memories.get("m").retrievability(START)).isEqualTo(1.0);
    }

    @Test
    void harderQuestionsAreAnsweredCorrectlyLessOften() {
        final Map<String, int[]> byQuestion = new HashMap<>();
        for (final SimEvent event : take(5, 300, 150_000)) {
            if (event.value() instanceof AssessmentCompleted done) {
                assertThat(done.getCorrectAnswers()).isEqualTo((int) done.getAnswers().stream().filter(QuestionAnswer::getCorrect).count());
                for (final QuestionAnswer answer : done.getAnswers()) {
                    final int[] counts = byQuestion.computeIfAbsent(answer.getQuestionId().replaceAll(".*-q", "q"), q -> new int[2]);
                    counts[0] += answer.getCorrect() ? 1 : 0;
                    counts[1]++;
                }
            }
        }
        final double easiest = (double) byQuestion.get("q01")[0] / byQuestion.get("q01")[1];
        final double hardest = (double) byQuestion.get("q12")[0] / byQuestion.get("q12")[1];
        assertThat(byQuestion.get("q01")[1]).isGreaterThan(200);
        assertThat(easiest).isGreaterThan(hardest + 0.2);
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
