package io.sluice.subscription;

import io.sluice.log.FetchService;
import java.time.Clock;

/**
 * The scheduled catch-up (every minute): re-triggers every marked lane whose lease has expired and that
 * has lag, and clears the marks of lanes with nothing left to do. It reads only the marks (one Query),
 * and a lane is marked only while a dispatcher holds it or left work undone: an idle subscription costs
 * the sweep no request at all.
 */
public final class Sweep {

    /** How often the template runs the sweep. */
    public static final long PERIOD_MS = 60_000;
    private static final String WATCH = "watch-until-";

    /** A mark the sweep keeps, even without lag, until {@code untilMillis}: a new subscription's lanes. */
    static String watchToken(long untilMillis) {
        return WATCH + untilMillis;
    }

    private static boolean watched(String token, long now) {
        return token.startsWith(WATCH) && Long.parseLong(token.substring(WATCH.length())) > now;
    }

    /** What one pass did. */
    public record Report(int marked, int triggered, int cleared, int busy) {
    }

    private final SubscriptionStore store;
    private final FetchService fetcher;
    private final DispatchInvoker invoker;
    private final Clock clock;

    public Sweep(SubscriptionStore store, FetchService fetcher, DispatchInvoker invoker, Clock clock) {
        this.store = store;
        this.fetcher = fetcher;
        this.invoker = invoker;
        this.clock = clock;
    }

    public Report run() {
        int marked = 0;
        int triggered = 0;
        int cleared = 0;
        int busy = 0;
        for (SubscriptionStore.Marker marker : store.marked()) {
            marked++;
            Dispatch d = marker.dispatch();
            Subscription sub = store.get(d.subscription()).orElse(null);
            Lane lane = sub == null ? null : store.lane(d).orElse(null);
            if (sub == null || lane == null || sub.state() != Subscription.State.ACTIVE) {
                // Deleted, paused or stopped: resume dispatches every lane itself.
                if (store.unmark(d, marker.token())) {
                    cleared++;
                }
                continue;
            }
            if (lane.leasedAt(clock.millis())) {
                busy++;
                continue;
            }
            boolean lag = lane.intent() != null || fetcher.latestOffset(sub.topic(), d.partition()) > lane.position();
            if (lag) {
                try {
                    invoker.dispatch(d);
                    triggered++;
                } catch (RuntimeException e) {
                    System.err.println("{\"level\":\"WARN\",\"event\":\"sweep-trigger-failed\",\"lane\":\""
                            + d + "\",\"error\":" + SubscriptionItems.write(String.valueOf(e.getMessage())) + "}");
                }
            } else if (!watched(marker.token(), clock.millis()) && store.unmark(d, marker.token())) {
                cleared++;
            }
        }
        return new Report(marked, triggered, cleared, busy);
    }
}
