package dev.specula.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PNG charts of a run, per task and temperature: τ against γ and speedup against γ (measured solid, predicted
 * dashed) with one line per drafter, and acceptance by draft position at the largest γ.
 */
public final class Charts {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private Charts() {}

    /** Writes the charts into {@code dir} and returns their paths. */
    public static List<Path> write(Path dir, List<CellResult> cells) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        List<String> drafters = Report.distinct(cells, CellResult::drafter);
        for (double temp : Report.distinct(cells, CellResult::temperature)) {
            String tName = temp <= 0 ? "greedy" : "T=" + temp;
            String tFile = String.format(Locale.ROOT, "t%s", temp <= 0 ? "0" : String.valueOf(temp));
            for (String task : Report.distinct(cells, CellResult::task)) {
                List<CellResult> in = cells.stream().filter(c -> c.temperature() == temp && c.task().equals(task)).toList();
                String file = safe(task) + "-" + tFile;
                XYChart tau = chart("Block efficiency τ against γ: " + task + ", " + tName, "γ", "τ");
                XYChart speed = chart("Decode speedup against γ: " + task + ", " + tName + " (dashed: predicted)", "γ", "speedup");
                XYChart acc = chart("Acceptance by draft position: " + task + ", " + tName + ", largest γ", "draft position", "acceptance");
                for (int i = 0; i < drafters.size(); i++) {
                    String d = drafters.get(i);
                    List<CellResult> row = in.stream().filter(c -> c.drafter().equals(d))
                            .sorted((a, b) -> Integer.compare(a.gamma(), b.gamma())).toList();
                    if (row.isEmpty()) continue;
                    Color colour = PALETTE[i % PALETTE.length];
                    double[] g = row.stream().mapToDouble(CellResult::gamma).toArray();
                    series(tau, d, g, row.stream().mapToDouble(CellResult::tau).toArray(), colour, false);
                    series(speed, d, g, row.stream().mapToDouble(CellResult::speedup).toArray(), colour, false);
                    series(speed, d + " predicted", g, row.stream().mapToDouble(CellResult::predictedSpeedup).toArray(), colour, true);
                    double[] a = row.getLast().acceptanceByPosition();
                    if (a.length > 0) {
                        double[] pos = new double[a.length];
                        for (int k = 0; k < a.length; k++) pos[k] = k + 1;
                        series(acc, d + " (γ " + row.getLast().gamma() + ")", pos, a, colour, false);
                    }
                }
                out.add(save(tau, dir.resolve("tau-" + file + ".png")));
                out.add(save(speed, dir.resolve("speedup-" + file + ".png")));
                out.add(save(acc, dir.resolve("acceptance-" + file + ".png")));
            }
        }
        return out;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        c.getStyler().setXAxisDecimalPattern("0");
        return c;
    }

    private static void series(XYChart chart, String name, double[] x, double[] y, Color colour, boolean dashed) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        s.setMarker(dashed ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        s.setLineStyle(dashed ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
    }

    private static Path save(XYChart chart, Path file) throws IOException {
        if (chart.getSeriesMap().isEmpty()) chart.addSeries("no data", new double[] {0}, new double[] {0});
        try (OutputStream o = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, o, BitmapEncoder.BitmapFormat.PNG);
        }
        return file;
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
