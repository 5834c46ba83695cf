package dev.learnstream.cli;

import dev.learnstream.topology.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value}, {@code --name=value} and {@code --flag} options of one command. Only the
 * options a command declares are accepted; each typed getter names the option when its value is bad.
 */
final class Options {

    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Options(String command) {
        this.command = command;
    }

    /**
     * @param valued options that take a value
     * @param flags  options that take none
     */
    static Options parse(String command, List<String> args, Set<String> valued, Set<String> flags) {
        final Options options = new Options(command);
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException(command + ": unexpected argument '" + arg + "'");
            }
            final int eq = arg.indexOf('=');
            final String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (flags.contains(name) && eq < 0) {
                options.values.put(name, "true");
            } else if (valued.contains(name)) {
                if (eq >= 0) {
                    options.values.put(name, arg.substring(eq + 1));
                } else if (i + 1 < args.size()) {
                    options.values.put(name, args.get(++i));
                } else {
                    throw new UsageException(command + ": --" + name + " needs a value");
                }
            } else {
                throw new UsageException(command + ": unknown option --" + name);
            }
        }
        return options;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        return (int) number(name, fallback, Integer.MAX_VALUE);
    }

    long number(String name, long fallback, long max) {
        final String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            final long value = Long.parseLong(text.replace("_", ""));
            if (value < 0 || value > max) {
                throw new UsageException(command + ": --" + name + " must be between 0 and " + max + ", got " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a whole number, got '" + text + "'");
        }
    }

    double decimal(String name, double fallback) {
        final String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number, got '" + text + "'");
        }
    }

    /** A duration such as 30s, 5m, 2h, 7d, 250ms or ISO-8601 (PT30S); fallback when absent. */
    Duration duration(String name, Duration fallback) {
        final String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": --" + name + " " + e.getMessage());
        }
    }
}
