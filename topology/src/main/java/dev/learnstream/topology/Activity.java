package dev.learnstream.topology;

import dev.learnstream.events.AssessmentCompleted;
import dev.learnstream.events.AssessmentStarted;
import dev.learnstream.events.CodeSubmitted;
import dev.learnstream.events.CourseCreated;
import dev.learnstream.events.DiagnosticQuizCompleted;
import dev.learnstream.events.DomainSelected;
import dev.learnstream.events.ExerciseCompleted;
import dev.learnstream.events.ExerciseStarted;
import dev.learnstream.events.HelpRequested;
import dev.learnstream.events.ModuleCompleted;
import dev.learnstream.events.ModuleCompletion;
import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.events.UserCompletedCourse;
import dev.learnstream.events.UserCreated;
import dev.learnstream.events.UserEnrolled;
import dev.learnstream.events.UserLogin;
import dev.learnstream.topics.Events;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * One learner event reduced to what the learner analytics need: who, when, what kind, in which
 * domain / course / module, how long and with what score. Course and domain come from the event
 * when it carries them, else from the course catalog.
 */
record Activity(Kind kind, String userId, Instant at, String domain, String courseId, String moduleId,
                long seconds, Double score, SpecificRecord event) {

    enum Kind {
        USER_CREATED, LOGIN, DOMAIN_SELECTED, DIAGNOSTIC_QUIZ, MODULE_QUIZ, MODULE_COMPLETED, ENROLLED,
        COURSE_COMPLETED, ASSESSMENT_STARTED, ASSESSMENT_COMPLETED, EXERCISE_STARTED, EXERCISE_COMPLETED,
        HELP_REQUESTED, CODE_SUBMITTED;

        boolean isQuiz() {
            return this == DIAGNOSTIC_QUIZ || this == MODULE_QUIZ;
        }

        /** Work on a module: it has been started. */
        boolean touchesModule() {
            return this == MODULE_QUIZ || this == MODULE_COMPLETED || this == EXERCISE_STARTED
                    || this == EXERCISE_COMPLETED || this == HELP_REQUESTED || this == CODE_SUBMITTED;
        }
    }

    /** The activity of a learner event; null for events that are not a learner's (course lifecycle). */
    static Activity of(SpecificRecord event, CourseCatalogTopology.Lookup catalog) {
        final String user = Events.userId(event);
        final Instant at = Events.occurredAt(event);
        if (event instanceof ModuleQuizCompleted quiz) {
            return new Activity(Kind.MODULE_QUIZ, user, at, quiz.getDomain(), quiz.getCourse(), quiz.getModule(),
                    quiz.getTimeTakenSeconds(), quiz.getScore(), event);
        }
        if (event instanceof DiagnosticQuizCompleted quiz) {
            return new Activity(Kind.DIAGNOSTIC_QUIZ, user, at, quiz.getDomain(), null, null, quiz.getTimeTakenSeconds(),
                    quiz.getScore(), event);
        }
        if (event instanceof ModuleCompletion done) {
            return new Activity(Kind.MODULE_COMPLETED, user, at, done.getDomain(), done.getCourse(), done.getModule(),
                    done.getTimeSpentSeconds(), null, event);
        }
        if (event instanceof ModuleCompleted done) {
            return inCourse(Kind.MODULE_COMPLETED, user, at, done.getDomain(), done.getCourseId(), done.getModuleId(),
                    done.getTimeSpentSeconds(), null, event, catalog);
        }
        if (event instanceof UserEnrolled enrolled) {
            return inCourse(Kind.ENROLLED, user, at, null, enrolled.getCourseId(), null, 0, null, event, catalog);
        }
        if (event instanceof UserCompletedCourse done) {
            return inCourse(Kind.COURSE_COMPLETED, user, at, null, done.getCourseId(), null, 0, done.getFinalScore(),
                    event, catalog);
        }
        if (event instanceof AssessmentStarted started) {
            return inCourse(Kind.ASSESSMENT_STARTED, user, at, null, started.getCourseId(), null, 0, null, event, catalog);
        }
        if (event instanceof AssessmentCompleted done) {
            return inCourse(Kind.ASSESSMENT_COMPLETED, user, at, null, done.getCourseId(), null, done.getTimeSpentSeconds(),
                    done.getScore(), event, catalog);
        }
        if (event instanceof ExerciseStarted started) {
            return inModule(Kind.EXERCISE_STARTED, user, at, started.getModuleId(), 0, event, catalog);
        }
        if (event instanceof ExerciseCompleted done) {
            return inModule(Kind.EXERCISE_COMPLETED, user, at, done.getModuleId(), 0, event, catalog);
        }
        if (event instanceof HelpRequested help) {
            return inModule(Kind.HELP_REQUESTED, user, at, help.getModuleId(), 0, event, catalog);
        }
        if (event instanceof CodeSubmitted code) {
            return inModule(Kind.CODE_SUBMITTED, user, at, code.getModuleId(), 0, event, catalog);
        }
        if (event instanceof DomainSelected selected) {
            return new Activity(Kind.DOMAIN_SELECTED, user, at, selected.getDomain(), null, null, 0, null, event);
        }
        if (event instanceof UserLogin) {
            return new Activity(Kind.LOGIN, user, at, null, null, null, 0, null, event);
        }
        if (event instanceof UserCreated) {
            return new Activity(Kind.USER_CREATED, user, at, null, null, null, 0, null, event);
        }
        return null;
    }

    private static Activity inCourse(Kind kind, String user, Instant at, String domain, String courseId, String moduleId,
                                     long seconds, Double score, SpecificRecord event,
                                     CourseCatalogTopology.Lookup catalog) {
        String resolved = domain;
        if (resolved == null) {
            final CourseCreated course = catalog.course(courseId);
            resolved = course == null ? null : course.getCategory();
        }
        return new Activity(kind, user, at, resolved, courseId, moduleId, seconds, score, event);
    }

    private static Activity inModule(Kind kind, String user, Instant at, String moduleId, long seconds,
                                     SpecificRecord event, CourseCatalogTopology.Lookup catalog) {
        final CourseCreated course = catalog.courseOfModule(moduleId);
        return new Activity(kind, user, at, course == null ? null : course.getCategory(),
                course == null ? null : course.getCourseId(), moduleId, seconds, null, event);
    }
}
