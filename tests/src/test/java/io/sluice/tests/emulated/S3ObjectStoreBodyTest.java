package io.sluice.tests.emulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.infra.LocalAws;
import io.sluice.store.S3ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * {@link S3ObjectStore} reads a GET's body into an array of its Content-Length: the bytes come back exactly,
 * and a body that ends before its Content-Length is the storage not answering ({@link SdkClientException},
 * which the API reports as UNAVAILABLE), never a short array.
 */
class S3ObjectStoreBodyTest {

    private ServerSocket server;

    /**
     * An S3 endpoint on port 0 whose every GET declares {@code declared} bytes, sends the first {@code sent} of
     * {@code body}, and closes the connection.
     */
    private S3ObjectStore store(byte[] body, int declared, int sent) throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread serving = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    int matched = 0;
                    while (matched < 4) { // the request's headers, up to the blank line (GETs have no body)
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                            + declared + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, 0, sent);
                    out.flush();
                } catch (IOException e) {
                    // closed
                }
            }
        });
        serving.setDaemon(true);
        serving.start();
        return new S3ObjectStore(LocalAws.s3(URI.create("http://127.0.0.1:" + server.getLocalPort()), List.of()),
                "bucket");
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBodyIsReadExactly() throws Exception {
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        S3ObjectStore store = store(body, body.length, body.length);

        assertThat(store.getRange("k", 0, body.length)).isEqualTo(body);
        assertThat(store.get("k")).isEqualTo(body);
    }

    @Test
    void aBodyCutShortIsTheStorageNotAnswering() throws Exception {
        byte[] body = new byte[100_000];
        Arrays.fill(body, (byte) 7);
        S3ObjectStore store = store(body, body.length, body.length / 2);

        assertThatThrownBy(() -> store.getRange("k", 0, body.length)).isInstanceOf(SdkClientException.class);
    }
}
