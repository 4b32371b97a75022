package io.sluice.tests.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.client.OutcomeUnknownException;
import io.sluice.client.SluiceAdmin;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceProducer;
import io.sluice.client.wire.Wire;
import io.sluice.tests.support.FaultProxy;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import io.sluice.tests.support.MutableClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The producer problems of issue 22, each reproduced against the in-process local stack through a
 * {@link FaultProxy} that loses answers, throttles and delays, as API Gateway and Lambda can. Each test
 * is named after the problem it reproduces and fails on the producer before the fix. Nothing of the
 * producer is mocked.
 */
@ExtendWith(LocalStackExtension.class)
class ProducerFaultTest {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final String UNAVAILABLE = "{\"error\":\"UNAVAILABLE\",\"message\":\"DynamoDB timed out\"}";

    private final SluiceHttp direct;
    private final SluiceAdmin admin;
    private final FaultProxy proxy;
    private final SluiceHttp viaProxy;
    private final List<SluiceProducer> producers = new ArrayList<>();

    ProducerFaultTest(HttpApiClient api) {
        this.direct = new SluiceHttp(SluiceHttp.Config.of(api.endpoint()));
        this.admin = new SluiceAdmin(direct);
        this.proxy = new FaultProxy(api.endpoint());
        this.viaProxy = new SluiceHttp(SluiceHttp.Config.of(proxy.endpoint()));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (SluiceProducer producer : producers) {
            producer.close(Duration.ofSeconds(5));
        }
        proxy.close();
    }

    private String topic(String what, int partitions, Integer maxRecordBytes) {
        String name = what + "-" + TOPICS.incrementAndGet() + "-" + System.nanoTime() % 100_000;
        admin.createTopic(name, partitions, null, null, maxRecordBytes);
        return name;
    }

    private SluiceProducer producer(SluiceProducer.Config config) {
        SluiceProducer producer = new SluiceProducer(viaProxy, config);
        producers.add(producer);
        return producer;
    }

    private static SluiceProducer.Config fast() {
        return SluiceProducer.Config.defaults().withLinger(Duration.ZERO).withRetryBackoff(Duration.ofMillis(20));
    }

    private static SluiceProducer.Record record(String topic, int partition, String value) {
        return new SluiceProducer.Record(topic, null, value.getBytes(UTF_8), Map.of(), partition, null);
    }

    private List<String> values(String topic, int partition) {
        Wire.FetchResponse fetched = direct.get("/topics/" + topic + "/partitions/" + partition + "/records?offset=0",
                Wire.FetchResponse.class);
        return fetched.records().stream().map(r -> new String(Base64.getDecoder().decode(r.value()), UTF_8)).toList();
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the future succeeded");
    }

    /**
     * Problem 1, first way: a 503 after the write happened, retries exhausted. A was written but failed;
     * the producer then sent B with A's sequence and the server answered it as a duplicate: B was
     * acknowledged at A's offset and never written. Now A fails as outcome-unknown, the producer bumps
     * its epoch (same id) before the next batch, and B is written after A.
     */
    @Test
    void problem1_aRecordSentAfterAnUnknownOutcomeIsWrittenNotTakenForADuplicate() throws Exception {
        String topic = topic("p1", 1, null);
        AtomicInteger produces = new AtomicInteger();
        AtomicBoolean outage = new AtomicBoolean(true);
        proxy.rule(r -> !r.isProduce() ? FaultProxy.PASS
                : produces.incrementAndGet() == 1 ? new FaultProxy.LoseAnswer(503, UNAVAILABLE)
                : outage.get() ? new FaultProxy.Refuse(503, UNAVAILABLE) : FaultProxy.PASS);
        SluiceProducer producer = producer(fast().withDeliveryTimeout(Duration.ofSeconds(1)));

        Throwable a = failure(producer.send(record(topic, 0, "A")));
        outage.set(false);
        SluiceProducer.Metadata b = producer.send(record(topic, 0, "B")).get(30, TimeUnit.SECONDS);

        assertThat(values(topic, 0)).as("A was written before its answer was lost; B must be written too")
                .containsExactly("A", "B");
        assertThat(b.offset()).as("B's acknowledged offset holds B").isEqualTo(1);
        assertThat(a).isInstanceOf(OutcomeUnknownException.class).hasMessageContaining("outcome is unknown");
        List<FaultProxy.Request> inits = proxy.log().stream().map(FaultProxy.Logged::request)
                .filter(FaultProxy.Request::isInit).toList();
        assertThat(inits).as("init, then one epoch bump before B").hasSize(2);
        List<FaultProxy.Request> produced = proxy.log().stream().map(FaultProxy.Logged::request)
                .filter(FaultProxy.Request::isProduce).toList();
        FaultProxy.Request first = produced.get(0);
        FaultProxy.Request last = produced.get(produced.size() - 1);
        assertThat(inits.get(1).json().path("producerId").asLong()).as("the same id, not a new one")
                .isEqualTo(first.json().path("producerId").asLong());
        assertThat(inits.get(1).json().path("producerEpoch").asLong()).as("the bump names the epoch it replaces")
                .isEqualTo(first.json().path("producerEpoch").asLong());
        assertThat(last.json().path("producerEpoch").asLong()).isEqualTo(first.json().path("producerEpoch").asLong() + 1);
        assertThat(last.json().path("sequences").get(0).path("sequence").asLong()).as("sequences restart").isZero();
    }

    /**
     * Problem 1, second way: a call over two partitions fails after both were written (the answer is a
     * 5xx). Every future failed, and the next record to partition 0 was dropped with a success.
     */
    @Test
    void problem1_aFailedCallOverTwoPartitionsDoesNotDropTheNextRecord() throws Exception {
        String topic = topic("p1b", 2, null);
        AtomicInteger produces = new AtomicInteger();
        AtomicBoolean outage = new AtomicBoolean(true);
        proxy.rule(r -> !r.isProduce() ? FaultProxy.PASS
                : produces.incrementAndGet() == 1 ? new FaultProxy.LoseAnswer(503,
                "{\"error\":\"CONTENTION\",\"message\":\"partition 1 lost 64 commit races in a row\"}")
                : outage.get() ? new FaultProxy.Refuse(503, UNAVAILABLE) : FaultProxy.PASS);
        SluiceProducer producer = producer(fast().withLinger(Duration.ofMillis(200))
                .withDeliveryTimeout(Duration.ofSeconds(1)));

        CompletableFuture<SluiceProducer.Metadata> a0 = producer.send(record(topic, 0, "A0"));
        CompletableFuture<SluiceProducer.Metadata> a1 = producer.send(record(topic, 1, "A1"));
        assertThat(failure(a0)).isInstanceOf(OutcomeUnknownException.class);
        assertThat(failure(a1)).isInstanceOf(OutcomeUnknownException.class);
        assertThat(produces.get()).as("both partitions went in one call").isGreaterThan(1);
        assertThat(proxy.log()).filteredOn(l -> l.request().isProduce()).as("both partitions went in one call")
                .allSatisfy(l -> assertThat(l.request().json().path("records").size()).as(l.toString()).isEqualTo(2));
        outage.set(false);
        SluiceProducer.Metadata b0 = producer.send(record(topic, 0, "B0")).get(30, TimeUnit.SECONDS);

        assertThat(values(topic, 0)).containsExactly("A0", "B0");
        assertThat(b0.offset()).isEqualTo(1);
        assertThat(values(topic, 1)).containsExactly("A1");
    }

    /**
     * Problem 2: a partition that has forgotten the producer answers UNKNOWN_PRODUCER to its old id and
     * epoch, for good; the producer never re-initialized, so every later send there failed. Now it bumps
     * its epoch and sends the refused batch again.
     */
    @Test
    void problem2_aPartitionThatForgotTheProducerMakesItReinitialize() throws Exception {
        String topic = topic("p2", 1, null);
        AtomicReference<String> forgotten = new AtomicReference<>();
        AtomicBoolean forget = new AtomicBoolean(false);
        proxy.rule(r -> {
            if (!r.isProduce()) {
                return FaultProxy.PASS;
            }
            String identity = r.json().path("producerId").asText() + "@" + r.json().path("producerEpoch").asText();
            forgotten.compareAndSet(null, identity);
            return forget.get() && identity.equals(forgotten.get()) ? new FaultProxy.Refuse(409,
                    "{\"error\":\"UNKNOWN_PRODUCER\",\"message\":\"partition has no state for the producer\"}")
                    : FaultProxy.PASS;
        });
        SluiceProducer producer = producer(fast());
        producer.send(record(topic, 0, "A")).get(30, TimeUnit.SECONDS);
        forget.set(true);
        producer.send(record(topic, 0, "B")).get(30, TimeUnit.SECONDS);
        producer.send(record(topic, 0, "C")).get(30, TimeUnit.SECONDS);

        assertThat(values(topic, 0)).containsExactly("A", "B", "C");
        assertThat(proxy.count(FaultProxy.Request::isInit)).isEqualTo(2);
    }

    /** Problem 2, further: when the server has lost the producer id itself, the bump gives way to a fresh init. */
    @Test
    void problem2_aProducerIdTheServerNoLongerKnowsIsReplacedByAFreshOne() throws Exception {
        String topic = topic("p2b", 1, null);
        AtomicReference<String> first = new AtomicReference<>();
        AtomicBoolean lost = new AtomicBoolean(false);
        String unknown = "{\"error\":\"UNKNOWN_PRODUCER\",\"message\":\"producer id was never initialized\"}";
        proxy.rule(r -> {
            if (r.isInit()) {
                return lost.get() && r.json() != null && r.json().has("producerId")
                        ? new FaultProxy.Refuse(409, unknown) : FaultProxy.PASS;
            }
            if (!r.isProduce()) {
                return FaultProxy.PASS;
            }
            String id = r.json().path("producerId").asText();
            first.compareAndSet(null, id);
            return lost.get() && id.equals(first.get()) ? new FaultProxy.Refuse(409, unknown) : FaultProxy.PASS;
        });
        SluiceProducer producer = producer(fast());
        producer.send(record(topic, 0, "A")).get(30, TimeUnit.SECONDS);
        lost.set(true);
        producer.send(record(topic, 0, "B")).get(30, TimeUnit.SECONDS);
        assertThat(values(topic, 0)).containsExactly("A", "B");
        assertThat(proxy.log()).filteredOn(l -> l.request().isInit()).extracting(l -> l.request().json() != null
                && l.request().json().has("producerId")).as("init, a refused bump, a fresh init")
                .containsExactly(false, true, false);
    }

    /**
     * Problem 5, memory: in an outage a producer asked to send 1 GiB holds at most bufferMemory; send()
     * refuses beyond it after maxBlock. Measured on the heap after GC.
     */
    @Test
    void problem5_anOutageStopsSendsAtBufferMemoryAndTheHeapStaysBounded() throws Exception {
        String topic = topic("p5mem", 1, 2 << 20);
        proxy.rule(r -> r.isProduce() ? new FaultProxy.Refuse(503, UNAVAILABLE) : FaultProxy.PASS);
        long bufferMemory = 8L << 20;
        SluiceProducer producer = producer(fast().withBufferMemory(bufferMemory).withMaxBlock(Duration.ofMillis(1))
                .withDeliveryTimeout(Duration.ofMinutes(10)));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        int record = 1 << 20;
        long offered = 0;
        List<CompletableFuture<SluiceProducer.Metadata>> futures = new ArrayList<>();
        while (offered < (1L << 30)) {
            futures.add(producer.send(new SluiceProducer.Record(topic, null, new byte[record], Map.of(), 0, null)));
            offered += record;
        }
        long after = usedAfterGc(memory);
        long refused = futures.stream().filter(f -> f.isCompletedExceptionally() && exhausted(f)).count();
        long held = futures.stream().filter(f -> !f.isDone()).count();
        System.out.printf("producer memory: offered %,d bytes in %,d records during an outage; %,d held, %,d refused;"
                + " heap used after GC %,d -> %,d bytes (+%,d), bufferMemory %,d%n", offered, futures.size(), held,
                refused, before, after, after - before, bufferMemory);
        assertThat(held * (record * 4L / 3)).as("records held, as JSON").isLessThanOrEqualTo(bufferMemory);
        assertThat(held + refused).isEqualTo(futures.size());
        producer.close(Duration.ZERO);
        long closed = usedAfterGc(memory);
        System.out.printf("producer memory: heap used after close %,d bytes: the producer held %,d%n", closed,
                after - closed);
        assertThat(after - closed).as("heap the producer released on close").isLessThan(2 * bufferMemory);
        assertThat(after - before).as("heap growth of the whole JVM (local stack included) while offering 1 GiB")
                .isLessThan(8 * bufferMemory);

        SluiceProducer blocking = producer(fast().withBufferMemory(2L << 20).withMaxBlock(Duration.ofMillis(300))
                .withDeliveryTimeout(Duration.ofMinutes(10)));
        blocking.send(new SluiceProducer.Record(topic, null, new byte[record], Map.of(), 0, null));
        long start = System.nanoTime();
        CompletableFuture<SluiceProducer.Metadata> second =
                blocking.send(new SluiceProducer.Record(topic, null, new byte[record], Map.of(), 0, null));
        long blockedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(blockedMs).as("send() blocked up to maxBlock").isGreaterThanOrEqualTo(290);
        assertThat(exhausted(second)).isTrue();
    }

    private static boolean exhausted(CompletableFuture<?> f) {
        try {
            f.getNow(null);
            return false;
        } catch (Exception e) {
            return e.getCause() instanceof SluiceClientException s && "BUFFER_EXHAUSTED".equals(s.code());
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * Problem 5, delivery timeout: it started when a batch was dequeued, so a record queued behind a
     * hanging call got a whole new timeout once that call gave up (B failed about 4 s after its send with
     * a 2 s timeout). Now it counts from send(), and no attempt outlives it.
     */
    @Test
    void problem5_theDeliveryTimeoutCountsFromSend() throws Exception {
        String topic = topic("p5dt", 1, null);
        proxy.rule(r -> r.isProduce() ? new FaultProxy.Hang(Duration.ofMillis(2_500), 503, UNAVAILABLE)
                : FaultProxy.PASS);
        SluiceProducer producer = producer(fast().withDeliveryTimeout(Duration.ofSeconds(2)));
        CompletableFuture<SluiceProducer.Metadata> a = producer.send(record(topic, 0, "A"));
        Thread.sleep(1_000);
        long sent = System.nanoTime();
        CompletableFuture<SluiceProducer.Metadata> b = producer.send(record(topic, 0, "B"));
        failure(b);
        long ms = (System.nanoTime() - sent) / 1_000_000;
        assertThat(a).isCompletedExceptionally();
        assertThat(ms).as("B failed at its delivery timeout of 2 s after its send(), not ~4 s").isLessThan(3_000);
    }

    /** Problem 5, topics one after another: a slow topic held up every other. Now topics go in parallel. */
    @Test
    void problem5_topicsAreSentInParallel() throws Exception {
        String slow = topic("p5slow", 1, null);
        String quick = topic("p5quick", 1, null);
        proxy.rule(r -> r.isProduce() && r.path().contains(slow) ? new FaultProxy.Delay(Duration.ofSeconds(6))
                : FaultProxy.PASS);
        SluiceProducer producer = producer(fast().withLinger(Duration.ofMillis(50)));
        CompletableFuture<SluiceProducer.Metadata> s = producer.send(record(slow, 0, "slow"));
        CompletableFuture<SluiceProducer.Metadata> q = producer.send(record(quick, 0, "quick"));
        q.get(4, TimeUnit.SECONDS);
        assertThat(s).as("the slow topic's call is still in flight").isNotDone();
        s.get(30, TimeUnit.SECONDS);
    }

    /**
     * Problem 7: flush() waited for an empty queue, so with another thread sending it never returned. Now
     * it waits for exactly the records sent before it.
     */
    @Test
    void problem7_flushWaitsForTheRecordsSentBeforeItNotForAnEmptyQueue() throws Exception {
        String topic = topic("p7", 2, null);
        proxy.rule(r -> r.isProduce() ? new FaultProxy.Delay(Duration.ofMillis(20)) : FaultProxy.PASS);
        SluiceProducer producer = producer(fast().withLinger(Duration.ofMillis(5)).withBufferMemory(256 << 10));
        AtomicBoolean stop = new AtomicBoolean(false);
        Thread other = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                producer.send(record(topic, i++ % 2, "other"));
            }
        });
        other.start();
        try {
            Thread.sleep(200);
            List<CompletableFuture<SluiceProducer.Metadata>> mine = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                mine.add(producer.send(record(topic, i % 2, "mine-" + i)));
            }
            assertTimeoutPreemptively(Duration.ofSeconds(20), producer::flush);
            assertThat(mine).allSatisfy(f -> assertThat(f).isCompleted());
        } finally {
            stop.set(true);
            other.join();
        }
    }

    /**
     * Problem 8: one oversized record failed every record in its call, and the size estimate left headers
     * out. Now the client checks maxRecordBytes (headers counted) and the request limit per record.
     */
    @Test
    void problem8_oneOversizedRecordFailsAloneAndTheOthersAreSent() throws Exception {
        String topic = topic("p8", 1, 1_000);
        SluiceProducer producer = producer(fast().withLinger(Duration.ofMillis(300)));
        CompletableFuture<SluiceProducer.Metadata> ok1 = producer.send(record(topic, 0, "ok1"));
        CompletableFuture<SluiceProducer.Metadata> big = producer.send(record(topic, 0, "x".repeat(2_000)));
        CompletableFuture<SluiceProducer.Metadata> headers = producer.send(new SluiceProducer.Record(topic, null,
                "small".getBytes(UTF_8), Map.of("h1", new byte[600], "h2", new byte[600]), 0, null));
        CompletableFuture<SluiceProducer.Metadata> ok2 = producer.send(record(topic, 0, "ok2"));
        ok1.get(30, TimeUnit.SECONDS);
        ok2.get(30, TimeUnit.SECONDS);
        assertThat(failure(big)).isInstanceOfSatisfying(SluiceClientException.class,
                e -> assertThat(e.code()).isEqualTo("RECORD_TOO_LARGE"));
        assertThat(failure(headers)).as("headers count").isInstanceOfSatisfying(SluiceClientException.class,
                e -> assertThat(e.code()).isEqualTo("RECORD_TOO_LARGE"));
        assertThat(values(topic, 0)).containsExactly("ok1", "ok2");

        String wide = topic("p8req", 1, null);
        SluiceProducer small = producer(fast().withLinger(Duration.ofMillis(300)).withMaxRequestBytes(64 << 10));
        CompletableFuture<SluiceProducer.Metadata> fits = small.send(record(wide, 0, "y".repeat(40 << 10)));
        CompletableFuture<SluiceProducer.Metadata> over = small.send(record(wide, 0, "z".repeat(60 << 10)));
        fits.get(30, TimeUnit.SECONDS);
        assertThat(failure(over)).as("60 KiB is 80 KiB of base64").isInstanceOfSatisfying(SluiceClientException.class,
                e -> assertThat(e.code()).isEqualTo("REQUEST_TOO_LARGE"));
        assertThat(values(wide, 0)).hasSize(1).allSatisfy(v -> assertThat(v).startsWith("y"));
    }

    /** Problem 10, through the producer: a new field in the produce answer failed the produce (BAD_RESPONSE). */
    @Test
    void problem10_aNewFieldInTheProduceAnswerDoesNotFailTheProduce() throws Exception {
        String topic = topic("p10", 1, null);
        proxy.rule(r -> r.isProduce() ? new FaultProxy.Pass(body -> body.replaceFirst("\\{", "{\"throttleTimeMs\":0,"))
                : FaultProxy.PASS);
        SluiceProducer.Metadata m = producer(fast()).send(record(topic, 0, "v")).get(30, TimeUnit.SECONDS);
        assertThat(m.offset()).isZero();
    }

    /** Problem 11: API Gateway's 429 was not retried; the record failed at once. */
    @Test
    void problem11_aThrottled429IsRetried() throws Exception {
        String topic = topic("p11", 1, null);
        AtomicInteger produces = new AtomicInteger();
        proxy.rule(r -> r.isProduce() && produces.incrementAndGet() <= 2
                ? new FaultProxy.Refuse(429, "{\"message\":\"Too Many Requests\"}") : FaultProxy.PASS);
        producer(fast()).send(record(topic, 0, "v")).get(30, TimeUnit.SECONDS);
        assertThat(produces.get()).isEqualTo(3);
        assertThat(values(topic, 0)).containsExactly("v");
        assertThat(proxy.count(FaultProxy.Request::isInit)).as("a 429 changed nothing: no epoch bump").isEqualTo(1);
    }

    /** Problem 13: a callback that called flush() deadlocked. Now flush() there fails fast. */
    @Test
    void problem13_flushInACallbackFailsFastInsteadOfDeadlocking() throws Exception {
        String topic = topic("p13f", 1, null);
        proxy.rule(r -> r.isProduce() ? new FaultProxy.Delay(Duration.ofMillis(200)) : FaultProxy.PASS);
        SluiceProducer producer = producer(fast());
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        producer.send(record(topic, 0, "v")).whenComplete((m, e) -> {
            try {
                producer.flush();
                seen.complete(null);
            } catch (Throwable t) {
                seen.complete(t);
            }
        });
        assertThat(seen.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("callback");
    }

    /** Problem 13: send() to a missing topic made one blocking GET per record. */
    @Test
    void problem13_sendToAMissingTopicDoesNotReadTheTopicOncePerRecord() {
        SluiceProducer producer = producer(fast());
        List<CompletableFuture<SluiceProducer.Metadata>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(producer.send(record("missing-topic", 0, "v")));
        }
        assertThat(futures).allSatisfy(f -> assertThatThrownBy(f::join).hasMessageContaining("UNKNOWN_TOPIC"));
        assertThat(proxy.count(r -> r.method().equals("GET") && r.path().equals("/topics/missing-topic")))
                .as("GETs of the missing topic for 100 sends").isLessThanOrEqualTo(2);
    }

    /**
     * Ordering: each partition's records are written in send order while topics and partitions go in
     * parallel, through delays and answers lost after the write (retried with the same sequences).
     */
    @Test
    void eachPartitionKeepsSendOrderWhileTopicsGoInParallelThroughFaults() throws Exception {
        List<String> topics = List.of(topic("order-a", 2, null), topic("order-b", 2, null));
        java.util.Random random = new java.util.Random(22);
        proxy.rule(r -> {
            if (!r.isProduce()) {
                return FaultProxy.PASS;
            }
            synchronized (random) {
                int roll = random.nextInt(10);
                return roll == 0 ? new FaultProxy.LoseAnswer(503, UNAVAILABLE)
                        : roll < 4 ? new FaultProxy.Delay(Duration.ofMillis(random.nextInt(30))) : FaultProxy.PASS;
            }
        });
        SluiceProducer producer = producer(fast().withLinger(Duration.ofMillis(2)).withBatchBytes(2_000));
        List<CompletableFuture<SluiceProducer.Metadata>> futures = new ArrayList<>();
        int perPartition = 300;
        for (int i = 0; i < perPartition; i++) {
            for (String topic : topics) {
                for (int p = 0; p < 2; p++) {
                    futures.add(producer.send(record(topic, p, String.format("%05d", i))));
                }
            }
        }
        producer.flush();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        for (String topic : topics) {
            for (int p = 0; p < 2; p++) {
                List<String> values = values(topic, p);
                assertThat(values).as(topic + "/" + p + ": every record once, in send order").hasSize(perPartition)
                        .isSorted().doesNotHaveDuplicates();
            }
        }
        assertThat(proxy.log()).as("faults were injected").anyMatch(l -> l.fault() instanceof FaultProxy.LoseAnswer);
    }

    /** close(Duration) returns after the timeout, and records not yet sent fail as not written. */
    @Test
    void closeWithATimeoutReturnsAndFailsWhatWasNotSent() throws Exception {
        String topic = topic("close", 1, null);
        proxy.rule(r -> r.isProduce() ? new FaultProxy.Hang(Duration.ofSeconds(2), 503, UNAVAILABLE) : FaultProxy.PASS);
        SluiceProducer producer = new SluiceProducer(viaProxy, fast().withDeliveryTimeout(Duration.ofMinutes(1)));
        CompletableFuture<SluiceProducer.Metadata> inFlight = producer.send(record(topic, 0, "A"));
        Thread.sleep(300);
        CompletableFuture<SluiceProducer.Metadata> queued = producer.send(record(topic, 0, "B"));
        long start = System.nanoTime();
        producer.close(Duration.ofMillis(500));
        assertThat((System.nanoTime() - start) / 1_000_000).as("close returned at its timeout").isLessThan(1_200);
        assertThat(failure(queued)).isInstanceOfSatisfying(SluiceClientException.class,
                e -> assertThat(e.code()).isEqualTo("PRODUCER_CLOSED"));
        assertThat(failure(inFlight)).as("sent, unanswered").isInstanceOf(OutcomeUnknownException.class);
        assertThat(failure(producer.send(record(topic, 0, "C")))).isInstanceOf(IllegalStateException.class);
        assertThat(values(topic, 0)).as("B was never sent").doesNotContain("B");
    }

    /** The producer reads time from its Clock: a delivery timeout passes when the clock says so. */
    @Test
    void theDeliveryTimeoutIsMeasuredOnTheConfiguredClock() throws Exception {
        String topic = topic("clock", 1, null);
        proxy.rule(r -> r.isProduce() ? new FaultProxy.Refuse(503, UNAVAILABLE) : FaultProxy.PASS);
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        SluiceProducer producer = producer(fast().withClock(clock).withDeliveryTimeout(Duration.ofHours(1)));
        CompletableFuture<SluiceProducer.Metadata> a = producer.send(record(topic, 0, "A"));
        Thread.sleep(500);
        assertThat(a).as("an hour has not passed on the clock").isNotDone();
        clock.advance(Duration.ofHours(2).toMillis());
        assertThat(failure(a)).isInstanceOf(OutcomeUnknownException.class);
    }
}
