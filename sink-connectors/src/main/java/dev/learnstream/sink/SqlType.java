package dev.learnstream.sink;

/**
 * How a column travels. Batches are copied in binary into a staging table whose columns have the
 * target's types ({@code pgType}, checked at start-up). Single rows, and servers without MERGE,
 * bind one PostgreSQL array per column ({@code arrayElement}, expanded by {@code UNNEST}) with an
 * expression that turns an element into the column's type: times travel as epoch milliseconds
 * and JSON as text, so that every array binds as a plain PostgreSQL array without
 * driver-specific conversions.
 */
enum SqlType {
    TEXT("text", "text", "%s"),
    INTEGER("int4", "int4", "%s"),
    BIGINT("int8", "int8", "%s"),
    DOUBLE("float8", "float8", "%s"),
    BOOLEAN("bool", "bool", "%s"),
    /** Epoch milliseconds → timestamptz, exactly (no floating point on the way). */
    TIMESTAMP("timestamptz", "int8", "(TIMESTAMPTZ 'epoch' + %s * INTERVAL '1 millisecond')"),
    JSON("jsonb", "text", "%s::jsonb");

    /** The column's type in the table, as {@code pg_type.typname}. */
    final String pgType;
    final String arrayElement;
    private final String conversion;

    SqlType(String pgType, String arrayElement, String conversion) {
        this.pgType = pgType;
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
