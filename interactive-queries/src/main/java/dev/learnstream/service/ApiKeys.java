package dev.learnstream.service;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * API keys and what each may read, from {@code LEARNSTREAM_API_KEYS}: entries separated by
 * commas, each {@code key:role[:scope]} where role is admin, instructor (scope: the courses it
 * may see, separated by '|'; none = all) or student (scope: its own userId, required).
 * Example: {@code k1:admin,k2:instructor:dsa-101|web-101,k3:student:u42}.
 */
public final class ApiKeys {

    public enum Role { ADMIN, INSTRUCTOR, STUDENT }

    /** Who a key stands for. {@code courses} empty for an instructor means every course. */
    public record Principal(String name, Role role, Set<String> courses, String userId) {

        public boolean mayReadUser(String user) {
            return role == Role.ADMIN || role == Role.STUDENT && userId.equals(user);
        }

        public boolean mayReadCourse(String course) {
            return role == Role.ADMIN || role == Role.INSTRUCTOR && (courses.isEmpty() || courses.contains(course));
        }

        /** Aggregates over all learners (dashboard, windowed metrics, DLQ counts). */
        public boolean mayReadAggregates() {
            return role != Role.STUDENT;
        }
    }

    private final Map<String, Principal> byKey;

    private ApiKeys(Map<String, Principal> byKey) {
        this.byKey = byKey;
    }

    public static ApiKeys of(Map<String, Principal> keys) {
        return new ApiKeys(new LinkedHashMap<>(keys));
    }

    /** @throws IllegalArgumentException naming {@code setting} and the bad entry (never the key itself) */
    public static ApiKeys parse(String setting, String text) {
        final Map<String, Principal> keys = new LinkedHashMap<>();
        int index = 0;
        for (final String entry : text.split(",")) {
            index++;
            if (entry.isBlank()) {
                continue;
            }
            final String[] parts = entry.trim().split(":", -1);
            if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
                throw new IllegalArgumentException(setting + ": entry " + index + " must be key:role[:scope]");
            }
            if (parts[0].length() < 16) {
                throw new IllegalArgumentException(setting + ": the key of entry " + index
                        + " is shorter than 16 characters; use a long random key");
            }
            final Role role;
            try {
                role = Role.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + ": entry " + index + " has unknown role '" + parts[1]
                        + "' (admin, instructor or student)", e);
            }
            final String scope = parts.length == 3 ? parts[2].trim() : "";
            if (role == Role.STUDENT && scope.isEmpty()) {
                throw new IllegalArgumentException(setting + ": entry " + index + " is a student key without its userId");
            }
            final Set<String> courses = role == Role.INSTRUCTOR && !scope.isEmpty() ? Set.of(scope.split("\\|")) : Set.of();
            if (keys.put(parts[0].trim(), new Principal(role.name().toLowerCase(Locale.ROOT) + "-" + index, role, courses,
                    role == Role.STUDENT ? scope : "")) != null) {
                throw new IllegalArgumentException(setting + ": entry " + index + " repeats a key");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(setting + " holds no key");
        }
        return new ApiKeys(keys);
    }

    /** The principal of a presented key; compared in constant time so timing does not leak keys. */
    public Optional<Principal> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        final byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        Principal found = null;
        for (final Map.Entry<String, Principal> entry : byKey.entrySet()) {
            if (MessageDigest.isEqual(given, entry.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = entry.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    /** An admin key, for the dev ready line. */
    public Optional<String> anAdminKey() {
        return byKey.entrySet().stream().filter(e -> e.getValue().role() == Role.ADMIN).map(Map.Entry::getKey).findFirst();
    }
}
