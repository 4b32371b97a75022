package io.sluice.log;

import java.util.Random;

/**
 * ULIDs: 48 bits of epoch millis then 80 random bits, in Crockford base32, 26 characters. They sort by
 * creation time, which keeps WAL keys listing in write order within an hour's prefix.
 */
public final class Ulid {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    public static final int LENGTH = 26;

    private Ulid() {
    }

    public static String generate(long epochMillis, Random random) {
        if (epochMillis < 0 || epochMillis >= (1L << 48)) {
            throw new IllegalArgumentException("timestamp out of ULID range: " + epochMillis);
        }
        char[] out = new char[LENGTH];
        long time = epochMillis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        long hi = random.nextLong() & ((1L << 40) - 1);
        long lo = random.nextLong() & ((1L << 40) - 1);
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    /** The epoch millis a ULID was generated at: its first 10 characters. */
    public static long timestampOf(String ulid) {
        if (ulid.length() != LENGTH) {
            throw new IllegalArgumentException("not a ULID: " + ulid);
        }
        long time = 0;
        for (int i = 0; i < 10; i++) {
            int digit = new String(ALPHABET).indexOf(ulid.charAt(i));
            if (digit < 0) {
                throw new IllegalArgumentException("not a ULID: " + ulid);
            }
            time = time << 5 | digit;
        }
        return time;
    }

    /** The smallest ULID that sorts after {@code ulid}: the same time, the random part plus one. */
    public static String successor(String ulid) {
        char[] chars = ulid.toCharArray();
        for (int i = chars.length - 1; i >= 0; i--) {
            int digit = new String(ALPHABET).indexOf(chars[i]);
            if (digit < 0) {
                throw new IllegalArgumentException("not a ULID: " + ulid);
            }
            if (digit < ALPHABET.length - 1) {
                chars[i] = ALPHABET[digit + 1];
                return new String(chars);
            }
            chars[i] = ALPHABET[0];
        }
        throw new IllegalArgumentException("no ULID sorts after " + ulid);
    }
}
