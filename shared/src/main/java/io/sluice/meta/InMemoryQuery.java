package io.sluice.meta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's Query, as the in-memory stores run it, so that a fake reads the way the table does: a page
 * stops after {@code Limit} items are <em>read</em> (before the filter drops any) or once it has read
 * {@link DynamoItemSize#MAX_PAGE_BYTES}, whichever comes first, and the caller goes on from the page's
 * LastEvaluatedKey until it has {@code limit} matches or the key range is exhausted. That is the loop the
 * DynamoDB stores run over the SDK; here it runs over the items in key order.
 */
public final class InMemoryQuery {

    private final AtomicLong pages = new AtomicLong();

    /** Pages every query of this store has read: a test can see that a result needed more than one. */
    public long pages() {
        return pages.get();
    }

    /**
     * Up to {@code limit} of {@code items} (in key order, as the Query reads them) that pass {@code filter}.
     *
     * @param item each element's item as DynamoDB stores it, to count it against the page's bytes
     */
    public <T> List<T> run(List<T> items, Function<T, Map<String, AttributeValue>> item, Predicate<T> filter,
                           int limit) {
        List<T> matches = new ArrayList<>();
        int next = 0;
        do {
            pages.incrementAndGet();
            int pageLimit = limit - matches.size();
            int read = 0;
            long bytes = 0;
            while (next < items.size() && read < pageLimit && bytes < DynamoItemSize.MAX_PAGE_BYTES) {
                T candidate = items.get(next++);
                read++;
                bytes += DynamoItemSize.of(item.apply(candidate));
                if (filter.test(candidate)) {
                    matches.add(candidate);
                }
            }
        } while (next < items.size() && matches.size() < limit);
        return matches;
    }
}
