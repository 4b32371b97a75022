package io.sluice.client;

import io.sluice.client.wire.SubscriptionWire;
import io.sluice.client.wire.Wire;
import java.util.List;

/** Topic and group administration. */
public final class SluiceAdmin {

    private final SluiceHttp http;

    public SluiceAdmin(SluiceHttp http) {
        this.http = http;
    }

    public Wire.Topic createTopic(String name, int partitions, Long retentionMs, Long retentionBytes,
                                  Integer maxRecordBytes) {
        return http.post("/topics", new Wire.CreateTopicRequest(name, partitions, retentionMs, retentionBytes,
                maxRecordBytes, null), Wire.Topic.class);
    }

    public List<Wire.Topic> listTopics() {
        return http.get("/topics", Wire.TopicList.class).topics();
    }

    public Wire.TopicDescription describeTopic(String name) {
        return http.get("/topics/" + name, Wire.TopicDescription.class);
    }

    public void deleteTopic(String name) {
        http.delete("/topics/" + name);
    }

    public List<String> listGroups() {
        return http.get("/groups", Wire.GroupList.class).groups();
    }

    public Wire.GroupDescription describeGroup(String group) {
        return http.get("/groups/" + group, Wire.GroupDescription.class);
    }

    /** Resets a group's offsets; {@code to} is "earliest", "latest", {"timestamp": t} or {"offset": n}. */
    public List<Wire.OffsetCommit> resetGroup(String group, String topic, Integer partition,
                                              com.fasterxml.jackson.databind.JsonNode to) {
        return http.post("/groups/" + group + "/reset", new Wire.ResetRequest(topic, partition, to),
                Wire.CommitResponse.class).offsets();
    }

    /** The offset of a partition at "earliest", "latest", or an epoch-millis timestamp. */
    public long offset(String topic, int partition, String at) {
        return http.get("/topics/" + topic + "/partitions/" + partition + "/offsets?at=" + at,
                Wire.OffsetResponse.class).offset();
    }

    public Wire.MaintenanceReport runMaintenance(String topic) {
        return http.post("/maintenance", new Wire.MaintenanceRequest(topic), Wire.MaintenanceReport.class);
    }

    // ---- subscriptions (issue 19) ----

    /** Creates a subscription that pushes {@code request.topic()}'s records to its target. */
    public SubscriptionWire.Subscription createSubscription(SubscriptionWire.CreateRequest request) {
        return http.post("/subscriptions", request, SubscriptionWire.Subscription.class);
    }

    public List<SubscriptionWire.Subscription> listSubscriptions() {
        return http.get("/subscriptions", SubscriptionWire.SubscriptionList.class).subscriptions();
    }

    /** The config, state, lag per partition, last error, and delivered, failed and dead-lettered counts. */
    public SubscriptionWire.Description describeSubscription(String name) {
        return http.get("/subscriptions/" + name, SubscriptionWire.Description.class);
    }

    public SubscriptionWire.Subscription pauseSubscription(String name) {
        return http.post("/subscriptions/" + name + "/pause", null, SubscriptionWire.Subscription.class);
    }

    public SubscriptionWire.Subscription resumeSubscription(String name) {
        return http.post("/subscriptions/" + name + "/resume", null, SubscriptionWire.Subscription.class);
    }

    public void deleteSubscription(String name) {
        http.delete("/subscriptions/" + name);
    }
}
