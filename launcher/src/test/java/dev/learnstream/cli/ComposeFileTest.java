package dev.learnstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so docker-compose.yml is checked without one: Debian's
 * docker-compose validates it ({@code config -q}), and this test checks what that cannot — the
 * services the stack needs, healthchecks behind every service_healthy, files and ports that
 * exist, Prometheus targets that match the services, settings our processes actually read.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode compose() throws IOException {
        return YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        final boolean required = "1".equals(System.getenv("LEARNSTREAM_REQUIRE_DOCKER_COMPOSE"));
        final Path binary = Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, "docker-compose"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (binary == null) {
            assertThat(required).as("docker-compose is not installed, and LEARNSTREAM_REQUIRE_DOCKER_COMPOSE=1").isFalse();
            System.out.println("docker-compose not installed: only the structural checks ran");
            return;
        }
        final Process process = new ProcessBuilder(binary.toString(), "--profile", "simulator", "config", "-q")
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("docker-compose config: %s", output).isZero();
    }

    @Test
    void theStackHasEveryPartWithTheImagesAsked() throws IOException {
        final JsonNode services = compose().path("services");
        assertThat(names(services)).contains("kafka", "schema-registry", "postgres", "grafana", "prometheus",
                "learnstream-1", "learnstream-2", "sink", "simulator");
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:4.3.1");
        assertThat(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText())
                .as("KRaft: the broker is its own controller").isEqualTo("broker,controller");
        assertThat(services.path("schema-registry").path("image").asText()).startsWith("confluentinc/cp-schema-registry:");
        assertThat(services.path("simulator").path("profiles")).extracting(JsonNode::asText).containsExactly("simulator");
        for (final String app : List.of("learnstream-1", "learnstream-2", "sink", "simulator")) {
            assertThat(services.path(app).path("image").asText()).as(app).isEqualTo("learnstream:latest");
        }
        assertThat(services.path("learnstream-1").path("build").asText()).isEqualTo(".");
        assertThat(ROOT.resolve("Dockerfile")).isRegularFile();
        assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("dev.learnstream.cli.Main");
    }

    @Test
    void everyDependencyExistsAndEveryHealthyConditionHasAHealthcheck() throws IOException {
        final JsonNode services = compose().path("services");
        for (final String name : names(services)) {
            final JsonNode service = services.path(name);
            if (!name.equals("simulator")) {
                assertThat(service.has("healthcheck")).as(name + " has a healthcheck").isTrue();
            }
            for (final Iterator<Map.Entry<String, JsonNode>> it = service.path("depends_on").fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> dependency = it.next();
                assertThat(services.has(dependency.getKey())).as(name + " depends on " + dependency.getKey()).isTrue();
                final String condition = dependency.getValue().path("condition").asText();
                assertThat(condition).as(name + " → " + dependency.getKey()).isIn("service_healthy", "service_started");
                if (condition.equals("service_healthy")) {
                    assertThat(services.path(dependency.getKey()).has("healthcheck"))
                            .as(dependency.getKey() + " needs a healthcheck for " + name).isTrue();
                }
            }
        }
    }

    @Test
    void mountedFilesExistAndPublishedPortsAreDistinct() throws IOException {
        final JsonNode services = compose().path("services");
        final Set<String> published = new HashSet<>();
        for (final String name : names(services)) {
            for (final JsonNode volume : services.path(name).path("volumes")) {
                final String source = volume.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(ROOT.resolve(source)).as(name + " mounts " + source).exists();
                } else {
                    assertThat(compose().path("volumes").has(source)).as(name + " uses named volume " + source).isTrue();
                }
            }
            for (final JsonNode port : services.path(name).path("ports")) {
                final String host = port.asText().split(":")[0];
                assertThat(published.add(host)).as("host port " + host + " published twice").isTrue();
            }
        }
        assertThat(ROOT.resolve("grafana/provisioning/datasources")).isDirectory();
        assertThat(ROOT.resolve("grafana/provisioning/dashboards")).isDirectory();
        try (Stream<Path> dashboards = Files.list(ROOT.resolve("grafana/dashboards"))) {
            assertThat(dashboards.filter(p -> p.toString().endsWith(".json")).count()).isGreaterThanOrEqualTo(5);
        }
        final String home = services.path("grafana").path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
        assertThat(ROOT.resolve("grafana/dashboards").resolve(Path.of(home).getFileName())).isRegularFile();
    }

    @Test
    void prometheusScrapesTheServicesAndTheSinkWhereTheyListen() throws IOException {
        final JsonNode services = compose().path("services");
        final JsonNode prometheus = YAML.readTree(ROOT.resolve("prometheus/prometheus.yml").toFile());
        final List<String> targets = new ArrayList<>();
        prometheus.path("scrape_configs").forEach(job -> job.path("static_configs")
                .forEach(config -> config.path("targets").forEach(target -> targets.add(target.asText()))));
        assertThat(targets).containsExactlyInAnyOrder("learnstream-1:8080", "learnstream-2:8080", "sink:9404");
        for (final String target : targets) {
            final String[] hostPort = target.split(":");
            final JsonNode env = services.path(hostPort[0]).path("environment");
            final String port = env.has("LEARNSTREAM_HTTP_PORT") ? env.path("LEARNSTREAM_HTTP_PORT").asText()
                    : env.path("LEARNSTREAM_SINK_HTTP_PORT").asText();
            assertThat(port).as(target + " is where " + hostPort[0] + " listens").isEqualTo(hostPort[1]);
        }
    }

    @Test
    void prometheusLoadsTheAlertRulesAndPromtoolAcceptsThem() throws Exception {
        final JsonNode prometheus = YAML.readTree(ROOT.resolve("prometheus/prometheus.yml").toFile());
        final List<String> mounts = new ArrayList<>();
        compose().path("services").path("prometheus").path("volumes").forEach(volume -> mounts.add(volume.asText()));
        assertThat(prometheus.path("rule_files")).hasSize(1);
        final String ruleFile = prometheus.path("rule_files").get(0).asText();
        assertThat(mounts).as("the rule file is mounted where prometheus.yml looks for it")
                .contains("./prometheus/alerts.yml:" + ruleFile + ":ro");
        final List<String> jobs = new ArrayList<>();
        prometheus.path("scrape_configs").forEach(job -> jobs.add(job.path("job_name").asText()));
        final List<JsonNode> rules = alertRules();
        assertThat(rules).extracting(rule -> rule.path("alert").asText()).contains("LearnStreamInstanceDown",
                "LearnStreamProcessingLag", "LearnStreamApiSlow", "LearnStreamApiErrors", "LearnStreamDeadLetters");
        for (final JsonNode rule : rules) {
            assertThat(rule.path("labels").path("severity").asText()).as(rule.path("alert").asText())
                    .isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(rule.path("alert").asText()).isNotBlank();
        }
        final String down = rules.stream().filter(rule -> rule.path("alert").asText().equals("LearnStreamInstanceDown"))
                .findFirst().orElseThrow().path("expr").asText();
        final Matcher jobRegex = Pattern.compile("job=~\"([^\"]+)\"").matcher(down);
        assertThat(jobRegex.find()).isTrue();
        assertThat(jobs).as("every scrape job is watched").allMatch(job -> job.matches(jobRegex.group(1)));

        // promtool (Debian's prometheus package) parses every expression, when it is installed.
        final Path promtool = Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, "promtool"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (promtool == null) {
            assertThat("1".equals(System.getenv("LEARNSTREAM_REQUIRE_PROMTOOL")))
                    .as("promtool is not installed, and LEARNSTREAM_REQUIRE_PROMTOOL=1").isFalse();
            System.out.println("promtool not installed: the alert expressions were not parsed");
            return;
        }
        assertThat(promtool(promtool, "check", "rules", "prometheus/alerts.yml")).contains(rules.size() + " rules found");
        // And the rules fire, and stay quiet, as prometheus/alerts-test.yml says on synthetic series.
        assertThat(promtool(promtool, "test", "rules", "prometheus/alerts-test.yml")).contains("SUCCESS");
    }

    /** Runs promtool in the repository's root; its output, after asserting it succeeded. */
    private static String promtool(Path promtool, String... args) throws Exception {
        final List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("promtool %s: %s", String.join(" ", args), output).isZero();
        return output;
    }

    /** The alerting rules of prometheus/alerts.yml, every group's. */
    static List<JsonNode> alertRules() throws IOException {
        final List<JsonNode> rules = new ArrayList<>();
        YAML.readTree(ROOT.resolve("prometheus/alerts.yml").toFile()).path("groups")
                .forEach(group -> group.path("rules").forEach(rules::add));
        return rules;
    }

    /**
     * The metric names the alert expressions read, for a check against a real /metrics page:
     * identifiers outside label matchers, less PromQL's own words and the labels grouped by.
     * {@code up} is Prometheus' own.
     */
    static Set<String> alertMetricNames() throws IOException {
        final Set<String> promql = Set.of("sum", "rate", "max", "by", "histogram_quantile", "increase", "le", "route",
                "instance", "up");
        final Set<String> names = new java.util.TreeSet<>();
        for (final JsonNode rule : alertRules()) {
            final String expr = rule.path("expr").asText().replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^\\]]*\\]", " ");
            final Matcher word = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*").matcher(expr);
            while (word.find()) {
                if (!promql.contains(word.group())) {
                    names.add(word.group());
                }
            }
        }
        return names;
    }

    @Test
    void theAppsAreGivenOnlySettingsTheyReadAndCommandsThatExist() throws IOException {
        final Set<String> known = knownSettings();
        final JsonNode services = compose().path("services");
        for (final String app : List.of("learnstream-1", "learnstream-2", "sink")) {
            for (final Iterator<String> it = services.path(app).path("environment").fieldNames(); it.hasNext(); ) {
                final String name = it.next();
                if (name.startsWith("LEARNSTREAM_") || name.equals("SCHEMA_REGISTRY_URL")) {
                    assertThat(known).as(app + " sets " + name).contains(name);
                }
            }
            assertThat(services.path(app).path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
        }
        for (final String app : List.of("learnstream-1", "learnstream-2", "sink", "simulator")) {
            final String command = services.path(app).path("command").get(0).asText();
            assertThat(Main.USAGE).as(app + " runs './learnstream " + command + "'").containsPattern("\\n  " + command + " ");
        }
        // Grafana's provisioning reads ${VARS}: the grafana service must set every one of them.
        final String datasources = Files.readString(ROOT.resolve("grafana/provisioning/datasources/learnstream.yaml"));
        final Matcher variable = Pattern.compile("\\$\\{([A-Z_]+)}").matcher(datasources);
        while (variable.find()) {
            assertThat(services.path("grafana").path("environment").has(variable.group(1)))
                    .as("grafana sets " + variable.group(1)).isTrue();
        }
    }

    /** Every LEARNSTREAM_* (and registry) setting named in the sources of our processes. */
    private static Set<String> knownSettings() throws IOException {
        final Set<String> names = new HashSet<>(Set.of("SCHEMA_REGISTRY_URL"));
        final Pattern literal = Pattern.compile("\"(LEARNSTREAM_[A-Z_]+[A-Z])\"");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (final Path file : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/"))
                    .toList()) {
                final Matcher matcher = literal.matcher(Files.readString(file));
                while (matcher.find()) {
                    names.add(matcher.group(1));
                }
            }
        }
        return names;
    }

    private static List<String> names(JsonNode node) {
        final List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
