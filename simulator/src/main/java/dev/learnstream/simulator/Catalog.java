package dev.learnstream.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the simulated platform teaches: domains, each with an introductory and an advanced course
 * of four modules; one exercise per module; one final assessment per course with questions of
 * graded difficulty.
 */
record Catalog(List<Course> courses) {

    private static final Map<String, List<String>> CONCEPTS = Map.of(
            "dsa", List.of("arrays", "linked-lists", "stacks-queues", "hashing", "trees", "graphs", "sorting",
                    "dynamic-programming"),
            "web", List.of("html", "css", "javascript", "dom", "http", "rest-apis", "auth", "performance"),
            "ml", List.of("linear-regression", "classification", "evaluation", "regularization", "trees-ensembles",
                    "neural-nets", "embeddings", "deployment"),
            "data", List.of("sql-basics", "joins", "aggregation", "indexes", "modelling", "etl", "streaming",
                    "warehousing"),
            "security", List.of("threat-modelling", "crypto-basics", "tls", "authn", "authz", "injection", "xss",
                    "incident-response"));

    static final List<String> DOMAINS = List.of("dsa", "web", "ml", "data", "security");
    static final int MODULES_PER_COURSE = 4;
    static final int QUESTIONS_PER_ASSESSMENT = 12;

    record Course(String domain, String id, int level, List<String> modules, String assessmentId,
                  List<Double> questionDifficulty) {

        String questionId(int index) {
            return String.format(java.util.Locale.ROOT, "%s-q%02d", assessmentId, index + 1);
        }

        static String exerciseId(String module) {
            return module + "-ex1";
        }

        String instructorId() {
            return "instructor-" + domain;
        }
    }

    static Catalog standard() {
        final List<Course> courses = new ArrayList<>();
        for (final String domain : DOMAINS) {
            final List<String> concepts = CONCEPTS.get(domain);
            for (int level = 0; level < 2; level++) {
                final String id = domain + (level == 0 ? "-101" : "-201");
                final List<String> modules = concepts.subList(level * MODULES_PER_COURSE, (level + 1) * MODULES_PER_COURSE)
                        .stream().map(concept -> domain + "-" + concept).toList();
                final List<Double> difficulty = new ArrayList<>();
                for (int q = 0; q < QUESTIONS_PER_ASSESSMENT; q++) {
                    // From easy (-1.5) to hard (+1.5), shifted up for the advanced course.
                    difficulty.add(-1.5 + 3.0 * q / (QUESTIONS_PER_ASSESSMENT - 1) + 0.5 * level);
                }
                courses.add(new Course(domain, id, level, modules, id + "-final", List.copyOf(difficulty)));
            }
        }
        return new Catalog(List.copyOf(courses));
    }

    Course course(String domain, int level) {
        return courses.stream().filter(c -> c.domain().equals(domain) && c.level() == level).findFirst().orElseThrow();
    }

    static String concept(String module) {
        return module.substring(module.indexOf('-') + 1);
    }
}
