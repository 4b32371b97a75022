package io.sluice.api;

import java.util.Map;

/**
 * An HTTP request as the API sees it, free of any Lambda or server type: the method, the raw path, the
 * query parameters and the body bytes.
 */
public record ApiRequest(String method, String path, Map<String, String> query, byte[] body) {

    public ApiRequest {
        query = query == null ? Map.of() : Map.copyOf(query);
        body = body == null ? new byte[0] : body;
    }
}
