package dev.learnstream.avro;

/**
 * A registry call failed. {@code status} is the HTTP status (0 when the registry could not be
 * reached) and {@code errorCode} the Confluent error code from the body (0 when absent).
 */
public final class SchemaRegistryException extends RuntimeException {

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, int status, int errorCode) {
        this(message, status, errorCode, null);
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** True for "subject not found" and "schema not found" answers. */
    public boolean isNotFound() {
        return status == 404;
    }
}
