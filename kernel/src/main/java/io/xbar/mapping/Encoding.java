// Encoding: how a signed quantized weight becomes unsigned cell levels (MODEL.md section 2, --signed).
package io.xbar.mapping;

/** Signed-weight encodings. */
public enum Encoding {
    /** {@code q = q+ - q-}: two halves of columns, each with {@code B-1} magnitude bits. */
    DIFFERENTIAL,
    /** Stores {@code q + 2^(B-1)} as {@code B} unsigned bits; {@code 2^(B-1) * sum(a)} is subtracted digitally. */
    OFFSET;

    /** Column halves per output: 2 for differential, 1 for offset. */
    public int halves() {
        return this == DIFFERENTIAL ? 2 : 1;
    }

    /** Stored unsigned bits per half for {@code weightBits}-bit weights. */
    public int storedBits(int weightBits) {
        return this == DIFFERENTIAL ? weightBits - 1 : weightBits;
    }

    /** Smallest integer weight this encoding stores in {@code weightBits} bits. */
    public long minWeight(int weightBits) {
        return this == DIFFERENTIAL ? -((1L << (weightBits - 1)) - 1) : -(1L << (weightBits - 1));
    }

    /** Largest integer weight this encoding stores in {@code weightBits} bits. */
    public long maxWeight(int weightBits) {
        return (1L << (weightBits - 1)) - 1;
    }

    public String label() {
        return Labels.label(this);
    }

    public static Encoding parse(String s) {
        return Labels.parse(Encoding.class, s, "signed encoding");
    }
}
