package io.sluice.meta;

/**
 * A producer name's binding: the id it keeps for life, and the principal that first initialized it, its
 * owner (issue 16). {@code owner} is null for a name bound before producers had owners.
 */
public record ProducerName(long producerId, String owner) {
}
