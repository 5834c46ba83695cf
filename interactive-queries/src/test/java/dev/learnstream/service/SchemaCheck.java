package dev.learnstream.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checks a JSON value against a schema of the OpenAPI document: the subset the document uses
 * ($ref, type (one or a list), properties, required, additionalProperties, items, enum, anyOf,
 * date-time and uuid formats). Returns every violation with its JSON path.
 */
final class SchemaCheck {

    private final JsonNode document;

    SchemaCheck(JsonNode document) {
        this.document = document;
    }

    List<String> check(JsonNode schema, JsonNode value) {
        final List<String> problems = new ArrayList<>();
        check(schema, value, "$", problems);
        return problems;
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (schema.has("$ref")) {
            check(resolve(schema.get("$ref").asText()), value, path, problems);
            return;
        }
        if (schema.has("anyOf")) {
            for (final JsonNode option : schema.get("anyOf")) {
                if (check(option, value).isEmpty()) {
                    return;
                }
            }
            problems.add(path + ": matches none of anyOf");
            return;
        }
        if (schema.has("type") && !typeMatches(schema.get("type"), value)) {
            problems.add(path + ": expected " + schema.get("type") + ", got " + value.getNodeType());
            return;
        }
        if (value.isNull()) {
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (final JsonNode allowed : schema.get("enum")) {
                found |= allowed.equals(value);
            }
            if (!found) {
                problems.add(path + ": " + value + " not in " + schema.get("enum"));
            }
        }
        if (schema.has("format") && value.isTextual()) {
            format(schema.get("format").asText(), value.asText(), path, problems);
        }
        if (value.isObject()) {
            object(schema, value, path, problems);
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    private void object(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (schema.has("required")) {
            for (final JsonNode name : schema.get("required")) {
                if (!value.has(name.asText())) {
                    problems.add(path + ": missing required " + name.asText());
                }
            }
        }
        final JsonNode properties = schema.get("properties");
        final JsonNode additional = schema.get("additionalProperties");
        final Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            final String fieldPath = path + "." + field.getKey();
            if (properties != null && properties.has(field.getKey())) {
                check(properties.get(field.getKey()), field.getValue(), fieldPath, problems);
            } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                problems.add(fieldPath + ": not in the schema");
            } else if (additional != null && additional.isObject()) {
                check(additional, field.getValue(), fieldPath, problems);
            }
        }
    }

    private static boolean typeMatches(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (final JsonNode option : type) {
                if (typeMatches(option, value)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    private static void format(String format, String text, String path, List<String> problems) {
        try {
            if (format.equals("date-time")) {
                Instant.parse(text);
            } else if (format.equals("uuid")) {
                UUID.fromString(text);
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            problems.add(path + ": '" + text + "' is not a " + format);
        }
    }

    JsonNode resolve(String ref) {
        JsonNode node = document;
        for (final String part : ref.substring(2).split("/")) {
            node = node.get(part);
        }
        return node;
    }
}
