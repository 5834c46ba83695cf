package dev.learnstream.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A page of a list answer: {@code {"items": [...], "limit": L, "offset": O, "total": T}}. */
final class Page {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private Page() {
    }

    static Map<String, Object> of(List<?> all, int limit, int offset) {
        final Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", offset >= all.size() ? List.of() : all.subList(offset, Math.min(all.size(), offset + limit)));
        page.put("limit", limit);
        page.put("offset", offset);
        page.put("total", all.size());
        return page;
    }
}
