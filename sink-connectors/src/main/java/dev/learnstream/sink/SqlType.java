package dev.learnstream.sink;

/**
 * How a column travels: the PostgreSQL array type its values are bound as (one array per column,
 * expanded by {@code UNNEST}) and the expression that turns an element into the column's type.
 * Times travel as epoch milliseconds and JSON as text, so that every array binds as a plain
 * PostgreSQL array without driver-specific conversions.
 */
enum SqlType {
    TEXT("text", "%s"),
    INTEGER("int4", "%s"),
    BIGINT("int8", "%s"),
    DOUBLE("float8", "%s"),
    BOOLEAN("bool", "%s"),
    /** Epoch milliseconds → timestamptz, exactly (no floating point on the way). */
    TIMESTAMP("int8", "(TIMESTAMPTZ 'epoch' + %s * INTERVAL '1 millisecond')"),
    JSON("text", "%s::jsonb");

    final String arrayElement;
    private final String conversion;

    SqlType(String arrayElement, String conversion) {
        this.arrayElement = arrayElement;
        this.conversion = conversion;
    }

    String convert(String expression) {
        return String.format(java.util.Locale.ROOT, conversion, expression);
    }

    /** The Java element class of the bound array. */
    Class<?> elementClass() {
        return switch (this) {
            case TEXT, JSON -> String.class;
            case INTEGER -> Integer.class;
            case BIGINT, TIMESTAMP -> Long.class;
            case DOUBLE -> Double.class;
            case BOOLEAN -> Boolean.class;
        };
    }
}
