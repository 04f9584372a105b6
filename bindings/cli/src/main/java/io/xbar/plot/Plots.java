// Plots: the PNG pictures of xbar (IR-drop map of a tile, per-column NF of mappings, sweep NF vs tile size), headless, via JFreeChart.
package io.xbar.plot;

import io.xbar.io.AtomicFiles;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes xbar's pictures as PNG files. Rendering is headless (no display needed): the class sets
 * {@code java.awt.headless=true} unless the caller chose otherwise. Every file is written to a
 * temporary sibling and moved into place, so a reader never sees half a picture.
 *
 * <p>Thread-safe: no shared state besides the headless property.
 */
public final class Plots {
    /** Size of the pictures in pixels. */
    public static final int WIDTH = 900;
    public static final int HEIGHT = 640;

    /** Line colours per series, distinguishable in colour and in grey. */
    private static final Color[] SERIES = {
        new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C), new Color(0x9467BD),
        new Color(0xFF7F0E), new Color(0x8C564B), new Color(0xE377C2), new Color(0x17BECF), new Color(0x7F7F7F),
    };

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plots() {
    }

    /**
     * IR-drop map of one tile: a heatmap of the cell voltage {@code (u - w)} over the ideal cell
     * voltage (the voltage driven onto the cell's word line), row = word line, column = bit line.
     * An ideal crossbar is 1 everywhere; parasitic wires pull it below 1.
     *
     * @param rows               word lines {@code M}
     * @param cols               bit lines {@code N}
     * @param relativeCellVoltage row-major {@code M x N}; {@code NaN} for rows that are not driven (drawn grey)
     * @param title              what the map shows (tile, drive), first line of the title
     */
    public static void irDropMap(Path png, int rows, int cols, double[] relativeCellVoltage, String title)
            throws IOException {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("IR-drop map: shape must be at least 1x1, got " + rows + "x" + cols);
        }
        if (relativeCellVoltage == null || relativeCellVoltage.length != (long) rows * cols) {
            throw new IllegalArgumentException("IR-drop map: " + rows + "x" + cols + " needs " + ((long) rows * cols)
                    + " values, got " + (relativeCellVoltage == null ? "none" : relativeCellVoltage.length));
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (double v : relativeCellVoltage) {
            if (Double.isInfinite(v)) {
                throw new IllegalArgumentException("IR-drop map: infinite relative cell voltage");
            }
            if (!Double.isNaN(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("IR-drop map: no driven row (every value is NaN)");
        }
        // A fixed top at the ideal 1 keeps maps of different tiles comparable; widen only if needed.
        double upper = Math.max(1.0, hi);
        double lower = Math.min(lo, upper - 1e-6);
        double[] x = new double[rows * cols];
        double[] y = new double[rows * cols];
        double[] z = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                x[k] = j;
                y[k] = i;
                z[k] = relativeCellVoltage[k];
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("cell voltage", new double[][] {x, y, z});
        ColourScale scale = new ColourScale(lower, upper);
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(scale);
        NumberAxis columnAxis = new NumberAxis("bit line (column j; word-line driver at j = 0 for drive left)");
        columnAxis.setRange(-0.5, cols - 0.5);
        columnAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis rowAxis = new NumberAxis("word line (row i)");
        rowAxis.setRange(-0.5, rows - 0.5);
        rowAxis.setInverted(true); // row 0 on top, as the crossbar is drawn
        rowAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot plot = new XYPlot(data, columnAxis, rowAxis, renderer);
        plot.setBackgroundPaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
        chart.addSubtitle(new TextTitle(String.format(java.util.Locale.ROOT,
                "cell voltage (u - w) / driven input voltage: min %.4f, max %.4f (1 = no IR drop; grey = row not driven)",
                lo, hi)));
        NumberAxis legendAxis = new NumberAxis("(u - w) / V_in");
        legendAxis.setRange(lower, upper);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(new RectangleInsets(10, 10, 10, 10));
        legend.setStripWidth(18);
        legend.setAxisOffset(4);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        write(png, chart);
    }

    /**
     * Per-column NF of several mappings as lines over the physical column index.
     *
     * @param nfByMapping mapping label to NF per physical column ({@code NaN} where a column has no terms); all the same length
     */
    public static void columnNf(Path png, Map<String, double[]> nfByMapping, String title) throws IOException {
        if (nfByMapping == null || nfByMapping.isEmpty()) {
            throw new IllegalArgumentException("per-column NF: at least one mapping is needed");
        }
        XYSeriesCollection data = new XYSeriesCollection();
        int length = -1;
        for (Map.Entry<String, double[]> e : nfByMapping.entrySet()) {
            double[] nf = e.getValue();
            if (nf == null || nf.length == 0) {
                throw new IllegalArgumentException("per-column NF of " + e.getKey() + ": no columns");
            }
            if (length >= 0 && nf.length != length) {
                throw new IllegalArgumentException("per-column NF of " + e.getKey() + " has " + nf.length
                        + " columns, the others " + length);
            }
            length = nf.length;
            XYSeries s = new XYSeries(e.getKey(), false, false);
            for (int j = 0; j < nf.length; j++) {
                if (Double.isInfinite(nf[j])) {
                    throw new IllegalArgumentException("per-column NF of " + e.getKey() + "[" + j + "] is infinite");
                }
                s.add(j, Double.isNaN(nf[j]) ? null : nf[j]);
            }
            data.addSeries(s);
        }
        NumberAxis x = new NumberAxis("physical column of the tile (bit line j, distance from the word-line driver)");
        x.setRange(-0.5, length - 0.5);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = new NumberAxis("NF = mean (I_ideal - I) / I_ideal");
        y.setAutoRangeIncludesZero(true);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, length <= 64);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            r.setSeriesPaint(s, SERIES[s % SERIES.length]);
            r.setSeriesStroke(s, new BasicStroke(1.6f));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        style(plot);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        write(png, chart);
    }

    /** One point of a sweep picture: NF of one mapping (and wire value) at one tile size. */
    public record SweepPoint(String tile, String series, double nf) {
    }

    /**
     * Sweep NF vs tile size, one line per series (mapping, or mapping and wire resistance), tile
     * sizes in the order first met.
     */
    public static void sweepNf(Path png, List<SweepPoint> points, String title) throws IOException {
        if (points == null || points.isEmpty()) {
            throw new IllegalArgumentException("sweep NF: no points");
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        Map<String, Boolean> tiles = new LinkedHashMap<>();
        for (SweepPoint p : points) {
            tiles.put(p.tile(), true);
        }
        // Columns are registered in tile order before any series fills them, so every line runs left to right.
        for (SweepPoint p : points) {
            if (Double.isInfinite(p.nf())) {
                throw new IllegalArgumentException("sweep NF of " + p.series() + " at " + p.tile() + " is infinite");
            }
        }
        String firstSeries = points.get(0).series();
        for (String t : tiles.keySet()) {
            data.addValue(null, firstSeries, t);
        }
        for (SweepPoint p : points) {
            data.addValue(Double.isNaN(p.nf()) ? null : p.nf(), p.series(), p.tile());
        }
        NumberAxis y = new NumberAxis("layer NF = mean (I_ideal - I) / I_ideal");
        y.setAutoRangeIncludesZero(true);
        LineAndShapeRenderer r = new LineAndShapeRenderer(true, true);
        for (int s = 0; s < data.getRowCount(); s++) {
            r.setSeriesPaint(s, SERIES[s % SERIES.length]);
            r.setSeriesStroke(s, new BasicStroke(1.8f));
        }
        CategoryPlot plot = new CategoryPlot(data, new org.jfree.chart.axis.CategoryAxis("tile size (rows x columns)"), y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xBBBBBB));
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        write(png, chart);
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xBBBBBB));
        plot.setRangeGridlinePaint(new Color(0xBBBBBB));
    }

    /** Renders to a temporary sibling, then moves it over {@code png}. */
    static void write(Path png, JFreeChart chart) throws IOException {
        if (png == null) {
            throw new IllegalArgumentException("picture path must be given");
        }
        Path file = io.xbar.io.WorkingDirectory.absolute(png).normalize();
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("picture " + png + ": directory " + dir + " does not exist");
        }
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
    }

    /** Viridis, a perceptually uniform colour map (dark purple = most IR drop, yellow = ideal), grey for NaN. */
    static final class ColourScale implements PaintScale {
        private static final int[] STOPS = {0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725};
        private final double lower;
        private final double upper;

        ColourScale(double lower, double upper) {
            this.lower = lower;
            this.upper = upper;
        }

        @Override
        public double getLowerBound() {
            return lower;
        }

        @Override
        public double getUpperBound() {
            return upper;
        }

        @Override
        public Paint getPaint(double value) {
            if (Double.isNaN(value)) {
                return Color.LIGHT_GRAY;
            }
            double t = (value - lower) / (upper - lower);
            t = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
            int k = Math.min(STOPS.length - 2, (int) t);
            double f = t - k;
            int a = STOPS[k];
            int b = STOPS[k + 1];
            return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
        }

        private static int mix(int a, int b, double f) {
            return (int) Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
        }
    }
}
