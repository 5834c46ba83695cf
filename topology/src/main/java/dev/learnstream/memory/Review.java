package dev.learnstream.memory;

/**
 * One review of one item: {@code key} identifies the memory (a flashcard, or user and module),
 * {@code at} is epoch milliseconds.
 */
public record Review(String key, long at, Grade grade) {
}
