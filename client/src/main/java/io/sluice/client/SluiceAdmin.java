package io.sluice.client;

import io.sluice.client.wire.AclWire;
import io.sluice.client.wire.SubscriptionWire;
import io.sluice.client.wire.Wire;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Topic, group, subscription and ACL administration. */
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

    /** Creates a topic with every setting the API takes; null fields take the server's defaults. */
    public Wire.Topic createTopic(Wire.CreateTopicRequest request) {
        return http.post("/topics", request, Wire.Topic.class);
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

    // ---- ACLs (issue 16); each needs alter on the cluster ----

    /** Adds an ACL; answers whether it is new (false: it was already there, and nothing changed). */
    public boolean createAcl(AclWire.Binding acl) {
        return http.post("/acls", acl, AclWire.Created.class).created();
    }

    /** The ACLs with this principal, resource type and resource name; each may be null for any. */
    public List<AclWire.Binding> listAcls(String principal, String resourceType, String resourceName) {
        List<String> query = new ArrayList<>();
        if (principal != null) {
            query.add("principal=" + URLEncoder.encode(principal, StandardCharsets.UTF_8));
        }
        if (resourceType != null) {
            query.add("resourceType=" + URLEncoder.encode(resourceType, StandardCharsets.UTF_8));
        }
        if (resourceName != null) {
            query.add("resourceName=" + URLEncoder.encode(resourceName, StandardCharsets.UTF_8));
        }
        return http.get("/acls" + (query.isEmpty() ? "" : "?" + String.join("&", query)), AclWire.BindingList.class)
                .acls();
    }

    /** Removes an ACL; a binding that is not stored is an UNKNOWN_ACL error. */
    public void deleteAcl(AclWire.Binding acl) {
        http.send("DELETE", "/acls", acl, Void.class);
    }
}
