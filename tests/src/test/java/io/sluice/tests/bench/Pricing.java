package io.sluice.tests.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Dollars per GiB from the requests the benchmark counted, at the us-east-1 list prices in
 * docs/pricing.md, next to Kinesis Data Streams on-demand, MSK Serverless and SQS. Prices are inputs,
 * not measurements; the request counts are measured.
 */
final class Pricing {

    static final double S3_PUT = 0.005 / 1_000;
    static final double S3_GET = 0.0004 / 1_000;
    static final double DYNAMO_WRITE_UNIT = 0.625 / 1_000_000;
    static final double DYNAMO_READ_UNIT = 0.125 / 1_000_000;
    static final double LAMBDA_REQUEST = 0.20 / 1_000_000;
    static final double LAMBDA_GB_SECOND = 0.0000166667;
    static final double HTTP_API_REQUEST = 1.00 / 1_000_000;
    /** Assumed, not measured: each invocation runs 100 ms at 1,024 MB. */
    static final double ASSUMED_GB_SECONDS_PER_INVOCATION = 0.1;
    static final double KINESIS_ON_DEMAND_IN_PER_GB = 0.08;
    static final double KINESIS_ON_DEMAND_OUT_PER_GB = 0.04;
    static final double MSK_SERVERLESS_IN_PER_GB = 0.10;
    static final double MSK_SERVERLESS_OUT_PER_GB = 0.05;
    static final double SQS_PER_REQUEST = 0.40 / 1_000_000;
    static final double GIB_IN_GB = 1.073741824;

    private Pricing() {
    }

    static void emitCosts(BiFunction<String, Map<String, Object>, Map<String, Object>> emit,
                          List<Map<String, Object>> results) {
        Map<String, Object> produce = results.stream().filter(r -> r.get("measurement").equals("produce_service")
                && r.get("batchBytes").equals(1 << 20) && r.get("partitions").equals(1) && r.get("producers").equals(1))
                .findFirst().orElseThrow();
        Map<String, Object> replay = results.stream().filter(r -> r.get("measurement").equals("fetch_replay"))
                .findFirst().orElseThrow();
        double puts = (double) produce.get("s3PutsPerMiB");
        double reads = (double) produce.get("dynamoReadsPerMiB");
        double writes = (double) produce.get("dynamoWritesPerMiB");
        double invocationsIn = 1.0;
        double perMiBIn = puts * S3_PUT + reads * DYNAMO_READ_UNIT + writes * DYNAMO_WRITE_UNIT
                + invocationsIn * (LAMBDA_REQUEST + ASSUMED_GB_SECONDS_PER_INVOCATION * LAMBDA_GB_SECOND + HTTP_API_REQUEST);
        double fetchCalls = (double) replay.get("fetchCallsPerMiB");
        double perMiBOut = (double) replay.get("s3GetsPerMiB") * S3_GET
                + (double) replay.get("dynamoReadsPerMiB") * DYNAMO_READ_UNIT
                + fetchCalls * (LAMBDA_REQUEST + ASSUMED_GB_SECONDS_PER_INVOCATION * LAMBDA_GB_SECOND + HTTP_API_REQUEST);
        double sluiceIn = perMiBIn * 1024;
        double sluiceOut = perMiBOut * 1024;
        double kinesisIn = KINESIS_ON_DEMAND_IN_PER_GB * GIB_IN_GB;
        double kinesisOut = KINESIS_ON_DEMAND_OUT_PER_GB * GIB_IN_GB;
        double sqsIn = 16_384 * SQS_PER_REQUEST;
        double sqsOut = (16_384 + 16_384 / 10.0) * SQS_PER_REQUEST;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("batchBytes", 1 << 20);
        fields.put("requestsPerMiBIn", Map.of("s3Put", puts, "dynamoRead", reads, "dynamoWrite", writes,
                "invocations", invocationsIn));
        fields.put("requestsPerMiBOut", Map.of("s3Get", replay.get("s3GetsPerMiB"),
                "dynamoRead", replay.get("dynamoReadsPerMiB"), "invocations", fetchCalls));
        fields.put("sluiceDollarsPerGiBIn", round(sluiceIn));
        fields.put("sluiceDollarsPerGiBOut", round(sluiceOut));
        fields.put("kinesisOnDemandDollarsPerGiBIn", round(kinesisIn));
        fields.put("kinesisOnDemandDollarsPerGiBOut", round(kinesisOut));
        fields.put("mskServerlessDollarsPerGiBIn", round(MSK_SERVERLESS_IN_PER_GB * GIB_IN_GB));
        fields.put("mskServerlessDollarsPerGiBOut", round(MSK_SERVERLESS_OUT_PER_GB * GIB_IN_GB));
        fields.put("sqsDollarsPerGiBIn", round(sqsIn));
        fields.put("sqsDollarsPerGiBOut", round(sqsOut));
        fields.put("ratioToKinesisIn", round(sluiceIn / kinesisIn));
        emit.apply("cost", fields);
    }

    private static double round(double v) {
        return Math.round(v * 100_000) / 100_000.0;
    }
}
