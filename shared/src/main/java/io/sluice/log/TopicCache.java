package io.sluice.log;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.meta.TopicStore;
import io.sluice.meta.TopicConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Topic configurations, cached for a short time so the produce and fetch paths read only partition
 * heads. A cached entry is checked against every head read: a head of another incarnation makes the
 * caller {@link #refresh} it. Unknown topics are never cached.
 */
public final class TopicCache {

    private record Cached(TopicConfig config, long expiresAt) {
    }

    private final TopicStore metadata;
    private final Clock clock;
    private final long ttlMillis;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public TopicCache(TopicStore metadata, Clock clock, Duration ttl) {
        this.metadata = metadata;
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
    }

    /** @throws SluiceException UNKNOWN_TOPIC, INVALID_TOPIC_NAME */
    public TopicConfig get(String name) {
        Cached cached = cache.get(name);
        if (cached != null && cached.expiresAt() > clock.millis()) {
            return cached.config();
        }
        return refresh(name);
    }

    /** The topic's configuration if a fresh one is cached; never reads the store. */
    public java.util.Optional<TopicConfig> peek(String name) {
        Cached cached = cache.get(name);
        return cached != null && cached.expiresAt() > clock.millis() ? java.util.Optional.of(cached.config())
                : java.util.Optional.empty();
    }

    /** Reads the topic from the store, bypassing the cache. */
    public TopicConfig refresh(String name) {
        TopicConfig.validateName(name);
        TopicConfig config = metadata.getTopic(name).orElse(null);
        if (config == null) {
            cache.remove(name);
            throw new SluiceException(ErrorCode.UNKNOWN_TOPIC, "unknown topic " + name);
        }
        cache.put(name, new Cached(config, clock.millis() + ttlMillis));
        return config;
    }

    public void invalidate(String name) {
        cache.remove(name);
    }
}
