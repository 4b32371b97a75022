package io.sluice.api;

/** A JSON response: a status and a UTF-8 JSON body. */
public record ApiResponse(int status, String body) {

    public static final String CONTENT_TYPE = "application/json";
}
