package dev.learnstream.topology;

import dev.learnstream.results.QuizAnalytics;
import dev.learnstream.results.QuizType;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Quiz analytics per (user, domain, course, module, quiz type) in store
 * {@value StoreNames#QUIZ_ANALYTICS}, keyed {@code user␟domain␟course␟module␟type} on the user's own
 * partition (no repartition; queries route by userId). Rows are forwarded for
 * {@value ResultTopics#QUIZ_ANALYTICS} when the store's cache flushes ({@link FlushedRows}).
 */
final class QuizAnalyticsProcessor implements ProcessorSupplier<String, SpecificRecord, String, QuizAnalytics> {

    private final Map<String, ?> serdeConfig;

    QuizAnalyticsProcessor(Map<String, ?> serdeConfig) {
        this.serdeConfig = serdeConfig;
    }

    static String key(String user, String domain, String course, String module, QuizType type) {
        return Keys.of(user, domain, course, module, type.name());
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return StoreSets.ordered(DecodedStore.persistent(StoreNames.QUIZ_ANALYTICS, AvroSerdes.avro(serdeConfig, QuizAnalytics.class), DecodedStore.Scans.NONE));
    }

    @Override
    public Processor<String, SpecificRecord, String, QuizAnalytics> get() {
        return new Processor<>() {
            private ProcessorContext<String, QuizAnalytics> context;
            private KeyValueStore<String, QuizAnalytics> store;
            private CourseCatalogTopology.Lookup catalog;

            @Override
            public void init(ProcessorContext<String, QuizAnalytics> context) {
                this.context = context;
                this.store = context.getStateStore(StoreNames.QUIZ_ANALYTICS);
                FlushedRows.forward(store, context);
                this.catalog = new CourseCatalogTopology.Lookup(context.getStateStore(StoreNames.COURSE_CATALOG));
            }

            @Override
            public void process(Record<String, SpecificRecord> record) {
                final Activity activity = Activity.of(record.value(), catalog);
                if (activity == null || !activity.kind().isQuiz()) {
                    return;
                }
                final QuizType type = activity.kind() == Activity.Kind.MODULE_QUIZ ? QuizType.MODULE : QuizType.DIAGNOSTIC;
                final String course = type == QuizType.MODULE ? activity.courseId() : "";
                final String module = type == QuizType.MODULE ? activity.moduleId() : "";
                final String key = key(activity.userId(), activity.domain(), course, module, type);
                final QuizAnalytics before = store.get(key);
                final double score = activity.score();
                final QuizAnalytics after;
                if (before == null) {
                    after = new QuizAnalytics(activity.userId(), activity.domain(), course, module, type, 1L, score,
                            (double) activity.seconds(), score, score, activity.at());
                } else {
                    final long n = before.getAttemptCount() + 1;
                    final boolean latest = !activity.at().isBefore(before.getLastAttemptedAt());
                    after = new QuizAnalytics(activity.userId(), activity.domain(), course, module, type, n,
                            before.getAverageScore() + (score - before.getAverageScore()) / n,
                            before.getAverageTimeTakenSeconds() + (activity.seconds() - before.getAverageTimeTakenSeconds()) / n,
                            Math.max(before.getBestScore(), score),
                            latest ? score : before.getLastScore(),
                            latest ? activity.at() : before.getLastAttemptedAt());
                }
                store.put(key, after);
            }
        };
    }
}
