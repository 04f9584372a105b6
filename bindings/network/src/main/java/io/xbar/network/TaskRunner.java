// TaskRunner: runs one study task where it lands (a Spark executor or this JVM): parse the point's flags, map the layer, run the task's tiles.
package io.xbar.network;

import io.xbar.blas.Blas;
import io.xbar.cli.Flags;
import io.xbar.cli.LayerStudy;
import io.xbar.mapping.LayerMapping;
import io.xbar.mapping.PartialSums;
import io.xbar.mapping.QuantizedInputs;
import io.xbar.mapping.TiledMvm;
import io.xbar.mapping.TransferFunction;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The worker side of a study. A task's transfer matrices (linear cells) or per-cycle solves
 * (nonlinear cells) are computed here, where they are used, and never leave. The layer's mapping
 * is built with the {@code nf} command's own code from the point's flags; a JVM keeps the last few
 * mappings, so the tasks of one layer and point that land on it map the layer once (tasks are ordered layer by layer and point by point).
 */
final class TaskRunner {
    /** Mappings kept per JVM: each holds a layer's conductances (a ResNet-18 layer at 256x256: ~270 MB). */
    private static final int KEPT = 2;
    private static final Map<Key, CompletableFuture<Prepared>> MAPPINGS = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<Prepared>> eldest) {
            return size() > KEPT;
        }
    };

    private record Key(String study, int layer, int point) {
    }

    private record Prepared(LayerStudy.Setup setup, LayerMapping mapping, QuantizedInputs inputs) {
    }

    private TaskRunner() {
    }

    /**
     * Runs {@code task} of the study {@code study} (an id unique to one run, so that runs sharing a
     * JVM never share mappings).
     *
     */
    static TaskResult run(String study, StudyTask task, List<StudyLayer> layers) {
        long start = System.nanoTime();
        singleThreadedBlas();
        StudyLayer layer = layers.get(task.layer());
        Prepared p = prepared(new Key(study, task.layer(), task.point().index()), task, layer);
        LayerMapping m = p.mapping();
        if (m.rowBlocks() != task.rowBlocks() || m.colBlocks() != task.columnBlocks()) {
            throw new IllegalStateException("layer " + layer.name() + " maps to " + m.rowBlocks() + "x" + m.colBlocks()
                    + " tiles, the plan expected " + task.rowBlocks() + "x" + task.columnBlocks());
        }
        // Linear cells: transfer matrices; nonlinear cells (--cell-model sinh): every cycle solved, as nf does.
        PartialSums sums = TiledMvm.runTiles(m, p.inputs(), p.setup().circuit(), TransferFunction.exact(1),
                p.setup().cellModel(), task.tiles());
        int perTile = p.setup().options().outputsPerTile();
        int first = task.firstColumnBlock() * perTile;
        int outputs = Math.min(layer.outputs(), task.lastColumnBlock() * perTile) - first;
        return TaskResult.of(task, sums, layer.batch(), layer.outputs(), first, outputs, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Tasks run side by side in one JVM (a local Spark, an executor with several cores), and
     * OpenBLAS's thread count is one per process: a task that set it for its transfer matrices
     * while another ran a multithreaded call changed that call's blocking, and its last bits (seen:
     * 1e-15 relative). So every task runs single-threaded OpenBLAS, with which a layer's numbers
     * are {@code xbar nf}'s exactly (tested), and Spark's tasks are the parallelism.
     */
    static void singleThreadedBlas() {
        if (Blas.threads() != 1) {
            Blas.setThreads(1);
        }
    }

    private static Prepared prepared(Key key, StudyTask task, StudyLayer layer) {
        CompletableFuture<Prepared> f;
        boolean mine = false;
        synchronized (MAPPINGS) {
            f = MAPPINGS.get(key);
            if (f == null) {
                f = new CompletableFuture<>();
                MAPPINGS.put(key, f);
                mine = true;
            }
        }
        if (mine) {
            try {
                f.complete(prepare(task, layer));
            } catch (RuntimeException | Error e) {
                synchronized (MAPPINGS) {
                    MAPPINGS.remove(key);
                }
                f.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The point's flags parsed and the layer mapped, each by the code {@code xbar nf} runs. */
    private static Prepared prepare(StudyTask task, StudyLayer layer) {
        Flags flags = LayerStudy.parse(task.point().argumentArray(), LayerStudy.valued(), LayerStudy.switches());
        LayerStudy.Setup setup = LayerStudy.setup(flags);
        try {
            LayerMapping mapping = LayerStudy.map(flags, layer.weights(), setup.options(), setup.circuit());
            return new Prepared(setup, mapping, layer.activations());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Forgets every kept mapping (the end of a study in this JVM). */
    static void forget(String study) {
        synchronized (MAPPINGS) {
            MAPPINGS.keySet().removeIf(k -> k.study().equals(study));
        }
    }
}
