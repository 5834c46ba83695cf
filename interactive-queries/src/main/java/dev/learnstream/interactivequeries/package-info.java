/** The query service: KafkaStreams lifecycle and the Javalin interactive-query API (service issue). */
package dev.learnstream.interactivequeries;
