package dev.learnstream.memory;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a review log in the CSV layout {@code card_id,review_rating,review_time,review_duration}
 * (header required; time ISO-8601 with offset; duration ignored) and returns it in time order.
 * A malformed line fails with its line number: an evaluation over silently skipped rows would
 * report figures for data nobody asked about.
 */
public final class ReviewLog {

    private ReviewLog() {
    }

    public static List<Review> read(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString());
        }
    }

    static List<Review> read(BufferedReader reader, String source) throws IOException {
        final String header = reader.readLine();
        if (header == null) {
            throw new IllegalArgumentException(source + " is empty; expected a header line");
        }
        final List<String> columns = List.of(header.trim().split(","));
        final int card = column(columns, "card_id", source);
        final int rating = column(columns, "review_rating", source);
        final int time = column(columns, "review_time", source);
        final List<Review> reviews = new ArrayList<>();
        int lineNumber = 1;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            final String[] fields = line.split(",", -1);
            try {
                reviews.add(new Review(fields[card].trim(),
                        OffsetDateTime.parse(fields[time].trim()).toInstant().toEpochMilli(),
                        Grade.of(Integer.parseInt(fields[rating].trim()))));
            } catch (ArrayIndexOutOfBoundsException | DateTimeParseException | IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " line " + lineNumber + ": " + e.getMessage(), e);
            }
        }
        // Stable sort: reviews with the same time keep the log's order.
        reviews.sort(Comparator.comparingLong(Review::at));
        return reviews;
    }

    private static int column(List<String> columns, String name, String source) {
        final int index = columns.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException(source + " has no column '" + name + "' (header: " + columns + ")");
        }
        return index;
    }
}
