package dev.learnstream.service;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro values as plain JSON-ready values: records become ordered maps by field name, timestamps
 * ISO-8601 strings, enums lower-case strings, UUIDs strings. All query answers are built from
 * these, so an answer read locally and one relayed from another instance are the same JSON.
 */
public final class AvroJson {

    private AvroJson() {
    }

    public static Map<String, Object> of(IndexedRecord record) {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (final Schema.Field field : record.getSchema().getFields()) {
            map.put(field.name(), value(record.get(field.pos())));
        }
        return map;
    }

    static Object value(Object value) {
        if (value instanceof IndexedRecord record) {
            return of(record);
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof Enum<?> symbol) {
            return symbol.name().toLowerCase(java.util.Locale.ROOT);
        }
        if (value instanceof GenericEnumSymbol<?> symbol) {
            return symbol.toString().toLowerCase(java.util.Locale.ROOT);
        }
        if (value instanceof CharSequence || value instanceof java.util.UUID) {
            return value.toString();
        }
        if (value instanceof ByteBuffer bytes) {
            final ByteBuffer copy = bytes.duplicate();
            final byte[] raw = new byte[copy.remaining()];
            copy.get(raw);
            return Base64.getEncoder().encodeToString(raw);
        }
        if (value instanceof List<?> list) {
            final List<Object> out = new ArrayList<>(list.size());
            list.forEach(item -> out.add(value(item)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            final Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k.toString(), value(v)));
            return out;
        }
        return value;
    }
}
