package dev.learnstream.sink;

/** A record that can never be written as it is: it goes to the sink's dead-letter topic. */
final class UnwritableRecordException extends RuntimeException {

    UnwritableRecordException(String message) {
        super(message);
    }

    UnwritableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
