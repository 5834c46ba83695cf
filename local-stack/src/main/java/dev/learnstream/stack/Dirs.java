package dev.learnstream.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** File-tree helpers for the stack's scratch directories. */
public final class Dirs {

    private Dirs() {
    }

    /** Deletes {@code dir} and everything below it, best effort: a leftover temp tree is harmless. */
    public static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort by design; see the method comment.
        }
    }
}
