package dev.learnstream.simulator;

import dev.learnstream.events.AssessmentCompleted;
import dev.learnstream.events.AssessmentStarted;
import dev.learnstream.events.CodeSubmitted;
import dev.learnstream.events.CourseCreated;
import dev.learnstream.events.CoursePublished;
import dev.learnstream.events.DiagnosticQuizCompleted;
import dev.learnstream.events.DomainSelected;
import dev.learnstream.events.ExerciseCompleted;
import dev.learnstream.events.ExerciseStarted;
import dev.learnstream.events.HelpRequested;
import dev.learnstream.events.ModuleCompleted;
import dev.learnstream.events.ModuleCompletion;
import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.events.Platform;
import dev.learnstream.events.QuestionAnswer;
import dev.learnstream.events.SubmissionOutcome;
import dev.learnstream.events.UserCompletedCourse;
import dev.learnstream.events.UserCreated;
import dev.learnstream.events.UserEnrolled;
import dev.learnstream.events.UserLogin;
import dev.learnstream.events.UserRole;
import dev.learnstream.topics.EventTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * A deterministic stream of learner events in event-time order: the same seed and start give the
 * same events. Learners act in sessions scheduled on a simulated clock; each session yields a
 * burst of events minutes apart, sessions are hours to days apart.
 */
public final class EventGenerator {

    private record Due(Instant at, int learner) {
    }

    private record Pending(SimEvent event, long sequence) {
    }

    private final Catalog catalog = Catalog.standard();
    private final Random random;
    private final List<LearnerModel> learners = new ArrayList<>();
    private final PriorityQueue<Due> schedule = new PriorityQueue<>(
            Comparator.comparing(Due::at).thenComparingInt(Due::learner));
    /** Generated events not yet handed out, in event-time order (ties in generation order). */
    private final PriorityQueue<Pending> pending = new PriorityQueue<>(
            Comparator.comparing((Pending p) -> p.event().time()).thenComparingLong(Pending::sequence));
    private long sequence;
    private Instant clock;

    public EventGenerator(long seed, int learnerCount, Instant start) {
        if (learnerCount < 1) {
            throw new IllegalArgumentException("learners must be at least 1, got " + learnerCount);
        }
        this.random = new Random(seed);
        this.clock = start;
        publishCatalog(start);
        for (int i = 0; i < learnerCount; i++) {
            learners.add(new LearnerModel(uuid().toString(), random));
            // Sign-ups are spread over the first day.
            schedule.add(new Due(start.plusSeconds(random.nextInt(86_400)), i));
        }
    }

    /**
     * The next event in event-time order. Sessions overlap, so an event is handed out only once no
     * session yet to run can produce an earlier one. The stream does not end: when the last
     * learner quits, a new one signs up.
     */
    public SimEvent next() {
        while (pending.isEmpty() || pending.peek().event().time().isAfter(schedule.peek().at())) {
            final Due due = schedule.poll();
            clock = due.at();
            final LearnerModel learner = learners.get(due.learner());
            final Instant end = session(learner);
            if (!learner.quit) {
                schedule.add(new Due(nextSession(learner, end), due.learner()));
            } else if (schedule.isEmpty()) {
                learners.add(new LearnerModel(uuid().toString(), random));
                schedule.add(new Due(end.plus(Duration.ofHours(1)), learners.size() - 1));
            }
        }
        return pending.poll().event();
    }

    /** Event time of the event {@link #next()} would return, without generating further. */
    public Instant peekTime() {
        return pending.isEmpty() ? schedule.peek().at() : pending.peek().event().time();
    }

    /** Learners signed up or scheduled to, including those who quit. */
    public int learnerCount() {
        return learners.size();
    }

    private void publishCatalog(Instant at) {
        for (final Catalog.Course course : catalog.courses()) {
            emit(EventTopic.COURSE_EVENTS, course.id(), CourseCreated.newBuilder().setEventId(uuid())
                    .setUserId(course.instructorId()).setOccurredAt(at).setCourseId(course.id())
                    .setTitle(course.id().toUpperCase(java.util.Locale.ROOT)).setInstructorId(course.instructorId())
                    .setCategory(course.domain()).setModuleIds(course.modules()).build(), at);
            emit(EventTopic.COURSE_EVENTS, course.id(), CoursePublished.newBuilder().setEventId(uuid())
                    .setUserId(course.instructorId()).setOccurredAt(at).setCourseId(course.id()).build(), at);
        }
    }

    private Instant session(LearnerModel learner) {
        learner.sessions++;
        Instant t = clock;
        final String sessionId = uuid().toString();
        if (!learner.created) {
            learner.created = true;
            emit(learner, UserCreated.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                    .setCorrelationId(sessionId).setRole(UserRole.STUDENT).setTimeZone(learner.timeZone).build(), t);
            t = t.plusSeconds(5);
        }
        emit(learner, UserLogin.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setSessionId(sessionId).setPlatform(Platform.values()[learner.platform])
                .setTimeZone(learner.timeZone).build(), t);
        t = t.plusSeconds(10 + random.nextInt(50));
        if (learner.domain == null) {
            t = chooseDomain(learner, t, sessionId, null);
        }
        final int activities = 1 + random.nextInt(3);
        for (int i = 0; i < activities; i++) {
            t = activity(learner, t, sessionId);
        }
        if (random.nextDouble() < learner.dropoutPropensity) {
            learner.quit = true;
        }
        return t;
    }

    private Instant chooseDomain(LearnerModel learner, Instant start, String sessionId, String previous) {
        Instant t = start;
        final List<String> options = new ArrayList<>(Catalog.DOMAINS);
        options.remove(previous);
        learner.domain = options.get(random.nextInt(options.size()));
        emit(learner, DomainSelected.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setDomain(learner.domain).setPreviousDomain(previous).build(), t);
        final int seconds = 300 + random.nextInt(600);
        t = t.plusSeconds(seconds);
        final double score = round1(LearnerModel.clamp(100 * learner.ability + random.nextGaussian() * 10, 0, 100));
        emit(learner, DiagnosticQuizCompleted.newBuilder().setEventId(uuid()).setUserId(learner.userId)
                .setOccurredAt(t).setCorrelationId(sessionId).setDomain(learner.domain).setScore(score)
                .setTimeTakenSeconds(seconds).setQuestionCount(20).build(), t);
        t = t.plusSeconds(30);
        return enroll(learner, catalog.course(learner.domain, 0), t, sessionId);
    }

    private Instant enroll(LearnerModel learner, Catalog.Course course, Instant t, String sessionId) {
        learner.course = course;
        learner.nextModule = 0;
        learner.assessmentAttempts = 0;
        emit(learner, UserEnrolled.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setCourseId(course.id()).build(), t);
        return t.plusSeconds(20);
    }

    private Instant activity(LearnerModel learner, Instant t, String sessionId) {
        final boolean canReview = !learner.memories.isEmpty();
        final boolean courseDone = learner.nextModule >= learner.course.modules().size();
        if (canReview && (courseDone ? random.nextDouble() < 0.5 : random.nextDouble() < 0.35)) {
            return review(learner, t, sessionId);
        }
        if (courseDone) {
            return assessment(learner, t, sessionId);
        }
        return study(learner, t, sessionId);
    }

    private Instant study(LearnerModel learner, Instant start, String sessionId) {
        Instant t = start;
        final Catalog.Course course = learner.course;
        final String module = course.modules().get(learner.nextModule);
        final String exercise = Catalog.Course.exerciseId(module);
        final String concept = Catalog.concept(module);
        emit(learner, ExerciseStarted.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setExerciseId(exercise).setModuleId(module).setConcept(concept).build(), t);
        final double pPass = 0.15 + 0.75 * learner.ability;
        int attempts = 0;
        boolean passed = false;
        while (!passed && attempts < 5) {
            attempts++;
            t = t.plusSeconds(60 + random.nextInt(400));
            passed = random.nextDouble() < pPass;
            final SubmissionOutcome outcome = passed ? SubmissionOutcome.PASSED
                    : List.of(SubmissionOutcome.SYNTAX_ERROR, SubmissionOutcome.RUNTIME_ERROR,
                    SubmissionOutcome.TESTS_FAILED).get(random.nextInt(3));
            emit(learner, CodeSubmitted.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                    .setCorrelationId(sessionId).setExerciseId(exercise).setLanguage("python")
                    .setCode("# attempt " + attempts + " at " + exercise).setOutcome(outcome).setConcept(concept)
                    .setModuleId(module).build(), t);
            if (!passed && attempts >= 2 && random.nextDouble() < 0.5) {
                t = t.plusSeconds(30);
                emit(learner, HelpRequested.newBuilder().setEventId(uuid()).setUserId(learner.userId)
                        .setOccurredAt(t).setCorrelationId(sessionId).setExerciseId(exercise).setModuleId(module)
                        .setConcept(concept).build(), t);
            }
        }
        final int exerciseSeconds = (int) Duration.between(start, t).toSeconds();
        emit(learner, ExerciseCompleted.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setExerciseId(exercise).setModuleId(module).setConcept(concept)
                .setDurationSeconds(exerciseSeconds).setAttempts(attempts).setPassed(passed).build(), t);
        if (!passed) {
            return t.plusSeconds(60);
        }
        final int studySeconds = exerciseSeconds + 600 + random.nextInt(1800);
        t = t.plusSeconds(120);
        emit(learner, ModuleCompletion.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setDomain(course.domain()).setCourse(course.id()).setModule(module)
                .setTimeSpentSeconds(studySeconds).build(), t);
        emit(learner, ModuleCompleted.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setCourseId(course.id()).setModuleId(module)
                .setTimeSpentSeconds(studySeconds).setDomain(course.domain()).build(), t);
        learner.nextModule++;
        final LearnerModel.Memory memory = learner.study(module, t);
        t = t.plusSeconds(60);
        return quiz(learner, module, memory, t, sessionId);
    }

    private Instant review(LearnerModel learner, Instant t, String sessionId) {
        final List<Map.Entry<String, LearnerModel.Memory>> studied = new ArrayList<>(learner.memories.entrySet());
        studied.sort(Map.Entry.comparingByKey());
        final Map.Entry<String, LearnerModel.Memory> pick = studied.get(random.nextInt(studied.size()));
        return quiz(learner, pick.getKey(), pick.getValue(), t, sessionId);
    }

    private Instant quiz(LearnerModel learner, String module, LearnerModel.Memory memory, Instant start, String sessionId) {
        final double score = learner.quizScore(memory, start, random);
        final int seconds = 120 + random.nextInt(600);
        final Instant t = start.plusSeconds(seconds);
        final String domain = module.substring(0, module.indexOf('-'));
        final String course = catalog.courses().stream().filter(c -> c.modules().contains(module)).findFirst()
                .orElseThrow().id();
        emit(learner, ModuleQuizCompleted.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setDomain(domain).setCourse(course).setModule(module).setScore(score)
                .setTimeTakenSeconds(seconds).setAttemptNumber(memory.reviews + 1).build(), t);
        learner.review(memory, score, t);
        return t.plusSeconds(30);
    }

    private Instant assessment(LearnerModel learner, Instant start, String sessionId) {
        final Catalog.Course course = learner.course;
        Instant t = start;
        emit(learner, AssessmentStarted.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setAssessmentId(course.assessmentId()).setCourseId(course.id()).build(), t);
        final List<QuestionAnswer> answers = new ArrayList<>();
        int correct = 0;
        int seconds = 0;
        for (int q = 0; q < course.questionDifficulty().size(); q++) {
            final boolean right = random.nextDouble() < learner.pCorrect(course.questionDifficulty().get(q));
            final int questionSeconds = 20 + random.nextInt(120);
            seconds += questionSeconds;
            correct += right ? 1 : 0;
            answers.add(QuestionAnswer.newBuilder().setQuestionId(course.questionId(q)).setCorrect(right)
                    .setTimeSpentSeconds(questionSeconds).setSelectedOption(String.valueOf((char) ('A' + random.nextInt(4))))
                    .build());
        }
        t = t.plusSeconds(seconds);
        final double score = round1(100.0 * correct / answers.size());
        learner.assessmentAttempts++;
        emit(learner, AssessmentCompleted.newBuilder().setEventId(uuid()).setUserId(learner.userId).setOccurredAt(t)
                .setCorrelationId(sessionId).setAssessmentId(course.assessmentId()).setCourseId(course.id())
                .setScore(score).setTotalQuestions(answers.size()).setCorrectAnswers(correct)
                .setTimeSpentSeconds(seconds).setPassingScore(70.0).setAnswers(answers).build(), t);
        t = t.plusSeconds(10);
        if (score >= 70.0 || learner.assessmentAttempts >= 3) {
            if (score >= 70.0) {
                emit(learner, UserCompletedCourse.newBuilder().setEventId(uuid()).setUserId(learner.userId)
                        .setOccurredAt(t).setCorrelationId(sessionId).setCourseId(course.id()).setFinalScore(score)
                        .setTimeSpentSeconds(seconds + 3600 * course.modules().size()).build(), t);
                t = t.plusSeconds(30);
            }
            return course.level() == 0 ? enroll(learner, catalog.course(course.domain(), 1), t, sessionId)
                    : chooseDomain(learner, t, sessionId, course.domain());
        }
        return t;
    }

    private Instant nextSession(LearnerModel learner, Instant sessionEnd) {
        // Exponential gaps, mean about a day; keener (abler) learners come back sooner.
        final double meanHours = 30.0 * (1.4 - learner.ability);
        final double hours = 1.0 - meanHours * Math.log(1.0 - random.nextDouble());
        return sessionEnd.plusSeconds((long) (hours * 3600));
    }

    private void emit(LearnerModel learner, SpecificRecord value, Instant time) {
        emit(EventTopic.of(value.getClass()), learner.userId, value, time);
    }

    private void emit(EventTopic topic, String key, SpecificRecord value, Instant time) {
        pending.add(new Pending(new SimEvent(topic, key, value, time), sequence++));
    }

    private UUID uuid() {
        // Version 4 layout, drawn from the seeded generator so runs repeat exactly.
        final long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        final long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
