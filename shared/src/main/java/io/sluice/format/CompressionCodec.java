package io.sluice.format;

/** The codec of a batch's records section, stored in the low bits of the batch attributes. */
public enum CompressionCodec {
    NONE(0);

    private final int id;

    CompressionCodec(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** The codec with this id; throws on an id this version does not know. */
    public static CompressionCodec forId(int id) {
        for (CompressionCodec codec : values()) {
            if (codec.id == id) {
                return codec;
            }
        }
        throw new IllegalArgumentException("unknown compression codec id " + id);
    }
}
