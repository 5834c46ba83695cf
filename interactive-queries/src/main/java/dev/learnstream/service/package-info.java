/**
 * The query service: configuration, the KafkaStreams lifecycle and the Javalin interactive-query
 * API that any instance answers for any key (finding the owner, forwarding, falling back to
 * standbys), plus the REST event publisher.
 */
package dev.learnstream.service;
