package dev.learnstream.avro;

import java.util.Locale;

/** Builds the client a {@code schema.registry.url} asks for. */
public final class SchemaRegistryClients {

    private static final String MOCK_PREFIX = "mock://";

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient create(AvroSerdeConfig config) {
        final String url = config.registryUrl();
        final String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith(MOCK_PREFIX)) {
            final String scope = url.substring(MOCK_PREFIX.length());
            if (scope.isBlank()) {
                throw new IllegalArgumentException(AvroSerdeConfig.SCHEMA_REGISTRY_URL + ": mock:// needs a scope name, e.g. mock://my-test");
            }
            return MockSchemaRegistry.scope(scope);
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return new CachingSchemaRegistryClient(new HttpSchemaRegistryClient(
                    url, config.connectTimeout(), config.readTimeout(), config.maxRetries(), config.basicAuthUserInfo()));
        }
        throw new IllegalArgumentException(AvroSerdeConfig.SCHEMA_REGISTRY_URL + ": '" + url
                + "' is neither an http(s) URL nor mock://scope");
    }
}
