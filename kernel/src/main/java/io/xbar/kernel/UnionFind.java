// UnionFind: disjoint sets of node ids, for merging the nodes joined by exact shorts (zero-ohm elements).
package io.xbar.kernel;

/**
 * Disjoint sets over the ids {@code 0..size-1}, with path compression. The lower root always wins a
 * union, so the representative of a set is its smallest id: deterministic, and node 0 (ground, in a
 * netlist) stays a root.
 */
public final class UnionFind {
    private final int[] parent;

    /** {@code size} singleton sets. */
    public UnionFind(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("union-find size must be >= 0, got " + size);
        }
        parent = new int[size];
        for (int k = 0; k < size; k++) {
            parent[k] = k;
        }
    }

    /** Number of ids. */
    public int size() {
        return parent.length;
    }

    /** The representative (smallest id) of the set holding {@code v}. */
    public int find(int v) {
        int r = v;
        while (parent[r] != r) {
            r = parent[r];
        }
        while (parent[v] != r) {
            int next = parent[v];
            parent[v] = r;
            v = next;
        }
        return r;
    }

    /** Joins the sets of {@code a} and {@code b}; returns false when they were already one set. */
    public boolean union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return false;
        }
        if (ra < rb) {
            parent[rb] = ra;
        } else {
            parent[ra] = rb;
        }
        return true;
    }

    /** True when {@code a} and {@code b} are in the same set. */
    public boolean connected(int a, int b) {
        return find(a) == find(b);
    }
}
