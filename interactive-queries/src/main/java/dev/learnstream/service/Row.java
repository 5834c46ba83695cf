package dev.learnstream.service;

import java.util.Map;

/** One store entry: its key and its value as JSON-ready map. */
public record Row(String key, Map<String, Object> value) {
}
