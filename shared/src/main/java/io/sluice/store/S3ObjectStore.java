package io.sluice.store;

import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
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

    private byte[] read(String key, GetObjectRequest request) {
        try {
            return s3.getObjectAsBytes(request).asByteArray();
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
