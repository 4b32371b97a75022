package io.sluice.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The ACLs in memory, for tests and the in-memory stack; the same contract as {@link DynamoAclStore}. */
public final class InMemoryAclStore implements AclStore {

    private final TreeMap<String, AclBinding> bindings = new TreeMap<>();

    @Override
    public synchronized List<AclBinding> all() {
        return new ArrayList<>(bindings.values());
    }

    @Override
    public synchronized boolean add(AclBinding binding) {
        return bindings.putIfAbsent(binding.sortKey(), binding) == null;
    }

    @Override
    public synchronized boolean remove(AclBinding binding) {
        return bindings.remove(binding.sortKey()) != null;
    }
}
