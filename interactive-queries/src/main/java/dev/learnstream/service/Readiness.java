package dev.learnstream.service;

/** Whether the instance can answer queries: streams RUNNING and its active stores caught up. */
public interface Readiness {

    record Status(boolean ready, String state, String reason) {
    }

    Status status();
}
