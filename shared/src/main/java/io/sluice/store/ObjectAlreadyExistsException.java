package io.sluice.store;

/** A conditional put found the key taken. */
public final class ObjectAlreadyExistsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ObjectAlreadyExistsException(String key) {
        super("object already exists: " + key);
    }
}
