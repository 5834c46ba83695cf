package dev.learnstream.topology;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of named settings (environment variables, a properties file). A blank value means
 * "not set" (the fallback); a bad one fails with a message that starts with the setting's name.
 */
public final class NamedSettings {

    private final Map<String, String> values;

    public NamedSettings(Map<String, String> values) {
        this.values = values;
    }

    /**
     * The environment over an optional properties file, named by the environment variable
     * {@code fileSetting} and holding the same names; the environment wins.
     */
    public static Map<String, String> environmentOverFile(Map<String, String> environment, String fileSetting) {
        final Map<String, String> settings = new java.util.LinkedHashMap<>();
        final String file = environment.get(fileSetting);
        if (file != null && !file.isBlank()) {
            final java.util.Properties properties = new java.util.Properties();
            try (java.io.Reader reader = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file),
                    java.nio.charset.StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(fileSetting + ": cannot read " + file + ": " + e.getMessage(), e);
            }
            properties.forEach((key, value) -> settings.put(key.toString(), value.toString()));
        }
        settings.putAll(environment);
        return settings;
    }

    private String value(String name) {
        final String text = values.get(name);
        return text == null || text.isBlank() ? null : text;
    }

    public String text(String name, String fallback) {
        final String text = value(name);
        return text == null ? fallback : text;
    }

    public String required(String name) {
        final String text = value(name);
        if (text == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return text.trim();
    }

    public Duration duration(String name, Duration fallback) {
        final String text = value(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " " + e.getMessage(), e);
        }
    }

    public int integer(String name, int fallback) {
        return integer(name, fallback, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public int integer(String name, int fallback, int min, int max) {
        final String text = value(name);
        if (text == null) {
            return fallback;
        }
        final int parsed;
        try {
            parsed = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'", e);
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    public double number(String name, double fallback) {
        final String text = value(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + text + "'", e);
        }
    }

    public double[] numbers(String name, double[] fallback, int expected) {
        final String text = value(name);
        if (text == null) {
            return fallback.clone();
        }
        final String[] parts = text.split(",");
        if (parts.length != expected) {
            throw new IllegalArgumentException(name + " must hold " + expected + " comma-separated numbers, got "
                    + parts.length + " in '" + text + "'");
        }
        try {
            return Arrays.stream(parts).mapToDouble(part -> Double.parseDouble(part.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must hold numbers only, got '" + text + "'", e);
        }
    }

    public boolean flag(String name, boolean fallback) {
        final String text = value(name);
        if (text == null) {
            return fallback;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + text + "'");
        };
    }
}
