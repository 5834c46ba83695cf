package dev.learnstream.topology;

import static dev.learnstream.topology.TestEvents.T0;
import static dev.learnstream.topology.TestEvents.aHelpRequest;
import static dev.learnstream.topology.TestEvents.aQuiz;
import static dev.learnstream.topology.TestEvents.aSubmission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.learnstream.events.StruggleDetected;
import dev.learnstream.events.StruggleType;
import dev.learnstream.events.SubmissionOutcome;
import dev.learnstream.topics.EventTopic;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The struggle rules (MemorySettings.StruggleRules defaults: 30 min window, 3 failures, 3 syntax errors, 2 help requests). */
class StruggleDetectionTest {

    private final TopologyFixture fixture = new TopologyFixture("StruggleDetectionTest");
    private final TestOutputTopic<String, StruggleDetected> struggles =
            fixture.output(fixture.names.name(EventTopic.STRUGGLE_DETECTED));

    @AfterEach
    void close() {
        fixture.close();
    }

    private void submit(SubmissionOutcome outcome, int minute) {
        fixture.send(aSubmission(outcome).setOccurredAt(T0.plusSeconds(60L * minute)).build());
    }

    @Test
    void threeSyntaxErrorsWithinTheWindowAreOneSyntaxStruggle() {
        submit(SubmissionOutcome.SYNTAX_ERROR, 0);
        submit(SubmissionOutcome.SYNTAX_ERROR, 5);
        assertThat(struggles.isEmpty()).isTrue();
        submit(SubmissionOutcome.SYNTAX_ERROR, 10);
        // More errors inside the same window do not repeat the report.
        submit(SubmissionOutcome.SYNTAX_ERROR, 12);

        final List<KeyValue<String, StruggleDetected>> out = struggles.readKeyValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key).isEqualTo("u1");
        final StruggleDetected struggle = out.get(0).value;
        assertThat(struggle.getStruggleType()).isEqualTo(StruggleType.SYNTAX_ERROR);
        assertThat(struggle.getConcept()).isEqualTo("loops");
        assertThat(struggle.getConfidence()).isEqualTo(0.6);
        assertThat(struggle.getSuggestedAction()).isEqualTo("show_syntax_hint");
        assertThat(struggle.getExerciseId()).isEqualTo("ex-loops");
        assertThat(struggle.getModuleId()).isEqualTo("py-basics");
        assertThat(struggle.getOccurredAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(struggle.getEvidence()).contains("3 syntax error(s)");
    }

    @Test
    void errorsSpreadWiderThanTheWindowOrClearedByAPassAreNotAStruggle() {
        submit(SubmissionOutcome.TESTS_FAILED, 0);
        submit(SubmissionOutcome.RUNTIME_ERROR, 20);
        submit(SubmissionOutcome.TESTS_FAILED, 40);
        submit(SubmissionOutcome.PASSED, 45);
        submit(SubmissionOutcome.TESTS_FAILED, 50);
        submit(SubmissionOutcome.NOT_RUN, 51);
        submit(SubmissionOutcome.TESTS_FAILED, 55);
        assertThat(struggles.isEmpty()).isTrue();

        submit(SubmissionOutcome.RUNTIME_ERROR, 58);
        assertThat(struggles.readValuesToList()).extracting(StruggleDetected::getStruggleType,
                StruggleDetected::getSuggestedAction).containsExactly(
                org.assertj.core.groups.Tuple.tuple(StruggleType.LOGIC_ERROR, "review_worked_example"));
    }

    @Test
    void helpRequestsAloneAreHelpSeekingAndWithFailuresConceptConfusion() {
        fixture.send(aHelpRequest().build());
        fixture.send(aHelpRequest().setOccurredAt(T0.plusSeconds(60)).build());
        fixture.send(aHelpRequest().setUserId("u2").setExerciseId("ex-recursion").setConcept("recursion").build());
        submit(SubmissionOutcome.TESTS_FAILED, 40);
        fixture.send(aSubmission(SubmissionOutcome.TESTS_FAILED).setUserId("u2").setExerciseId("ex-recursion")
                .setConcept("recursion").setOccurredAt(T0.plusSeconds(120)).build());
        fixture.send(aSubmission(SubmissionOutcome.SYNTAX_ERROR).setUserId("u2").setExerciseId("ex-recursion")
                .setConcept("recursion").setOccurredAt(T0.plusSeconds(180)).build());

        final List<KeyValue<String, StruggleDetected>> out = struggles.readKeyValuesToList();
        assertThat(out).extracting(kv -> kv.key, kv -> kv.value.getStruggleType(), kv -> kv.value.getConcept(),
                kv -> kv.value.getConfidence()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u1", StruggleType.HELP_SEEKING, "loops", 0.6),
                org.assertj.core.groups.Tuple.tuple("u2", StruggleType.CONCEPT_CONFUSION, "recursion", 0.6));
    }

    @Test
    void quizzesGradedAgainOnAModuleAreRepeatedFailure() {
        fixture.send(aQuiz().setScore(40).build());
        // A pass (Hard is still a recall) clears the failures before it.
        fixture.send(aQuiz().setScore(75).setOccurredAt(T0.plusSeconds(300)).build());
        fixture.send(aQuiz().setScore(55).setOccurredAt(T0.plusSeconds(600)).build());
        fixture.send(aQuiz().setScore(60).setOccurredAt(T0.plusSeconds(900)).build());
        assertThat(struggles.isEmpty()).isTrue();
        fixture.send(aQuiz().setScore(30).setOccurredAt(T0.plusSeconds(1200)).build());

        final List<StruggleDetected> out = struggles.readValuesToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getStruggleType()).isEqualTo(StruggleType.REPEATED_FAILURE);
        assertThat(out.get(0).getModuleId()).isEqualTo("dsa-arrays");
        assertThat(out.get(0).getExerciseId()).isNull();
        assertThat(out.get(0).getSuggestedAction()).isEqualTo("revise_module");
    }
}
