package dev.learnstream.topology;

/**
 * Composite store and result keys. Parts are joined with the ASCII unit separator, which ids do
 * not contain, so any printable id works and a user's keys share the prefix {@code userId + SEP}
 * (prefix scans for queries).
 */
public final class Keys {

    public static final char SEPARATOR = '\u001f';
    private static final String SEPARATOR_TEXT = String.valueOf(SEPARATOR);
    private static final String ZEROS = "0".repeat(19);

    private Keys() {
    }

    public static String of(String... parts) {
        // String.join sizes the key once and copies each part once; the separator is a constant,
        // not a new one-character string per key (this runs several times per event).
        return String.join(SEPARATOR_TEXT, parts);
    }

    /** The prefix every key starting with {@code first} shares. */
    public static String prefix(String first) {
        return first + SEPARATOR;
    }

    /**
     * A time as a fixed-width key part (19 digits, negative times as 0), so that keys starting
     * with it sort by time and a range scan up to a time finds everything due by then.
     */
    public static String time(long millis) {
        // Built by hand: this runs several times per event, and String.format costs microseconds.
        final String digits = Long.toString(Math.max(0, millis));
        return ZEROS.substring(digits.length()) + digits;
    }


    public static String[] split(String key) {
        return key.split(SEPARATOR_TEXT, -1);
    }
}
