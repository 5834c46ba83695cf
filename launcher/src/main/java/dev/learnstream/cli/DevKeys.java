package dev.learnstream.cli;

import dev.learnstream.service.ApiKeys;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The API keys of {@code dev}: {@code LEARNSTREAM_API_KEYS} when set (it must hold an admin key,
 * which the ready line shows), else one admin key generated at start.
 */
record DevKeys(ApiKeys keys, String adminKey) {

    static DevKeys from(Map<String, String> environment) {
        final String configured = environment.get("LEARNSTREAM_API_KEYS");
        if (configured != null && !configured.isBlank()) {
            final ApiKeys keys = ApiKeys.parse("LEARNSTREAM_API_KEYS", configured);
            final String admin = keys.anAdminKey().orElseThrow(() -> new IllegalArgumentException(
                    "LEARNSTREAM_API_KEYS: dev needs an admin key among them"));
            return new DevKeys(keys, admin);
        }
        final byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        final String admin = "dev-" + HexFormat.of().formatHex(random);
        return new DevKeys(ApiKeys.parse("generated", admin + ":admin"), admin);
    }
}
