package io.sluice.tests.subscription;

import com.sun.net.httpserver.HttpServer;
import io.sluice.LogServices;
import io.sluice.group.GroupStore;
import io.sluice.log.Backoff;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.maintenance.Maintenance;
import io.sluice.meta.MetadataStore;
import io.sluice.metrics.Metrics;
import io.sluice.share.InMemoryShareGroupStore;
import io.sluice.store.ObjectStore;
import io.sluice.subscription.Dispatch;
import io.sluice.subscription.Dispatcher;
import io.sluice.subscription.Lane;
import io.sluice.subscription.Subscription;
import io.sluice.subscription.SubscriptionService;
import io.sluice.subscription.SubscriptionStore;
import io.sluice.subscription.SubscriptionWiring;
import io.sluice.subscription.Target;
import io.sluice.tests.support.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The subscriptions' real actors in one process, on injected time: the log services with a dispatcher
 * whose starts are recorded (the test runs them, on the threads it chooses), a subscription store whose
 * calls are counted and can be held at a hook, and an http target server in this test.
 */
final class Harness implements AutoCloseable {

    static final long LEASE_MS = 30_000 + 10_000;

    final MutableClock clock = new MutableClock(1_000_000_000L);
    final HookedStore store;
    final LogServices log;
    final ConcurrentLinkedQueue<Dispatch> dispatched = new ConcurrentLinkedQueue<>();
    final TargetScript script = new TargetScript();
    final AtomicReference<CountDownLatch> holdTarget = new AtomicReference<>();
    final CountDownLatch targetHeld = new CountDownLatch(1);
    private final HttpServer server;

    Harness(ObjectStore objects, MetadataStore metadata, GroupStore groups, SubscriptionStore subscriptions) {
        store = new HookedStore(subscriptions);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] request = exchange.getRequestBody().readAllBytes();
            CountDownLatch hold = holdTarget.getAndSet(null);
            if (hold != null) {
                targetHeld.countDown();
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            TargetScript.Answer answer = script.receive(request);
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        SubscriptionWiring wiring = new SubscriptionWiring(store, dispatched::add, null, Duration.ofSeconds(30), true,
                new Dispatcher.Settings(100, 1_000, 10_000), Runnable::run, millis -> clock.advance(millis));
        log = LogServices.create(objects, metadata, groups, new InMemoryShareGroupStore(), clock, Backoff.NONE,
                Metrics.NOOP, ProduceService.newPool(4), Maintenance.Settings.DEFAULT, wiring);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void topic(String name, int partitions) {
        log.topics().create(new io.sluice.log.TopicService.CreateTopic(name, partitions, null, null, null, null));
    }

    Subscription subscribe(String name, String topic, Integer retries, String deadLetterTopic) {
        return log.subscriptions().service().create(new SubscriptionService.Create(name, topic, Target.http(url(), null),
                null, null, retries, null, deadLetterTopic, null, null));
    }

    void produce(String topic, int partition, String... values) {
        List<ProduceRecord> records = new ArrayList<>();
        for (String v : values) {
            records.add(new ProduceRecord(null, v.getBytes(StandardCharsets.UTF_8), List.of(), partition, null));
        }
        log.producer().produce(topic, records);
    }

    Dispatcher.Result run(Dispatch d) {
        return log.subscriptions().dispatcher().run(d, clock.millis() + 300_000);
    }

    Lane lane(Dispatch d) {
        return store.delegate.lane(d).orElseThrow();
    }

    @Override
    public void close() {
        CountDownLatch hold = holdTarget.getAndSet(null);
        if (hold != null) {
            hold.countDown();
        }
        server.stop(0);
    }

    /** A store that counts calls (by method) and runs a hook before each lane read. */
    static final class HookedStore implements SubscriptionStore {
        final SubscriptionStore delegate;
        final Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();
        volatile Consumer<Dispatch> beforeLaneRead = d -> { };

        HookedStore(SubscriptionStore delegate) {
            this.delegate = delegate;
        }

        private void count(String method) {
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        }

        int total() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        @Override
        public Optional<Subscription> get(String name) {
            count("get");
            return delegate.get(name);
        }

        @Override
        public boolean put(long expectedVersion, Subscription next) {
            count("put");
            return delegate.put(expectedVersion, next);
        }

        @Override
        public boolean delete(String name, long expectedVersion) {
            count("delete");
            return delegate.delete(name, expectedVersion);
        }

        @Override
        public List<Subscription> list() {
            count("list");
            return delegate.list();
        }

        @Override
        public void index(String topic, String name, int factor) {
            count("index");
            delegate.index(topic, name, factor);
        }

        @Override
        public void unindex(String topic, String name) {
            count("unindex");
            delegate.unindex(topic, name);
        }

        @Override
        public Map<String, Integer> byTopic(String topic) {
            count("byTopic");
            return delegate.byTopic(topic);
        }

        @Override
        public Optional<Lane> lane(Dispatch dispatch) {
            count("lane");
            beforeLaneRead.accept(dispatch);
            return delegate.lane(dispatch);
        }

        @Override
        public boolean putLane(long expectedVersion, Lane next) {
            count("putLane");
            return delegate.putLane(expectedVersion, next);
        }

        @Override
        public List<Lane> lanes(String name) {
            count("lanes");
            return delegate.lanes(name);
        }

        @Override
        public void deleteLane(Dispatch dispatch) {
            count("deleteLane");
            delegate.deleteLane(dispatch);
        }

        @Override
        public void mark(Dispatch dispatch, String token) {
            count("mark");
            delegate.mark(dispatch, token);
        }

        @Override
        public boolean unmark(Dispatch dispatch, String token) {
            count("unmark");
            return delegate.unmark(dispatch, token);
        }

        @Override
        public List<Marker> marked() {
            count("marked");
            return delegate.marked();
        }
    }
}
