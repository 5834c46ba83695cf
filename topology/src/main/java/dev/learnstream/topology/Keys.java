package dev.learnstream.topology;

/**
 * Composite store and result keys. Parts are joined with the ASCII unit separator, which ids do
 * not contain, so any printable id works and a user's keys share the prefix {@code userId + SEP}
 * (prefix scans for queries).
 */
public final class Keys {

    public static final char SEPARATOR = '\u001f';

    private Keys() {
    }

    public static String of(String... parts) {
        return String.join(String.valueOf(SEPARATOR), parts);
    }

    /** The prefix every key starting with {@code first} shares. */
    public static String prefix(String first) {
        return first + SEPARATOR;
    }

    public static String[] split(String key) {
        return key.split(String.valueOf(SEPARATOR), -1);
    }
}
