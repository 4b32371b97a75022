package io.sluice.tests.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Dollars per GiB from the units AWS bills, counted by {@link BilledUnits} from every response (DynamoDB
 * read and write units by item size, S3 requests by price class), at the us-east-1 on-demand list prices
 * in docs/pricing.md, next to Kinesis Data Streams on-demand, MSK Serverless and SQS. Prices are inputs,
 * not measurements; the units are measured. Lambda duration is assumed (100 ms at 1 GB an invocation).
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

    /** One Lambda invocation behind the HTTP API, at the assumed duration. */
    static final double INVOCATION = LAMBDA_REQUEST + ASSUMED_GB_SECONDS_PER_INVOCATION * LAMBDA_GB_SECOND
            + HTTP_API_REQUEST;

    /**
     * The figures of one batch size: {@code calls} produce calls of {@code batchBytes} ({@code gibIn} GiB in
     * all) that were billed {@code in}, and a replay of them in {@code fetches} fetches billed {@code out}; $/GiB
     * each way, and the peers' at the same batch size.
     */
    static Map<String, Object> byBatch(int batchBytes, int calls, double gibIn, BilledUnits.Units in, long fetches,
                                       BilledUnits.Units out) {
        double dynamoIn = in.allWriteUnits() * DYNAMO_WRITE_UNIT + in.readUnits() * DYNAMO_READ_UNIT;
        double s3In = in.s3Puts() * S3_PUT + in.s3Gets() * S3_GET;
        double lambdaIn = calls * INVOCATION;
        double dynamoOut = out.allWriteUnits() * DYNAMO_WRITE_UNIT + out.readUnits() * DYNAMO_READ_UNIT;
        double s3Out = out.s3Puts() * S3_PUT + out.s3Gets() * S3_GET;
        double lambdaOut = fetches * INVOCATION;
        // SQS bills every 64 KB of a request's payload as one request; a batch is one send at least
        double sqsRequestsPerCall = Math.max(1, Math.ceil(batchBytes / 65_536.0));
        double sqsIn = sqsRequestsPerCall * SQS_PER_REQUEST / (batchBytes / (double) (1L << 30));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("batchBytes", batchBytes);
        fields.put("calls", calls);
        fields.put("writeUnitsPerCall", round2(in.writeUnits() / calls));
        fields.put("failedWriteUnitsPerCall", round2(in.failedWriteUnits() / calls));
        fields.put("readUnitsPerCall", round2(in.readUnits() / calls));
        fields.put("s3PutsPerCall", round2(in.s3Puts() / calls));
        fields.put("fetches", fetches);
        fields.put("readUnitsPerFetch", round2(out.readUnits() / fetches));
        fields.put("s3GetsPerFetch", round2(out.s3Gets() / fetches));
        fields.put("dollarsPerGiBIn", round((dynamoIn + s3In + lambdaIn) / gibIn));
        fields.put("dynamoDollarsPerGiBIn", round(dynamoIn / gibIn));
        fields.put("s3DollarsPerGiBIn", round(s3In / gibIn));
        fields.put("lambdaDollarsPerGiBIn", round(lambdaIn / gibIn));
        fields.put("dollarsPerGiBOut", round((dynamoOut + s3Out + lambdaOut) / gibIn));
        fields.put("kinesisOnDemandDollarsPerGiBIn", round(KINESIS_ON_DEMAND_IN_PER_GB * GIB_IN_GB));
        fields.put("mskServerlessDollarsPerGiBIn", round(MSK_SERVERLESS_IN_PER_GB * GIB_IN_GB));
        fields.put("sqsDollarsPerGiBIn", round(sqsIn));
        return fields;
    }

    /**
     * The headline cost, at 1 MiB batches: Sluice's $/GiB in and out from the billed units counted at that
     * batch size ({@code cost_by_batch}), next to Kinesis on-demand, MSK Serverless and SQS.
     */
    static void emitCosts(BiFunction<String, Map<String, Object>, Map<String, Object>> emit,
                          List<Map<String, Object>> results) {
        Map<String, Object> mib = results.stream().filter(r -> r.get("measurement").equals("cost_by_batch")
                && r.get("batchBytes").equals(1 << 20)).findFirst().orElseThrow();
        double sluiceIn = (double) mib.get("dollarsPerGiBIn");
        double sluiceOut = (double) mib.get("dollarsPerGiBOut");
        double kinesisIn = KINESIS_ON_DEMAND_IN_PER_GB * GIB_IN_GB;
        double kinesisOut = KINESIS_ON_DEMAND_OUT_PER_GB * GIB_IN_GB;
        double sqsIn = 16_384 * SQS_PER_REQUEST;
        double sqsOut = (16_384 + 16_384 / 10.0) * SQS_PER_REQUEST;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("batchBytes", 1 << 20);
        fields.put("countedFrom", "billed units (ConsumedCapacity) and S3 requests, cost_by_batch at 1 MiB");
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

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double round(double v) {
        return Math.round(v * 100_000) / 100_000.0;
    }
}
