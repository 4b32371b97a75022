package io.sluice.acl;

/** Which ACLs {@code GET /acls} lists: each field null, or what the bindings must have exactly. */
public record AclFilter(String principal, ResourceType resourceType, String resourceName) {

    public static final AclFilter ALL = new AclFilter(null, null, null);

    public boolean matches(AclBinding binding) {
        return (principal == null || principal.equals(binding.principal()))
                && (resourceType == null || resourceType == binding.resourceType())
                && (resourceName == null || resourceName.equals(binding.resourceName()));
    }
}
