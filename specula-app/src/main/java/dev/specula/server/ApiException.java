package dev.specula.server;

/** A request the server refuses, with the HTTP status and OpenAI's error {@code type} and {@code code}. */
final class ApiException extends RuntimeException {
    final int status;
    final String type;
    final String code;
    final String param;

    ApiException(int status, String type, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", null, param, message);
    }
}
