package io.sluice.subscription;

/**
 * One unit of delivery: a lane of one partition of a subscription. With {@code parallelizationFactor} 1
 * the partition has the one lane 0; with N, lane k carries the records whose key hashes to k mod N.
 */
public record Dispatch(String subscription, int partition, int lane) {

    public Dispatch {
        if (partition < 0 || lane < 0 || lane >= Subscription.MAX_PARALLELIZATION_FACTOR) {
            throw new IllegalArgumentException("bad dispatch " + subscription + " " + partition + "/" + lane);
        }
    }

    /** The lane's sort key under its subscription: {@code L#<partition, 10 digits>#<lane, 2 digits>}. */
    public String key() {
        return String.format("L#%010d#%02d", partition, lane);
    }
}
