/**
 * The LearnStream Kafka Streams topology: validation and dead letters, learner / course /
 * assessment analytics, windowed metrics and the memory model, each a named sub-topology.
 * Built in the topology issue; this module is the place it lives.
 */
package dev.learnstream.topology;
