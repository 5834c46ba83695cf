package dev.learnstream.topology;

import dev.learnstream.events.RevisionRecommendation;
import dev.learnstream.events.Urgency;
import dev.learnstream.memory.Days;
import dev.learnstream.memory.Fsrs6;
import dev.learnstream.memory.Grade;
import dev.learnstream.memory.MemoryState;
import dev.learnstream.memory.Review;
import dev.learnstream.memory.WeightFitter;
import dev.learnstream.results.LearnerWeights;
import dev.learnstream.results.AtRiskLearner;
import dev.learnstream.results.MemoryScore;
import dev.learnstream.results.MemoryUrgency;
import dev.learnstream.results.RevisionSignal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The FSRS-6 memory of each (user, module) in {@value StoreNames#MEMORY_SCORES}, on the user's
 * partition.
 *
 * <ul>
 *   <li>A module completion is the first study of the module (grade Good); a module quiz is a
 *       review graded from its score. A quiz on a module never studied is its first review.</li>
 *   <li>A diagnostic quiz sets the learner's baseline for the domain
 *       ({@value StoreNames#MEMORY_BASELINES}): the first study of each of the domain's modules
 *       starts at the difficulty of the diagnostic's grade instead of the first grade's, because
 *       the diagnostic measures prior knowledge of the whole domain while the first study only says
 *       the module was worked through. Stability still starts from the first grade.</li>
 *   <li>A review older than the module's last review (late data) is applied as a same-day review:
 *       it is evidence of recall, but history is not rewritten.</li>
 * </ul>
 *
 * <p>Urgency crossings (recall below {@code mediumBelow}, then below {@code highBelow}) happen at
 * times known at the review, so they are indexed in {@value StoreNames#MEMORY_ALERTS} by time; a
 * wall-clock punctuator reads the index up to "now" ({@link EffectiveClock}), so each punctuation
 * touches only what is due, however many memories are stored. A review first announces the
 * crossings of its memory that are due by its own time, so a replay announces the same crossings
 * however fast it runs. Each crossing emits one RevisionRecommendation, one RevisionSignal and the
 * updated MemoryScore; the next review answers the open signals (reviewedAt).
 *
 * <p>Each learner's reviews are kept ({@value StoreNames#MEMORY_HISTORY}) and, with enough of them,
 * the learner's own FSRS-6 weights are fitted online ({@value StoreNames#LEARNER_WEIGHTS},
 * {@link MemorySettings.Personalization}); every memory of the learner is then re-derived with them.
 *
 * <p>The same index schedules at-risk re-checks (see {@link RiskScorer}): inactivity grows without
 * events, so the time at which it alone would cross the threshold is indexed too.
 *
 * <p>Forwards MemoryScore (user␟module), RevisionSignal (user␟module␟scheduledAt),
 * RevisionRecommendation (user) and AtRiskLearner (user␟course, on threshold crossings).
 */
final class MemoryProcessor implements ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> {

    static final String MEMORY_ALERT = "M";
    static final String RISK_CHECK = "R";
    /** Learners whose memories by course a task keeps in memory (about a kilobyte each). */
    static final int LEARNERS_INDEXED = 8192;

    private final Map<String, ?> serdeConfig;
    private final MemorySettings settings;
    private final Duration scanEvery;

    MemoryProcessor(Map<String, ?> serdeConfig, MemorySettings settings, Duration scanEvery) {
        this.serdeConfig = serdeConfig;
        this.settings = settings;
        this.scanEvery = scanEvery;
    }

    static String scoreKey(String user, String module) {
        return Keys.of(user, module);
    }

    static String signalKey(String user, String module, long scheduledAt) {
        return Keys.of(user, module, Keys.time(scheduledAt));
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return StoreSets.ordered(
                DecodedStore.persistent(StoreNames.MEMORY_SCORES, AvroSerdes.avro(serdeConfig, MemoryScore.class), DecodedStore.Scans.OFTEN),
                DecodedStore.persistent(StoreNames.MEMORY_ALERTS, Serdes.String(), DecodedStore.Scans.RARELY),
                DecodedStore.persistent(StoreNames.REVISION_SIGNALS, AvroSerdes.avro(serdeConfig, RevisionSignal.class), DecodedStore.Scans.NONE),
                DecodedStore.persistent(StoreNames.MEMORY_BASELINES, Serdes.Double(), DecodedStore.Scans.NONE),
                DecodedStore.persistent(StoreNames.AT_RISK, AvroSerdes.avro(serdeConfig, AtRiskLearner.class), DecodedStore.Scans.NONE),
                DecodedStore.persistent(StoreNames.MEMORY_HISTORY, Serdes.Integer(), DecodedStore.Scans.RARELY),
                DecodedStore.persistent(StoreNames.LEARNER_WEIGHTS, AvroSerdes.avro(serdeConfig, LearnerWeights.class), DecodedStore.Scans.NONE));
    }

    @Override
    public Processor<String, SpecificRecord, String, SpecificRecord> get() {
        return new Worker();
    }

    private final class Worker implements Processor<String, SpecificRecord, String, SpecificRecord> {
        private final MemorySettings.Personalization personal = settings.personal();
        private final WeightFitter fitter = new WeightFitter(personal.iterations(), personal.learningRate(),
                personal.prior());
        private final EffectiveClock clock = new EffectiveClock();
        /** The last learner whose FSRS was asked for, and that FSRS (see {@link #fsrsOf}). */
        private String cachedUser;
        private Fsrs6 cachedFsrs;
        private ProcessorContext<String, SpecificRecord> context;
        private KeyValueStore<String, MemoryScore> scores;
        private KeyValueStore<String, String> alerts;
        private KeyValueStore<String, RevisionSignal> signals;
        private KeyValueStore<String, Double> baselines;
        private KeyValueStore<String, Integer> history;
        private KeyValueStore<String, LearnerWeights> learnerWeights;
        private CourseCatalogTopology.Lookup catalog;
        private RiskScorer risk;
        /**
         * Per learner, the module ids of the learner's memories by course, so that counting a
         * course's fading memories (at nearly every review) reads that course's rows only, instead
         * of scanning and decoding all of the learner's memories from the store. Filled by one
         * scan when a learner is first asked for and kept current by {@link #review}, the only
         * place a memory is made or moves to another course. The least recently used learners are
         * dropped, and scanned again when next asked for.
         */
        private final Map<String, Map<String, List<String>>> modulesByCourse = new LruMap<>(LEARNERS_INDEXED);

        @Override
        public void init(ProcessorContext<String, SpecificRecord> context) {
            this.context = context;
            this.scores = context.getStateStore(StoreNames.MEMORY_SCORES);
            FlushedRows.forward(scores, context);
            this.alerts = context.getStateStore(StoreNames.MEMORY_ALERTS);
            this.signals = context.getStateStore(StoreNames.REVISION_SIGNALS);
            this.baselines = context.getStateStore(StoreNames.MEMORY_BASELINES);
            this.history = context.getStateStore(StoreNames.MEMORY_HISTORY);
            this.learnerWeights = context.getStateStore(StoreNames.LEARNER_WEIGHTS);
            this.catalog = new CourseCatalogTopology.Lookup(context.getStateStore(StoreNames.COURSE_CATALOG));
            // A revived task runs init again over stores restored afresh.
            modulesByCourse.clear();
            this.risk = new RiskScorer(settings, this::fsrsOf, context.getStateStore(StoreNames.AT_RISK), alerts,
                    this::memoriesOf, (key, row, time) -> context.forward(new Record<>(key, row, time)));
            context.schedule(scanEvery, PunctuationType.WALL_CLOCK_TIME, this::fireDue);
        }

        @Override
        public void process(Record<String, SpecificRecord> record) {
            clock.observe(record.timestamp(), context.currentSystemTimeMs());
            final Activity activity = Activity.of(record.value(), catalog);
            if (activity == null) {
                return;
            }
            final long time = activity.at().toEpochMilli();
            switch (activity.kind()) {
                case DIAGNOSTIC_QUIZ -> {
                    if (activity.domain() != null && activity.score() != null) {
                        baselines.put(Keys.of(activity.userId(), activity.domain()), activity.score());
                    }
                }
                case MODULE_COMPLETED -> {
                    if (activity.moduleId() != null
                            && scores.get(scoreKey(activity.userId(), activity.moduleId())) == null) {
                        review(activity, Grade.GOOD, null, time);
                    }
                }
                case MODULE_QUIZ -> {
                    if (activity.moduleId() != null && activity.score() != null) {
                        review(activity, settings.grades().grade(activity.score()), activity.score(), time);
                    }
                }
                default -> {
                    // Other events say nothing about memory; they may still be course activity.
                }
            }
            if (activity.courseId() != null && activity.kind() != Activity.Kind.ENROLLED) {
                final boolean memoryEvent = activity.kind() == Activity.Kind.MODULE_QUIZ
                        || activity.kind() == Activity.Kind.MODULE_COMPLETED;
                risk.activity(activity.userId(), activity.courseId(),
                        activity.kind() == Activity.Kind.MODULE_QUIZ ? activity.score() : null, memoryEvent, time);
            }
        }

        private void review(Activity activity, Grade grade, Double score, long time) {
            final String user = activity.userId();
            final String module = activity.moduleId();
            final String key = scoreKey(user, module);
            final MemoryScore stored = scores.get(key);
            final MemoryScore previous = stored == null ? null : crossedBefore(stored, time);
            final Fsrs6 fsrs = fsrsOf(user);
            final MemoryState state;
            final long reviewedAt;
            Grade baseline = null;
            boolean scored = false;
            if (previous == null) {
                final Double diagnostic = activity.domain() == null ? null
                        : baselines.get(Keys.of(user, activity.domain()));
                baseline = diagnostic == null ? null : settings.grades().grade(diagnostic);
                state = baseline == null ? fsrs.first(grade) : fsrs.first(grade, baseline);
                reviewedAt = time;
            } else {
                clearAlert(previous);
                final long last = previous.getLastReviewedAt().toEpochMilli();
                reviewedAt = Math.max(time, last);
                final long elapsed = Math.max(0, Days.between(last, time));
                scored = elapsed > 0;
                state = fsrs.next(new MemoryState(previous.getStability(), previous.getDifficulty()), elapsed, grade);
                answerSignals(previous, activity.at(), time);
            }
            final MemoryScore next = new MemoryScore();
            next.setUserId(user);
            next.setDomain(activity.domain() != null ? activity.domain() : previous != null ? previous.getDomain() : "");
            next.setCourseId(activity.courseId() != null ? activity.courseId()
                    : previous != null ? previous.getCourseId() : "");
            next.setModuleId(module);
            next.setStability(state.stability());
            next.setDifficulty(state.difficulty());
            next.setReps(previous == null ? 1 : previous.getReps() + 1);
            next.setLapses(previous == null ? 0 : previous.getLapses() + (grade == Grade.AGAIN ? 1 : 0));
            next.setLastScore(score != null ? score : previous != null ? previous.getLastScore() : null);
            next.setLastReviewedAt(Instant.ofEpochMilli(reviewedAt));
            next.setNextReviewAt(Instant.ofEpochMilli(reviewedAt + days(fsrs.interval(state.stability(),
                    settings.desiredRetention()))));
            next.setDecayFactor(fsrs.weights()[Fsrs6.WEIGHT_COUNT - 1]);
            next.setAlertedUrgency(MemoryUrgency.LOW);
            next.setOpenSignals(new ArrayList<>());
            score(next, time);
            scores.put(key, next);
            if (previous == null || !previous.getCourseId().equals(next.getCourseId())) {
                indexCourse(user, module, previous == null ? null : previous.getCourseId(), next.getCourseId());
            }
            scheduleAlert(next);
            learn(user, module, reviewedAt, grade, baseline, scored, time);
        }

        /**
         * Announces the crossings of a memory that are due by {@code time}, before a review at that
         * time changes it, each at its own crossing time. In a replay, event time runs far ahead of
         * the wall-clock punctuator: without this, a crossing that happened between two reviews
         * would be announced or not depending on how fast the replay ran.
         */
        private MemoryScore crossedBefore(MemoryScore memory, long time) {
            MemoryScore current = memory;
            // Each crossing raises the announced urgency, so there are at most as many as urgencies.
            int left = MemoryUrgency.values().length;
            for (long at = nextAlertAt(current); at >= 0 && at <= time && left-- > 0; at = nextAlertAt(current)) {
                clearAlert(current);
                cross(current.getUserId(), current.getModuleId(), at);
                current = scores.get(scoreKey(current.getUserId(), current.getModuleId()));
            }
            return current;
        }

        /**
         * The learner's FSRS-6: own weights once fitted, the configured ones before. The last
         * learner's is kept, as one event asks for it several times; only {@link #learn} changes it.
         */
        private Fsrs6 fsrsOf(String user) {
            if (user.equals(cachedUser)) {
                return cachedFsrs;
            }
            final LearnerWeights own = personal.enabled() ? learnerWeights.get(user) : null;
            cachedFsrs = own == null || own.getWeights().isEmpty() ? settings.fsrs()
                    : new Fsrs6(own.getWeights().stream().mapToDouble(Double::doubleValue).toArray());
            cachedUser = user;
            return cachedFsrs;
        }


        /** Records the review in the learner's history and refits the learner's weights when due. */
        private void learn(String user, String module, long reviewedAt, Grade grade, Grade baseline, boolean scored,
                           long time) {
            if (!personal.enabled()) {
                return;
            }
            history.put(Keys.of(user, Keys.time(reviewedAt), module),
                    grade.value() + 10 * (baseline == null ? 0 : baseline.value()));
            if (!scored) {
                return;
            }
            LearnerWeights own = learnerWeights.get(user);
            if (own == null) {
                own = new LearnerWeights(new ArrayList<>(), 0, 0, 0, null);
            }
            own.setScored(own.getScored() + 1);
            final boolean due = own.getScored() >= personal.minimumScored()
                    && own.getScored() >= own.getScoredAtFit() * (1 + personal.growth());
            if (!due) {
                learnerWeights.put(user, own);
                return;
            }
            final Fsrs6 before = fsrsOf(user);
            final List<Review> reviews = reviewsOf(user);
            final double[] fitted = fitter.fit(new WeightFitter.Series(reviews), before.weights(),
                    settings.fsrs().weights());
            final List<Double> weights = new ArrayList<>(fitted.length);
            for (final double weight : fitted) {
                weights.add(weight);
            }
            own.setWeights(weights);
            own.setScoredAtFit(own.getScored());
            own.setFits(own.getFits() + 1);
            own.setFittedAt(Instant.ofEpochMilli(time));
            learnerWeights.put(user, own);
            cachedUser = null;
            rederive(user, reviews, before, new Fsrs6(fitted), time);
        }

        private List<Review> reviewsOf(String user) {
            final List<Review> reviews = new ArrayList<>();
            for (final KeyValue<String, Integer> row : StoreScans.list(
                    history.prefixScan(Keys.prefix(user), new StringSerializer()))) {
                final String[] parts = Keys.split(row.key);
                final int baseline = row.value / 10;
                reviews.add(new Review(parts[2], Long.parseLong(parts[1]), Grade.of(row.value % 10),
                        baseline == 0 ? null : Grade.of(baseline)));
            }
            return reviews;
        }

        /** Replays the learner's reviews with new weights and updates every memory (and its alert). */
        private void rederive(String user, List<Review> reviews, Fsrs6 before, Fsrs6 after, long time) {
            final Map<String, MemoryState> states = new LinkedHashMap<>();
            final Map<String, Long> lastAt = new HashMap<>();
            for (final Review review : reviews) {
                final MemoryState state = states.get(review.key());
                states.put(review.key(), state == null
                        ? review.baseline() == null ? after.first(review.grade()) : after.first(review.grade(),
                                review.baseline())
                        : after.next(state, Days.between(lastAt.get(review.key()), review.at()), review.grade()));
                lastAt.put(review.key(), review.at());
            }
            for (final Map.Entry<String, MemoryState> entry : states.entrySet()) {
                final String key = scoreKey(user, entry.getKey());
                final MemoryScore memory = scores.get(key);
                if (memory == null) {
                    continue;
                }
                clearAlert(memory, before);
                memory.setStability(entry.getValue().stability());
                memory.setDifficulty(entry.getValue().difficulty());
                memory.setNextReviewAt(Instant.ofEpochMilli(memory.getLastReviewedAt().toEpochMilli()
                        + days(after.interval(entry.getValue().stability(), settings.desiredRetention()))));
                memory.setDecayFactor(after.weights()[Fsrs6.WEIGHT_COUNT - 1]);
                score(memory, time);
                scores.put(key, memory);
                scheduleAlert(memory);
            }
        }

        /** Scores a memory as of {@code now}. */
        private void score(MemoryScore memory, long now) {
            final double r = retrievability(memory, now);
            memory.setRetrievability(r);
            memory.setCurrentScore(100 * r);
            memory.setForgettingScore(100 * (1 - r));
            memory.setRevisionUrgency(urgency(r));
            memory.setComputedAt(Instant.ofEpochMilli(now));
        }

        private double retrievability(MemoryScore memory, long now) {
            return fsrsOf(memory.getUserId()).retrievability(Days.fractional(memory.getLastReviewedAt().toEpochMilli(), now),
                    memory.getStability());
        }

        private MemoryUrgency urgency(double r) {
            return r < settings.highBelow() ? MemoryUrgency.HIGH
                    : r < settings.mediumBelow() ? MemoryUrgency.MEDIUM : MemoryUrgency.LOW;
        }

        /** When the memory crosses into the urgency after the one already announced; -1 if none is left. */
        private long nextAlertAt(MemoryScore memory) {
            return nextAlertAt(memory, fsrsOf(memory.getUserId()));
        }

        private long nextAlertAt(MemoryScore memory, Fsrs6 fsrs) {
            final double threshold = switch (memory.getAlertedUrgency()) {
                case LOW -> settings.mediumBelow();
                case MEDIUM -> settings.highBelow();
                case HIGH -> Double.NaN;
            };
            if (Double.isNaN(threshold)) {
                return -1;
            }
            return memory.getLastReviewedAt().toEpochMilli() + days(fsrs.interval(memory.getStability(), threshold));
        }

        private void scheduleAlert(MemoryScore memory) {
            final long at = nextAlertAt(memory);
            if (at >= 0) {
                alerts.put(Keys.of(Keys.time(at), MEMORY_ALERT, memory.getUserId(), memory.getModuleId()), "");
            }
        }

        private void clearAlert(MemoryScore memory) {
            clearAlert(memory, fsrsOf(memory.getUserId()));
        }

        /** Removes the memory's pending alert, as scheduled with {@code fsrs}. */
        private void clearAlert(MemoryScore memory, Fsrs6 fsrs) {
            final long at = nextAlertAt(memory, fsrs);
            if (at >= 0) {
                alerts.delete(Keys.of(Keys.time(at), MEMORY_ALERT, memory.getUserId(), memory.getModuleId()));
            }
        }

        private void answerSignals(MemoryScore previous, Instant reviewedAt, long time) {
            for (final Instant scheduledAt : previous.getOpenSignals()) {
                final String key = signalKey(previous.getUserId(), previous.getModuleId(), scheduledAt.toEpochMilli());
                final RevisionSignal signal = signals.get(key);
                if (signal != null && signal.getReviewedAt() == null) {
                    signal.setReviewedAt(reviewedAt);
                    signals.put(key, signal);
                    context.forward(new Record<>(key, signal, time));
                }
            }
        }

        private void fireDue(long wallNow) {
            final long now = clock.now(wallNow);
            if (now == EffectiveClock.UNKNOWN) {
                // Nothing processed since start: the wall clock alone would fire every alert of an old replay.
                return;
            }
            for (final KeyValue<String, String> due : StoreScans.list(alerts.range("", Keys.of(Keys.time(now + 1))))) {
                alerts.delete(due.key);
                final String[] parts = Keys.split(due.key);
                if (MEMORY_ALERT.equals(parts[1])) {
                    cross(parts[2], parts[3], now);
                } else if (RISK_CHECK.equals(parts[1])) {
                    risk.recheck(parts[2], parts[3], now);
                }
            }
        }

        /** A memory's recall fell below an urgency threshold: announce it once. */
        private void cross(String user, String module, long now) {
            final String key = scoreKey(user, module);
            final MemoryScore memory = scores.get(key);
            if (memory == null) {
                return;
            }
            final long crossedAt = nextAlertAt(memory);
            if (crossedAt < 0 || crossedAt > now) {
                // A stale index entry (the memory was reviewed since): its current alert is indexed separately.
                return;
            }
            score(memory, now);
            final MemoryUrgency urgency = memory.getRevisionUrgency().ordinal() > memory.getAlertedUrgency().ordinal()
                    ? memory.getRevisionUrgency() : MemoryUrgency.values()[memory.getAlertedUrgency().ordinal() + 1];
            memory.setAlertedUrgency(urgency);
            final RevisionSignal signal = new RevisionSignal(user, memory.getDomain(), module, urgency,
                    Instant.ofEpochMilli(crossedAt), null, Instant.ofEpochMilli(now));
            final String signalKey = signalKey(user, module, crossedAt);
            signals.put(signalKey, signal);
            final List<Instant> open = new ArrayList<>(memory.getOpenSignals());
            open.add(Instant.ofEpochMilli(crossedAt));
            memory.setOpenSignals(open);
            scores.put(key, memory);
            scheduleAlert(memory);
            context.forward(new Record<>(signalKey, signal, now));
            context.forward(new Record<>(user, recommendation(memory, urgency, crossedAt, now), now));
            if (!memory.getCourseId().isEmpty()) {
                risk.recheck(user, memory.getCourseId(), now);
                // The signal counts as missed once its grace has passed, with or without events then.
                risk.scheduleCheck(user, memory.getCourseId(),
                        crossedAt + settings.risk().revisionGrace().toMillis() + 1);
            }
        }

        private RevisionRecommendation recommendation(MemoryScore memory, MemoryUrgency urgency, long crossedAt,
                                                      long now) {
            // The id is derived from what the recommendation is about, so a replay produces the same
            // ids and consumers can drop duplicates.
            final UUID id = UUID.nameUUIDFromBytes(Keys.of("revision", memory.getUserId(), memory.getModuleId(),
                    Long.toString(memory.getLastReviewedAt().toEpochMilli()), urgency.name())
                    .getBytes(StandardCharsets.UTF_8));
            return RevisionRecommendation.newBuilder()
                    .setEventId(id)
                    .setUserId(memory.getUserId())
                    .setOccurredAt(Instant.ofEpochMilli(Math.max(crossedAt, now)))
                    .setDomain(memory.getDomain())
                    .setModule(memory.getModuleId())
                    .setUrgency(Urgency.valueOf(urgency.name()))
                    .setRetrievability(memory.getRetrievability())
                    .setForgettingScore(memory.getForgettingScore())
                    .setStability(memory.getStability())
                    .setDifficulty(memory.getDifficulty())
                    .setLastReviewedAt(memory.getLastReviewedAt())
                    .setNextReviewAt(memory.getNextReviewAt())
                    .build();
        }

        /** The learner's memories of a course's modules. */
        private List<MemoryScore> memoriesOf(String user, String courseId) {
            final Map<String, List<String>> courses = modulesByCourse.get(user);
            final List<MemoryScore> memories = new ArrayList<>();
            if (courses == null) {
                final Map<String, List<String>> found = new HashMap<>();
                for (final KeyValue<String, MemoryScore> row : StoreScans.list(
                        scores.prefixScan(Keys.prefix(user), new StringSerializer()))) {
                    found.computeIfAbsent(row.value.getCourseId(), course -> new ArrayList<>(4))
                            .add(row.value.getModuleId());
                    if (courseId.equals(row.value.getCourseId())) {
                        memories.add(row.value);
                    }
                }
                modulesByCourse.put(user, found);
                return memories;
            }
            for (final String module : courses.getOrDefault(courseId, List.of())) {
                final MemoryScore memory = scores.get(scoreKey(user, module));
                if (memory != null && courseId.equals(memory.getCourseId())) {
                    memories.add(memory);
                }
            }
            return memories;
        }

        /** A memory was made ({@code from} null) or moved to another course: updates an indexed learner. */
        private void indexCourse(String user, String module, String from, String to) {
            final Map<String, List<String>> courses = modulesByCourse.get(user);
            if (courses == null) {
                return;
            }
            if (from != null) {
                final List<String> modules = courses.get(from);
                if (modules != null) {
                    modules.remove(module);
                }
            }
            courses.computeIfAbsent(to, course -> new ArrayList<>(4)).add(module);
        }
    }

    static long days(double days) {
        return Math.round(Math.min(days, 36500.0) * 86_400_000.0);
    }
}
