package dev.learnstream.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain JSON (as a web client writes it) to a generated Avro record, strictly against the
 * record's schema: unknown fields, wrong types and missing required fields are refused with the
 * path of the field at fault. Optional fields may be left out; {@code eventId} and
 * {@code occurredAt} default to a new UUID and now. Timestamps take ISO-8601 or epoch millis,
 * enums their symbol in any case.
 */
final class JsonToAvro {

    /** A refused field: {@code path} like {@code answers[2].correct}. */
    static final class FieldException extends RuntimeException {
        private final String path;

        FieldException(String path, String message) {
            super(path + " " + message);
            this.path = path;
        }

        String path() {
            return path;
        }
    }

    private final Clock clock;

    JsonToAvro(Clock clock) {
        this.clock = clock;
    }

    SpecificRecord record(Class<? extends SpecificRecord> type, JsonNode json) {
        final Schema schema = SpecificData.get().getSchema(type);
        return (SpecificRecord) convert(schema, json, "", true);
    }

    private Object convert(Schema schema, JsonNode node, String path, boolean top) {
        return switch (schema.getType()) {
            case RECORD -> record(schema, node, path, top);
            case UNION -> union(schema, node, path);
            case STRING -> string(schema, node, path);
            case INT -> {
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw new FieldException(path, "must be a whole number");
                }
                yield node.intValue();
            }
            case LONG -> longValue(schema, node, path);
            case DOUBLE, FLOAT -> {
                if (!node.isNumber()) {
                    throw new FieldException(path, "must be a number");
                }
                yield schema.getType() == Schema.Type.DOUBLE ? (Object) node.doubleValue() : (Object) node.floatValue();
            }
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw new FieldException(path, "must be true or false");
                }
                yield node.booleanValue();
            }
            case ENUM -> enumSymbol(schema, node, path);
            case ARRAY -> {
                if (!node.isArray()) {
                    throw new FieldException(path, "must be an array");
                }
                final List<Object> items = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    items.add(convert(schema.getElementType(), node.get(i), path + "[" + i + "]", false));
                }
                yield items;
            }
            case MAP -> {
                if (!node.isObject()) {
                    throw new FieldException(path, "must be an object");
                }
                final Map<String, Object> map = new LinkedHashMap<>();
                node.fields().forEachRemaining(entry -> map.put(entry.getKey(),
                        convert(schema.getValueType(), entry.getValue(), path + "." + entry.getKey(), false)));
                yield map;
            }
            default -> throw new FieldException(path, "has a type the publisher does not accept (" + schema.getType() + ")");
        };
    }

    private Object record(Schema schema, JsonNode node, String path, boolean top) {
        if (node == null || !node.isObject()) {
            throw new FieldException(path.isEmpty() ? "body" : path, "must be a JSON object");
        }
        final Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            final String name = names.next();
            if (schema.getField(name) == null) {
                throw new FieldException(join(path, name), "is not a field of " + schema.getName());
            }
        }
        final SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        for (final Schema.Field field : schema.getFields()) {
            final JsonNode value = node.get(field.name());
            final String fieldPath = join(path, field.name());
            if (value == null || value.isNull()) {
                record.put(field.pos(), missing(field, fieldPath, top));
            } else {
                record.put(field.pos(), convert(field.schema(), value, fieldPath, false));
            }
        }
        return record;
    }

    private Object missing(Schema.Field field, String path, boolean top) {
        if (top && field.name().equals("eventId")) {
            return UUID.randomUUID();
        }
        if (top && field.name().equals("occurredAt")) {
            return clock.instant();
        }
        if (field.hasDefaultValue()) {
            return SpecificData.get().getDefaultValue(field);
        }
        if (field.schema().isNullable()) {
            return null;
        }
        throw new FieldException(path, "is required");
    }

    private Object union(Schema schema, JsonNode node, String path) {
        for (final Schema branch : schema.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return convert(branch, node, path, false);
            }
        }
        throw new FieldException(path, "must be null");
    }

    private static Object string(Schema schema, JsonNode node, String path) {
        if (!node.isTextual()) {
            throw new FieldException(path, "must be a string");
        }
        final LogicalType logical = schema.getLogicalType();
        if (logical != null && "uuid".equals(logical.getName())) {
            try {
                return UUID.fromString(node.textValue());
            } catch (IllegalArgumentException e) {
                throw new FieldException(path, "must be a UUID");
            }
        }
        return node.textValue();
    }

    private static Object longValue(Schema schema, JsonNode node, String path) {
        final LogicalType logical = schema.getLogicalType();
        final boolean timestamp = logical != null && logical.getName().startsWith("timestamp-");
        if (timestamp && node.isTextual()) {
            try {
                return Instant.parse(node.textValue());
            } catch (DateTimeParseException e) {
                throw new FieldException(path, "must be an ISO-8601 instant (e.g. 2025-03-10T12:00:00Z) or epoch millis");
            }
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new FieldException(path, timestamp ? "must be an ISO-8601 instant or epoch millis" : "must be a whole number");
        }
        return timestamp ? Instant.ofEpochMilli(node.longValue()) : (Object) node.longValue();
    }

    private static Object enumSymbol(Schema schema, JsonNode node, String path) {
        if (node.isTextual()) {
            final String wanted = node.textValue().toUpperCase(Locale.ROOT).replace('-', '_');
            for (final String symbol : schema.getEnumSymbols()) {
                if (symbol.equals(wanted)) {
                    return SpecificData.get().createEnum(symbol, schema);
                }
            }
        }
        throw new FieldException(path, "must be one of " + schema.getEnumSymbols());
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
