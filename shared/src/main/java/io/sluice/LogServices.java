package io.sluice;

import io.sluice.client.Partitioner;
import io.sluice.group.GroupService;
import io.sluice.group.GroupStore;
import io.sluice.log.Backoff;
import io.sluice.log.FetchService;
import io.sluice.log.ProduceService;
import io.sluice.log.ProducerRegistry;
import io.sluice.log.ReadCache;
import io.sluice.log.Sleeper;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService;
import io.sluice.maintenance.Maintenance;
import io.sluice.meta.MetadataStore;
import io.sluice.metrics.Metrics;
import io.sluice.share.ShareGroupService;
import io.sluice.share.ShareGroupStore;
import io.sluice.share.ShareGroupStores;
import io.sluice.store.ObjectStore;
import io.sluice.subscription.Dispatcher;
import io.sluice.subscription.InProcessDispatch;
import io.sluice.subscription.SubscriptionService;
import io.sluice.subscription.SubscriptionTrigger;
import io.sluice.subscription.SubscriptionWiring;
import io.sluice.subscription.Subscriptions;
import io.sluice.subscription.Sweep;
import io.sluice.subscription.Targets;
import java.time.Clock;
import java.time.Duration;

/** The log's services wired over one object store, one metadata store and one group store. */
public record LogServices(TopicService topics, ProduceService producer, FetchService fetcher, GroupService groups,
                          ProducerRegistry producers, Maintenance maintenance, ShareGroupService shares,
                          Subscriptions subscriptions) {

    /** Without subscriptions: their routes answer INTERNAL_ERROR. */
    public LogServices(TopicService topics, ProduceService producer, FetchService fetcher, GroupService groups,
                       ProducerRegistry producers, Maintenance maintenance, ShareGroupService shares) {
        this(topics, producer, fetcher, groups, producers, maintenance, shares, null);
    }

    /** Without share groups: their routes answer INTERNAL_ERROR. */
    public LogServices(TopicService topics, ProduceService producer, FetchService fetcher, GroupService groups,
                       ProducerRegistry producers, Maintenance maintenance) {
        this(topics, producer, fetcher, groups, producers, maintenance, null, null);
    }

    /** Threads reading ahead for the fetches of one instance (each fetch has at most 4 GETs in flight). */
    static final int READ_THREADS = 8;

    /** How long a topic's configuration is trusted before it is read again. */
    public static final Duration TOPIC_CACHE_TTL = Duration.ofSeconds(30);
    /** The functions' backoff after a lost conditional write: full jitter scaled to the contention window, 5 to 500 ms. */
    public static final Backoff DEFAULT_BACKOFF = Backoff.adaptiveJitter(5, 500);

    public static LogServices create(ObjectStore objects, MetadataStore metadata, GroupStore groups, Clock clock,
                                     Backoff backoff) {
        return create(objects, metadata, groups, clock, backoff, Metrics.NOOP);
    }

    /** With metrics: records and bytes produced, commit retries, bytes fetched, consumer lag. */
    public static LogServices create(ObjectStore objects, MetadataStore metadata, GroupStore groups, Clock clock,
                                     Backoff backoff, Metrics metrics) {
        return create(objects, metadata, groups, ShareGroupStores.beside(groups), clock, backoff, metrics);
    }

    /** With the share groups' store given (issue 18). */
    public static LogServices create(ObjectStore objects, MetadataStore metadata, GroupStore groups,
                                     ShareGroupStore shares, Clock clock, Backoff backoff, Metrics metrics) {
        return create(objects, metadata, groups, shares, clock, backoff, metrics,
                ProduceService.newPool(ProduceService.DEFAULT_COMMIT_THREADS), Maintenance.Settings.DEFAULT);
    }

    /** With the pool that commits the partitions of one produce call at once (see {@link ProduceService}). */
    public static LogServices create(ObjectStore objects, MetadataStore metadata, GroupStore groups, Clock clock,
                                     Backoff backoff, Metrics metrics, java.util.concurrent.Executor commitPool) {
        return create(objects, metadata, groups, clock, backoff, metrics, commitPool, Maintenance.Settings.DEFAULT);
    }

    /** With maintenance {@code settings} too (see the full form). */
    public static LogServices create(ObjectStore objects, MetadataStore metadata, GroupStore groups, Clock clock,
                                     Backoff backoff, Metrics metrics, java.util.concurrent.Executor commitPool,
                                     Maintenance.Settings settings) {
        return create(objects, metadata, groups, ShareGroupStores.beside(groups), clock, backoff, metrics, commitPool,
                settings);
    }

    /**
     * Every service, wired. The fetcher's read cache lives half of the maintenance {@code settings}' grace
     * period, so that no test or deployment can shorten the grace without shortening the cache with it.
     */
    public static LogServices create(ObjectStore objects, MetadataStore metadata, GroupStore groups,
                                     ShareGroupStore shares, Clock clock, Backoff backoff, Metrics metrics,
                                     java.util.concurrent.Executor commitPool, Maintenance.Settings settings) {
        return create(objects, metadata, groups, shares, clock, backoff, metrics, commitPool, settings,
                SubscriptionWiring.beside(groups));
    }

    /** With the subscriptions wired as {@code subscriptions} says (issue 19). */
    public static LogServices create(ObjectStore objects, MetadataStore metadata, GroupStore groups,
                                     ShareGroupStore shares, Clock clock, Backoff backoff, Metrics metrics,
                                     java.util.concurrent.Executor commitPool, Maintenance.Settings settings,
                                     SubscriptionWiring subscriptions) {
        TopicCache cache = new TopicCache(metadata, clock, TOPIC_CACHE_TTL);
        FetchService fetcher = new FetchService(objects, metadata, cache, clock, Sleeper.SYSTEM, metrics,
                ReadCache.forGracePeriod(clock, settings.graceMs()), ProduceService.newPool(READ_THREADS, "sluice-fetch-read"));
        SubscriptionTrigger trigger = new SubscriptionTrigger(subscriptions.store(), subscriptions.invoker(),
                subscriptions.triggers() ? subscriptions.triggerExecutor() : Runnable::run, clock,
                SubscriptionWiring.TRIGGER_CACHE_TTL);
        ProduceService producer = new ProduceService(objects, metadata, cache, new Partitioner(), clock, backoff, metrics,
                commitPool, subscriptions.triggers() ? trigger::committed : ProduceService.CommitListener.NONE);
        ProducerRegistry producers = new ProducerRegistry(metadata, clock, backoff);
        GroupService groupService = new GroupService(groups, cache, fetcher, clock, backoff, metrics);
        Targets targets = new Targets(java.net.http.HttpClient.newBuilder()
                .connectTimeout(subscriptions.targetTimeout()).build(), subscriptions.lambda(), clock,
                subscriptions.targetTimeout(), subscriptions.allowLoopback());
        Dispatcher dispatcher = new Dispatcher(subscriptions.store(), fetcher, groupService, producer, producers, cache,
                targets, subscriptions.invoker(), clock, subscriptions.sleeper(), metrics, subscriptions.settings());
        Subscriptions subs = new Subscriptions(
                new SubscriptionService(subscriptions.store(), cache, groupService, fetcher, subscriptions.invoker(),
                        trigger, clock, subscriptions.allowLoopback()),
                dispatcher, new Sweep(subscriptions.store(), fetcher, subscriptions.invoker(), clock), trigger);
        if (subscriptions.invoker() instanceof InProcessDispatch inProcess) {
            inProcess.bind(() -> dispatcher);
        }
        return new LogServices(
                new TopicService(metadata, cache, clock),
                producer,
                fetcher,
                groupService,
                producers,
                new Maintenance(objects, metadata, cache, clock, settings, metrics),
                new ShareGroupService(shares, cache, fetcher, producer, producers, clock, Sleeper.SYSTEM, backoff),
                subs);
    }

    /** Production defaults: full-jitter backoff scaled to the contention window, from 5 ms, capped at 500 ms. */
    public static LogServices create(ObjectStore objects, MetadataStore metadata, GroupStore groups, Clock clock) {
        return create(objects, metadata, groups, clock, DEFAULT_BACKOFF);
    }
}
