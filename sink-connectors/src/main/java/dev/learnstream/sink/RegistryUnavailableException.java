package dev.learnstream.sink;

/**
 * The Schema Registry could not be asked for a writer schema (unreachable, 5xx, throttled): the
 * record is fine, so it must be read again later, not dead-lettered.
 */
final class RegistryUnavailableException extends RuntimeException {

    RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
