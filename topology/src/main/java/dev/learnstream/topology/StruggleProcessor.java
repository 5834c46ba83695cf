package dev.learnstream.topology;

import dev.learnstream.events.CodeSubmitted;
import dev.learnstream.events.ExerciseCompleted;
import dev.learnstream.events.HelpRequested;
import dev.learnstream.events.ModuleQuizCompleted;
import dev.learnstream.events.StruggleDetected;
import dev.learnstream.events.StruggleType;
import dev.learnstream.events.SubmissionOutcome;
import dev.learnstream.memory.Grade;
import dev.learnstream.memory.GradeMapping;
import dev.learnstream.results.StruggleSignal;
import dev.learnstream.results.StruggleSignalKind;
import dev.learnstream.results.StruggleWindow;
import dev.learnstream.topics.Events;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Struggle detection (seed 004) per learner and subject (the exercise, else the module), with
 * the rules of {@link MemorySettings.StruggleRules}. The subject's recent failures and help
 * requests live in {@value StoreNames#STRUGGLE_SIGNALS} (only those inside the window, so the
 * value stays small); a pass clears the failures. Forwards StruggleDetected keyed by userId.
 */
final class StruggleProcessor implements ProcessorSupplier<String, SpecificRecord, String, StruggleDetected> {

    private final Map<String, ?> serdeConfig;
    private final MemorySettings.StruggleRules rules;
    private final GradeMapping grades;

    StruggleProcessor(Map<String, ?> serdeConfig, MemorySettings settings) {
        this.serdeConfig = serdeConfig;
        this.rules = settings.struggle();
        this.grades = settings.grades();
    }

    /** One event reduced to its struggle signal; kind null for a pass. */
    private record Observation(String subject, String exerciseId, String moduleId, String concept,
                               StruggleSignalKind kind) {
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(DecodedStore.persistent(StoreNames.STRUGGLE_SIGNALS, AvroSerdes.avro(serdeConfig, StruggleWindow.class), DecodedStore.Scans.NONE));
    }

    @Override
    public Processor<String, SpecificRecord, String, StruggleDetected> get() {
        return new Processor<>() {
            private ProcessorContext<String, StruggleDetected> context;
            private KeyValueStore<String, StruggleWindow> windows;

            @Override
            public void init(ProcessorContext<String, StruggleDetected> context) {
                this.context = context;
                this.windows = context.getStateStore(StoreNames.STRUGGLE_SIGNALS);
            }

            @Override
            public void process(Record<String, SpecificRecord> record) {
                final Observation observation = observe(record.value());
                if (observation == null) {
                    return;
                }
                final String user = Events.userId(record.value());
                final long at = Events.occurredAt(record.value()).toEpochMilli();
                final String key = Keys.of(user, observation.subject());
                final StruggleWindow window = windows.get(key);
                final List<StruggleSignal> signals = new ArrayList<>();
                long lastDetectedAt = 0;
                if (window != null) {
                    lastDetectedAt = window.getLastDetectedAt();
                    for (final StruggleSignal signal : window.getSignals()) {
                        if (at - signal.getAt() < rules.window().toMillis() && signal.getAt() <= at) {
                            signals.add(signal);
                        }
                    }
                }
                if (observation.kind() == null) {
                    signals.removeIf(signal -> signal.getKind() != StruggleSignalKind.HELP_REQUESTED);
                } else {
                    signals.add(new StruggleSignal(observation.kind(), at, observation.concept()));
                    final boolean reportedInWindow = lastDetectedAt > 0 && at - lastDetectedAt < rules.window().toMillis();
                    final StruggleDetected detected = reportedInWindow ? null : detect(user, observation, signals, at,
                            record.value());
                    if (detected != null) {
                        lastDetectedAt = at;
                        context.forward(new Record<>(user, detected, record.timestamp()));
                    }
                }
                if (signals.isEmpty() && (lastDetectedAt == 0 || at - lastDetectedAt >= rules.window().toMillis())) {
                    windows.delete(key);
                } else {
                    windows.put(key, new StruggleWindow(signals, lastDetectedAt));
                }
            }
        };
    }

    private Observation observe(SpecificRecord event) {
        if (event instanceof CodeSubmitted code) {
            if (code.getOutcome() == SubmissionOutcome.NOT_RUN) {
                // Saved but not run: says nothing about success.
                return null;
            }
            final StruggleSignalKind kind = switch (code.getOutcome()) {
                case SYNTAX_ERROR -> StruggleSignalKind.SYNTAX_ERROR;
                case RUNTIME_ERROR, TESTS_FAILED -> StruggleSignalKind.LOGIC_ERROR;
                default -> null;
            };
            return new Observation(code.getExerciseId(), code.getExerciseId(), code.getModuleId(), code.getConcept(), kind);
        }
        if (event instanceof ExerciseCompleted done) {
            return new Observation(done.getExerciseId(), done.getExerciseId(), done.getModuleId(), done.getConcept(),
                    done.getPassed() ? null : StruggleSignalKind.EXERCISE_FAILED);
        }
        if (event instanceof HelpRequested help) {
            final String subject = help.getExerciseId() != null ? help.getExerciseId()
                    : help.getModuleId() != null ? help.getModuleId() : help.getConcept();
            return subject == null ? null : new Observation(subject, help.getExerciseId(), help.getModuleId(),
                    help.getConcept(), StruggleSignalKind.HELP_REQUESTED);
        }
        if (event instanceof ModuleQuizCompleted quiz) {
            return new Observation(quiz.getModule(), null, quiz.getModule(), null,
                    grades.grade(quiz.getScore()) == Grade.AGAIN ? StruggleSignalKind.QUIZ_FAILED : null);
        }
        return null;
    }

    private StruggleDetected detect(String user, Observation observation, List<StruggleSignal> signals, long at,
                                    SpecificRecord event) {
        final Map<StruggleSignalKind, Integer> counts = new EnumMap<>(StruggleSignalKind.class);
        String concept = null;
        for (final StruggleSignal signal : signals) {
            counts.merge(signal.getKind(), 1, Integer::sum);
            if (signal.getConcept() != null) {
                concept = signal.getConcept();
            }
        }
        final int syntax = counts.getOrDefault(StruggleSignalKind.SYNTAX_ERROR, 0);
        final int logic = counts.getOrDefault(StruggleSignalKind.LOGIC_ERROR, 0)
                + counts.getOrDefault(StruggleSignalKind.EXERCISE_FAILED, 0);
        final int help = counts.getOrDefault(StruggleSignalKind.HELP_REQUESTED, 0);
        final int failures = signals.size() - help;
        final StruggleType type;
        final int evidence;
        final int threshold;
        if (syntax >= rules.syntaxErrors()) {
            type = StruggleType.SYNTAX_ERROR;
            evidence = syntax;
            threshold = rules.syntaxErrors();
        } else if (logic >= rules.failures()) {
            type = StruggleType.LOGIC_ERROR;
            evidence = logic;
            threshold = rules.failures();
        } else if (help >= 1 && failures >= Math.max(1, rules.failures() - 1)) {
            type = StruggleType.CONCEPT_CONFUSION;
            evidence = help + failures;
            threshold = 1 + Math.max(1, rules.failures() - 1);
        } else if (failures >= rules.failures()) {
            type = StruggleType.REPEATED_FAILURE;
            evidence = failures;
            threshold = rules.failures();
        } else if (help >= rules.helpRequests()) {
            type = StruggleType.HELP_SEEKING;
            evidence = help;
            threshold = rules.helpRequests();
        } else {
            return null;
        }
        final String subjectConcept = concept != null ? concept : observation.subject();
        final String action = switch (type) {
            case SYNTAX_ERROR -> "show_syntax_hint";
            case LOGIC_ERROR -> "review_worked_example";
            case CONCEPT_CONFUSION -> "explain_concept";
            case REPEATED_FAILURE -> "revise_module";
            case HELP_SEEKING -> "offer_tutor_session";
        };
        final String description = String.format(java.util.Locale.ROOT,
                "%d syntax error(s), %d failed attempt(s) in total, %d help request(s) on %s within %d min",
                syntax, failures, help, observation.subject(), rules.window().toMinutes());
        return StruggleDetected.newBuilder()
                .setEventId(UUID.nameUUIDFromBytes(Keys.of("struggle", user, observation.subject(), type.name(),
                        Long.toString(at)).getBytes(StandardCharsets.UTF_8)))
                .setUserId(user)
                .setOccurredAt(Instant.ofEpochMilli(at))
                .setCorrelationId(Events.correlationId(event))
                .setStruggleType(type)
                .setConcept(subjectConcept)
                .setConfidence(Math.min(0.95, 0.6 + 0.1 * (evidence - threshold)))
                .setSuggestedAction(action)
                .setExerciseId(observation.exerciseId())
                .setModuleId(observation.moduleId())
                .setEvidence(description)
                .build();
    }
}
