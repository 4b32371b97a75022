package io.sluice.store;

/** The object, or the requested range of it, does not exist. */
public final class ObjectNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String key) {
        super("no object " + key);
    }
}
