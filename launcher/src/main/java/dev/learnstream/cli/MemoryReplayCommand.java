package dev.learnstream.cli;

import dev.learnstream.memory.Fsrs6;
import dev.learnstream.memory.Grade;
import dev.learnstream.memory.MemoryState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code memory-replay}: FSRS-6 over CSV lines {@code key,day,grade} from stdin (day an integer
 * day index, grade 1–4; an optional header line starting with "key"), printing
 * {@code key,day,grade,retrievability_before,stability,difficulty} per line, so anyone can check
 * us against another FSRS implementation. Keys may interleave; each key's days must not go back.
 * {@code --weights w0,...,w20} replaces the FSRS-6 defaults.
 */
final class MemoryReplayCommand {

    static final String HEADER = "key,day,grade,retrievability_before,stability,difficulty";

    private record Item(MemoryState state, long day) {
    }

    private MemoryReplayCommand() {
    }

    static int run(List<String> args, InputStream in, PrintStream out) {
        final Options options = Options.parse("memory-replay", args, Set.of("weights"), Set.of());
        final Fsrs6 fsrs = weights(options.string("weights", null));
        final Map<String, Item> items = new HashMap<>();
        out.println(HEADER);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank() || (lineNumber == 1 && line.startsWith("key"))) {
                    continue;
                }
                final String[] fields = line.split(",", -1);
                if (fields.length != 3) {
                    throw new IllegalArgumentException("line " + lineNumber + ": expected key,day,grade, got '" + line + "'");
                }
                final String key = fields[0].trim();
                final long day;
                final Grade grade;
                try {
                    day = Long.parseLong(fields[1].trim());
                    grade = Grade.of(Integer.parseInt(fields[2].trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage(), e);
                }
                final Item previous = items.get(key);
                final String before;
                final MemoryState next;
                if (previous == null) {
                    before = "";
                    next = fsrs.first(grade);
                } else {
                    final long elapsed = day - previous.day();
                    if (elapsed < 0) {
                        throw new IllegalArgumentException("line " + lineNumber + ": day " + day + " of key '" + key
                                + "' is before its previous review (day " + previous.day() + ")");
                    }
                    before = plain(fsrs.retrievability(elapsed, previous.state().stability()));
                    next = fsrs.next(previous.state(), elapsed, grade);
                }
                items.put(key, new Item(next, day));
                out.println(key + "," + day + "," + grade.value() + "," + before + "," + plain(next.stability()) + ","
                        + plain(next.difficulty()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    private static Fsrs6 weights(String text) {
        if (text == null) {
            return Fsrs6.defaults();
        }
        final String[] parts = text.split(",");
        final double[] weights = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                weights[i] = Double.parseDouble(parts[i].trim());
            }
            return new Fsrs6(weights);
        } catch (IllegalArgumentException e) {
            throw new UsageException("memory-replay: --weights must be 21 comma-separated numbers: " + e.getMessage());
        }
    }

    /** Shortest exact decimal form, never scientific notation, so any CSV reader takes it. */
    static String plain(double value) {
        return new BigDecimal(Double.toString(value)).toPlainString();
    }
}
