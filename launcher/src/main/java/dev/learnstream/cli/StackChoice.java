package dev.learnstream.cli;

import dev.learnstream.stack.LocalStack;
import java.nio.file.Path;
import java.util.Set;

/** The {@code --kafka / --registry / --postgres / --work-dir} options: embedded parts or external ones. */
final class StackChoice {

    static final Set<String> OPTIONS = Set.of("kafka", "registry", "postgres", "work-dir");

    private StackChoice() {
    }

    static LocalStack.Options from(Options options, boolean postgresWanted) {
        final String kafka = options.string("kafka", "embedded");
        final String registry = options.string("registry", "apicurio");
        final String postgres = options.string("postgres", postgresWanted ? "embedded" : "none");
        final LocalStack.RegistryKind kind;
        String registryUrl = null;
        if (registry.equals("apicurio")) {
            kind = LocalStack.RegistryKind.APICURIO;
        } else if (registry.equals("mock")) {
            kind = LocalStack.RegistryKind.MOCK;
            registryUrl = "learnstream-dev";
        } else if (registry.startsWith("http://") || registry.startsWith("https://")) {
            kind = LocalStack.RegistryKind.EXTERNAL;
            registryUrl = registry;
        } else {
            throw new UsageException("--registry must be apicurio, mock or an http(s) URL, got '" + registry + "'");
        }
        if (!postgres.equals("embedded") && !postgres.equals("none") && !postgres.startsWith("jdbc:postgresql:")) {
            throw new UsageException("--postgres must be embedded, none or a jdbc:postgresql: URL, got '" + postgres + "'");
        }
        if (!kafka.equals("embedded") && !kafka.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*")) {
            throw new UsageException("--kafka must be embedded or host:port[,host:port...], got '" + kafka + "'");
        }
        return new LocalStack.Options(
                options.has("work-dir") ? Path.of(options.string("work-dir", null)) : null,
                kafka.equals("embedded") ? null : kafka,
                kind, registryUrl,
                postgres.startsWith("jdbc:") ? postgres : null,
                !postgres.equals("none"));
    }
}
