package dev.learnstream.service;

/**
 * An answer that is not a success, with what the client needs: status, a stable code, a message
 * and, for a bad request, the parameter at fault. Rendered as JSON by the API.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String parameter;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String code, String message, String parameter, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.parameter = parameter;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String parameter, String message) {
        return new ApiException(400, "bad_request", message, parameter, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, null, null);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized",
                "An API key is required: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", null, null);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message, null, null);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message, null, 5);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String parameter() {
        return parameter;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
