package dev.learnstream.avro;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Serde settings, read from a Kafka-style config map with Confluent's key names so that a team
 * can swap in Confluent's serde with a dependency change and keep its configuration.
 */
public record AvroSerdeConfig(
        String registryUrl,
        boolean autoRegisterSchemas,
        boolean useLatestVersion,
        SubjectNameStrategy keySubjectNameStrategy,
        SubjectNameStrategy valueSubjectNameStrategy,
        boolean specificAvroReader,
        Duration connectTimeout,
        Duration readTimeout,
        int maxRetries,
        String basicAuthUserInfo) {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "schema.registry.max.retries";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    public AvroSerdeConfig {
        if (registryUrl == null || registryUrl.isBlank()) {
            throw new IllegalArgumentException(SCHEMA_REGISTRY_URL + " is required (an http(s) URL or mock://scope)");
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException(MAX_RETRIES + " must be >= 0, got " + maxRetries);
        }
    }

    /** Reads the settings from {@code configs}; an invalid value fails naming its key. */
    public static AvroSerdeConfig from(Map<String, ?> configs) {
        final Object url = configs.get(SCHEMA_REGISTRY_URL);
        return new AvroSerdeConfig(
                url == null ? null : url.toString().trim(),
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                bool(configs, USE_LATEST_VERSION, false),
                strategy(configs, KEY_SUBJECT_NAME_STRATEGY),
                strategy(configs, VALUE_SUBJECT_NAME_STRATEGY),
                bool(configs, SPECIFIC_AVRO_READER, false),
                Duration.ofMillis(number(configs, HTTP_CONNECT_TIMEOUT_MS, 5_000)),
                Duration.ofMillis(number(configs, HTTP_READ_TIMEOUT_MS, 10_000)),
                (int) number(configs, MAX_RETRIES, 3),
                userInfo(configs));
    }

    /** Confluent's basic-auth settings; only the USER_INFO source is supported. */
    private static String userInfo(Map<String, ?> configs) {
        final Object source = configs.get(BASIC_AUTH_CREDENTIALS_SOURCE);
        final Object info = configs.get(BASIC_AUTH_USER_INFO);
        if (source == null && info == null) {
            return null;
        }
        if (source != null && !"USER_INFO".equals(source.toString().trim())) {
            throw new IllegalArgumentException(BASIC_AUTH_CREDENTIALS_SOURCE + ": only USER_INFO is supported, got '"
                    + source + "'");
        }
        if (info == null || !info.toString().contains(":")) {
            throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must be user:password");
        }
        return info.toString();
    }

    @Override
    public String toString() {
        // Never print the password.
        return "AvroSerdeConfig[registryUrl=" + registryUrl + ", autoRegisterSchemas=" + autoRegisterSchemas
                + ", useLatestVersion=" + useLatestVersion + ", valueSubjectNameStrategy=" + valueSubjectNameStrategy
                + ", specificAvroReader=" + specificAvroReader + ", basicAuth=" + (basicAuthUserInfo != null) + "]";
    }

    public SubjectNameStrategy strategy(boolean isKey) {
        return isKey ? keySubjectNameStrategy : valueSubjectNameStrategy;
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean fallback) {
        final Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        final String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
    }

    private static long number(Map<String, ?> configs, String key, long fallback) {
        final Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'", e);
        }
    }

    private static SubjectNameStrategy strategy(Map<String, ?> configs, String key) {
        final Object value = configs.get(key);
        if (value == null) {
            return SubjectNameStrategy.TOPIC;
        }
        if (value instanceof Class<?> c) {
            return SubjectNameStrategy.parse(key, c.getName());
        }
        return SubjectNameStrategy.parse(key, value.toString().trim());
    }
}
