package dev.learnstream.memory;

/**
 * One review of one item: {@code key} identifies the memory (a flashcard, or user and module),
 * {@code at} is epoch milliseconds. {@code baseline}, for a first review only, is the grade that
 * sets the item's initial difficulty instead of {@code grade} (e.g. a diagnostic quiz of the
 * domain); null for none.
 */
public record Review(String key, long at, Grade grade, Grade baseline) {

    public Review(String key, long at, Grade grade) {
        this(key, at, grade, null);
    }
}
