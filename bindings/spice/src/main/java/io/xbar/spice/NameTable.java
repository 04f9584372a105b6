// NameTable: case-insensitive interning of SPICE names into dense ids, stored in one char arena (no String per name).
package io.xbar.spice;

import java.util.Arrays;

/**
 * Maps names to ids {@code 0, 1, 2, ...} in order of first appearance. SPICE names are
 * case-insensitive in ASCII ({@link #fold}), so {@code R1} and {@code r1} are the same name while
 * {@code Ä} and {@code ä} are not; the spelling of the first
 * appearance is kept. Names live in a single growing {@code char[]} with an offset table and an
 * open-addressing hash, a few bytes per name beyond its characters, so that millions of names cost
 * little more than their text.
 */
final class NameTable {
    private char[] chars = new char[1024];
    private int charCount;
    /** {@code start[id] .. start[id+1]} are the characters of name {@code id}. */
    private int[] start = new int[65];
    private int[] hashes = new int[64];
    private int size;
    /** Slots hold {@code id + 1}; 0 is empty. Capacity is a power of two, at most half full. */
    private int[] slots = new int[128];

    int size() {
        return size;
    }

    String name(int id) {
        return new String(chars, start[id], start[id + 1] - start[id]);
    }

    /** The id of a name, or {@code -1}. */
    int find(CharSequence s) {
        char[] buf = s.toString().toCharArray();
        int h = hash(buf, 0, buf.length);
        int mask = slots.length - 1;
        for (int k = h & mask; ; k = (k + 1) & mask) {
            int id = slots[k] - 1;
            if (id < 0) {
                return -1;
            }
            if (hashes[id] == h && sameName(id, buf, 0, buf.length)) {
                return id;
            }
        }
    }

    /**
     * Interns {@code buf[from, to)}.
     *
     * @return the new id ({@code >= 0}) when the name was not there, else {@code -1 - id} of the existing name
     */
    int add(char[] buf, int from, int to) {
        int h = hash(buf, from, to);
        int mask = slots.length - 1;
        int k = h & mask;
        for (; ; k = (k + 1) & mask) {
            int id = slots[k] - 1;
            if (id < 0) {
                break;
            }
            if (hashes[id] == h && sameName(id, buf, from, to)) {
                return -1 - id;
            }
        }
        int len = to - from;
        if (charCount + len > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charCount + len));
        }
        System.arraycopy(buf, from, chars, charCount, len);
        charCount += len;
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
            start = Arrays.copyOf(start, size * 2 + 1);
        }
        int id = size++;
        hashes[id] = h;
        start[id + 1] = charCount;
        slots[k] = id + 1;
        if (size * 2 > slots.length) {
            rehash();
        }
        return id;
    }

    private void rehash() {
        int[] bigger = new int[slots.length * 2];
        int mask = bigger.length - 1;
        for (int id = 0; id < size; id++) {
            int k = hashes[id] & mask;
            while (bigger[k] != 0) {
                k = (k + 1) & mask;
            }
            bigger[k] = id + 1;
        }
        slots = bigger;
    }

    private boolean sameName(int id, char[] buf, int from, int to) {
        int s = start[id];
        int len = start[id + 1] - s;
        if (len != to - from) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (fold(chars[s + k]) != fold(buf[from + k])) {
                return false;
            }
        }
        return true;
    }

    private static int hash(char[] buf, int from, int to) {
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + fold(buf[k]);
        }
        // Spread the bits: linear probing on the low bits of a plain polynomial hash clusters.
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * Case folding as SPICE does it: only ASCII {@code A-Z} become {@code a-z}; every other
     * character stays as it is. Unicode folding would merge names that ngspice keeps apart (it
     * would read {@code ı} as {@code i} and a KELVIN SIGN as {@code k}).
     */
    static char fold(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
