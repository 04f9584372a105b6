// StudyResults: the rows of xbar network (one per layer and grid point, one network row per point) and their files: results.csv, results.json, network-nf.png.
package io.xbar.network;

import io.xbar.mapping.LayerResult;
import io.xbar.plot.Plots;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Rows in grid order (tiles, then wires, then mappings), layers in model order, each point's network row last. */
final class StudyResults {
    static final String NETWORK = "*";

    /**
     * One row. A layer row's {@code nf} and {@code mvm_rel_error} are those of {@code xbar nf} on the
     * layer with the same flags; the network row's NF is the mean of all terms of all layers and its
     * error is taken over all outputs of all layers.
     */
    record Row(String layer, GridPoint point, double nf, double mvmRelError, int tiles, long nfTerms, int tasks,
               double seconds) {
    }

    private StudyResults() {
    }

    /** The network row of one point from its layers' results, summed layer by layer in model order, tile by tile. */
    static Row network(GridPoint point, List<LayerResult> layers, int tiles, int tasks, double seconds) {
        double nfSum = 0;
        long terms = 0;
        double diff = 0;
        double norm = 0;
        for (LayerResult r : layers) {
            for (int t = 0; t < r.tileNfSum().length; t++) {
                nfSum += r.tileNfSum()[t];
                terms += r.tileNfTerms()[t];
            }
            for (int k = 0; k < r.y().length; k++) {
                double d = r.y()[k] - r.yIdeal()[k];
                diff += d * d;
                norm += r.yIdeal()[k] * r.yIdeal()[k];
            }
        }
        double error = norm == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(diff / norm);
        return new Row(NETWORK, point, terms == 0 ? Double.NaN : nfSum / terms, error, tiles, terms, tasks, seconds);
    }

    static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder("layer,tile_rows,tile_cols,r_wire,mapping,nf,mvm_rel_error,tiles,seconds,"
                + "r_wl,r_bl,nf_terms,tasks\n");
        for (Row r : rows) {
            GridPoint p = r.point();
            sb.append(csvText(r.layer())).append(',').append(p.tileRows()).append(',').append(p.tileCols()).append(',')
                    .append(num(p.wire())).append(',').append(p.mapping()).append(',').append(num(r.nf())).append(',')
                    .append(num(r.mvmRelError())).append(',').append(r.tiles()).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", r.seconds())).append(',').append(num(p.rWordLine()))
                    .append(',').append(num(p.rBitLine())).append(',').append(r.nfTerms()).append(',').append(r.tasks())
                    .append('\n');
        }
        return sb.toString();
    }

    /** Every digit (shortest round trip): the CSV holds the exact numbers; empty for NaN or infinity. */
    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    private static String csvText(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    static ObjectNode json(List<Row> rows, ObjectNode settings) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.setAll(settings);
        ArrayNode list = root.putArray("rows");
        for (Row r : rows) {
            GridPoint p = r.point();
            ObjectNode n = list.addObject();
            n.put("layer", r.layer());
            n.put("tile_rows", p.tileRows());
            n.put("tile_cols", p.tileCols());
            put(n, "r_wire", p.wire());
            n.put("mapping", p.mapping());
            put(n, "nf", r.nf());
            put(n, "mvm_rel_error", r.mvmRelError());
            n.put("tiles", r.tiles());
            n.put("seconds", r.seconds());
            n.put("r_wl", p.rWordLine());
            n.put("r_bl", p.rBitLine());
            n.put("nf_terms", r.nfTerms());
            n.put("tasks", r.tasks());
        }
        return root;
    }

    private static void put(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    /** Network NF per point: x the tile size, one line per mapping (and wire, when several). */
    static List<Plots.SweepPoint> plotPoints(List<Row> rows, boolean byWire) {
        List<Plots.SweepPoint> list = new ArrayList<>();
        for (Row r : rows) {
            if (r.layer().equals(NETWORK)) {
                GridPoint p = r.point();
                String series = byWire ? p.mapping() + ", r_wl = " + p.rWordLine() + " ohm, r_bl = " + p.rBitLine() + " ohm"
                        : p.mapping();
                list.add(new Plots.SweepPoint(p.tile(), series, r.nf()));
            }
        }
        return list;
    }
}
