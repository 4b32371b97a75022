package io.sluice.log;

import io.sluice.meta.TopicConfig;
import java.util.List;

/** A topic's configuration and the state of each of its partitions. */
public record TopicDescription(TopicConfig config, List<PartitionState> partitions) {
}
