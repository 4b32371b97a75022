package io.sluice.store;

import java.io.IOException;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** An {@link ObjectStore} on one S3 bucket. The client is injected and shared. */
public final class S3ObjectStore implements ObjectStore {

    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;
    private static final int RANGE_NOT_SATISFIABLE = 416;

    private final S3Client s3;
    private final String bucket;

    public S3ObjectStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public void putIfAbsent(String key, byte[] bytes) {
        try {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*").build(),
                    RequestBody.fromBytes(bytes));
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                throw new ObjectAlreadyExistsException(key);
            }
            throw e;
        }
    }

    @Override
    public byte[] get(String key) {
        return read(key, GetObjectRequest.builder().bucket(bucket).key(key).build());
    }

    @Override
    public byte[] getRange(String key, long start, int length) {
        if (start < 0 || length < 1) {
            throw new IllegalArgumentException("bad range start=" + start + " length=" + length);
        }
        String range = "bytes=" + start + "-" + (start + length - 1);
        return read(key, GetObjectRequest.builder().bucket(bucket).key(key).range(range).build());
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
    }

    @Override
    public List<ObjectSummary> list(String prefix) {
        return s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents().stream()
                .map(o -> new ObjectSummary(o.key(), o.size(), o.lastModified()))
                .toList();
    }

    /**
     * The object's bytes, read from the response stream straight into an array of its Content-Length: one copy,
     * where {@code getObjectAsBytes(...).asByteArray()} makes three (a growing buffer, its array, and a copy of
     * that). A body that ends early (or runs on) is the storage not answering, as when the SDK reads it itself.
     */
    private byte[] read(String key, GetObjectRequest request) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request)) {
            Long length = in.response().contentLength();
            if (length == null || length < 0 || length > Integer.MAX_VALUE - 8) {
                return in.readAllBytes();
            }
            byte[] bytes = new byte[length.intValue()];
            int read = in.readNBytes(bytes, 0, bytes.length);
            if (read != bytes.length || in.read() != -1) {
                throw SdkClientException.create("GET " + key + ": Content-Length " + length + " but "
                        + (read != bytes.length ? read : "more than that") + " bytes in the body");
            }
            return bytes;
        } catch (IOException e) {
            // A body cut short, as the SDK reports it when it reads the body itself: the storage did not answer.
            throw SdkClientException.create("GET " + key + ": " + e.getMessage(), e);
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(key);
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND || e.statusCode() == RANGE_NOT_SATISFIABLE) {
                throw new ObjectNotFoundException(key + (request.range() == null ? "" : " " + request.range()));
            }
            throw e;
        }
    }
}
