package dev.learnstream.service;

import sun.misc.Signal;

/** SIGTERM and SIGINT handling, so an orderly stop can exit with status 0. */
final class Signals {

    private Signals() {
    }

    static void onTerminate(Runnable action) {
        for (final String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> action.run());
            } catch (IllegalArgumentException e) {
                // The platform does not know this signal: the shutdown hook still runs.
            }
        }
    }
}
