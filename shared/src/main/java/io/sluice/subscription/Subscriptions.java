package io.sluice.subscription;

/** The subscriptions' services, wired: the admin API's service, the dispatcher, the sweep, the trigger. */
public record Subscriptions(SubscriptionService service, Dispatcher dispatcher, Sweep sweep,
                            SubscriptionTrigger trigger) {
}
