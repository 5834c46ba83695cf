package dev.learnstream.topology;

import dev.learnstream.events.AssessmentCompleted;
import dev.learnstream.events.CodeSubmitted;
import dev.learnstream.events.CourseCreated;
import dev.learnstream.events.DiagnosticQuizCompleted;
import dev.learnstream.events.HelpRequested;
import dev.learnstream.events.ModuleCompletion;
import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.events.QuestionAnswer;
import dev.learnstream.events.SubmissionOutcome;
import dev.learnstream.events.UserCompletedCourse;
import dev.learnstream.events.UserEnrolled;
import dev.learnstream.events.UserLogin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Event builders with valid defaults, so each test states only what matters to it. */
final class TestEvents {

    static final Instant T0 = Instant.parse("2025-03-10T09:00:00Z");

    private TestEvents() {
    }

    static ModuleQuizCompleted.Builder aQuiz() {
        return ModuleQuizCompleted.newBuilder().setEventId(UUID.randomUUID()).setUserId("u1").setOccurredAt(T0)
                .setDomain("dsa").setCourse("dsa-101").setModule("dsa-arrays").setScore(80).setTimeTakenSeconds(300);
    }

    static DiagnosticQuizCompleted.Builder aDiagnostic() {
        return DiagnosticQuizCompleted.newBuilder().setEventId(UUID.randomUUID()).setUserId("u1").setOccurredAt(T0)
                .setDomain("dsa").setScore(60).setTimeTakenSeconds(600);
    }

    static UserLogin.Builder aLogin() {
        return UserLogin.newBuilder().setEventId(UUID.randomUUID()).setUserId("u1").setOccurredAt(T0);
    }

    static CourseCreated.Builder aCourse() {
        return CourseCreated.newBuilder().setEventId(UUID.randomUUID()).setUserId("instructor-1").setOccurredAt(T0)
                .setCourseId("dsa-101").setTitle("DSA 101").setInstructorId("instructor-1").setCategory("dsa")
                .setModuleIds(List.of("dsa-arrays", "dsa-lists"));
    }

    static UserEnrolled.Builder anEnrollment() {
        return UserEnrolled.newBuilder().setEventId(UUID.randomUUID()).setUserId("u1").setOccurredAt(T0).setCourseId("dsa-101");
    }

    static ModuleCompletion.Builder aModuleCompletion() {
        return ModuleCompletion.newBuilder().setEventId(UUID.randomUUID()).setUserId("u1").setOccurredAt(T0)
                .setDomain("dsa").setCourse("dsa-101").setModule("dsa-arrays").setTimeSpentSeconds(1800);
    }

    static UserCompletedCourse.Builder aCourseCompletion() {
        return UserCompletedCourse.newBuilder().setEventId(UUID.randomUUID()).setUserId("u1").setOccurredAt(T0)
                .setCourseId("dsa-101").setFinalScore(90).setTimeSpentSeconds(7200);
    }

    static CodeSubmitted.Builder aSubmission(SubmissionOutcome outcome) {
        return CodeSubmitted.newBuilder().setEventId(UUID.randomUUID()).setUserId("u1").setOccurredAt(T0)
                .setExerciseId("ex-loops").setLanguage("python").setCode("for i in range(3): print(i)")
                .setOutcome(outcome).setConcept("loops").setModuleId("py-basics");
    }

    static HelpRequested.Builder aHelpRequest() {
        return HelpRequested.newBuilder().setEventId(UUID.randomUUID()).setUserId("u1").setOccurredAt(T0)
                .setExerciseId("ex-loops").setModuleId("py-basics").setConcept("loops");
    }

    /** An attempt answering the given questions right (true) or wrong (false), scored by share right. */
    static AssessmentCompleted.Builder anAttempt(String user, boolean... right) {
        final List<QuestionAnswer> answers = new ArrayList<>();
        int correct = 0;
        for (int i = 0; i < right.length; i++) {
            answers.add(QuestionAnswer.newBuilder().setQuestionId("q" + (i + 1)).setCorrect(right[i]).build());
            correct += right[i] ? 1 : 0;
        }
        return AssessmentCompleted.newBuilder().setEventId(UUID.randomUUID()).setUserId(user).setOccurredAt(T0)
                .setAssessmentId("dsa-101-final").setCourseId("dsa-101").setScore(100.0 * correct / right.length)
                .setTotalQuestions(right.length).setCorrectAnswers(correct).setTimeSpentSeconds(600).setAnswers(answers);
    }
}
