package dev.learnstream.cli;

/** A command line the launcher cannot accept: exit code 2 and the message. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
