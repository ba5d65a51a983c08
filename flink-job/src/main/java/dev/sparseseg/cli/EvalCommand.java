package dev.sparseseg.cli;

import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.OperatingPoint;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.select.LatencyBudget;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.Evaluation;
import dev.sparseseg.models.eval.ModeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sparseseg eval}: dense-full, dense-low and sparse over a labelled split. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure mIoU and speed of dense-full, dense-low and SparseRefine on a labelled split.")
public final class EvalCommand implements Callable<Integer> {
    static final String DENSE_FULL = "dense-full";
    static final String DENSE_LOW = "dense-low";
    static final String SPARSE = "sparse";

    @Mixin
    DatasetOptions dataset;

    @Mixin
    SharedOptions.Json json;

    @Option(names = "--limit", defaultValue = "0", description = "Evaluate only the first N frames (0 = all).")
    int limit;

    @Option(names = "--sweep", paramLabel = "PREFIX", description = "Also sweep operating points, all modes interleaved "
            + "in one run: writes PREFIX.csv and PREFIX.png (mIoU against ms per frame).")
    Path sweep;

    @Option(names = "--sweep-thresholds", split = ",", defaultValue = "0.05,0.1,0.2,0.3,0.4,0.5,0.6,0.8,1.0",
            description = "Thresholds for --sweep (default: ${DEFAULT-VALUE}).")
    List<Double> sweepThresholds;

    @Option(names = "--sweep-scales", split = ",", paramLabel = "S",
            description = "Coarse scales for --sweep, each with its dense-low and thresholds (default: the operating point's).")
    List<Double> sweepScales;

    @Option(names = "--sweep-latency-ms", split = ",", paramLabel = "MS",
            description = "Latency budgets for --sweep, at each scale and the operating point's threshold (default: none).")
    List<Double> sweepLatencyMs;

    @Option(names = "--resize", paramLabel = "WxH", description = "Resize frames and labels to WxH as they are read "
            + "(centre crop to that aspect; frames bilinear, labels nearest): the dataset at a camera's size. "
            + "Default: as stored.")
    String resize;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws IOException {
        DatasetSplit ds = dataset.open();
        if (resize != null) {
            int[] size = BenchCommand.parseSize("--resize", resize);
            ds = ds.resizedTo(size[0], size[1]);
        }
        try (Models models = Models.load(engine.config())) {
            Map<String, Segmenter> modes = new LinkedHashMap<>();
            modes.put(DENSE_FULL, models.denseFull());
            modes.put(DENSE_LOW, models.denseLow());
            modes.put(SPARSE, models.sparse());
            int n = Evaluation.frameCount(ds, limit);
            RgbFrame first = ds.frame(0);
            OperatingPoint point = models.operatingPoint(first.width(), first.height());
            System.out.printf("eval %s (%d frames, %dx%d), %s, budget %d, latency budget %s, "
                            + "%d threads (refiner/ensembler %d), %s%n",
                    ds.split(), n, first.width(), first.height(), point, models.config().budget(),
                    models.config().latencyBudgetMs() > 0 ? models.config().latencyBudgetMs() + " ms" : "none",
                    models.config().threads(), models.config().sparseThreads(), models.segmenterModel().device());
            Segmenter warmSparse = Evaluation.unbudgetedWarmUp(models);
            if (warmSparse != null) {
                Evaluation.warmUp(n, ds::frame, List.of(warmSparse), Evaluation.WARMUP_RUNS);
            }
            ProgressBar bar = new ProgressBar(System.err, "eval", n);
            List<ModeReport> reports = Evaluation.run(ds, modes, models.classes(), limit, bar::update);
            System.out.print(ReportTable.format(reports, models.classNames()));
            if (json.file != null) {
                writeJson(json.file, models, point, ds.split(), n, reports);
                System.out.println("wrote " + json.file);
            }
            if (sweep != null) {
                runSweep(models, ds, point, reports);
            }
        }
        return 0;
    }

    private void writeJson(Path file, Models models, OperatingPoint point, String split, int frames,
                           List<ModeReport> reports) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("split", split);
        root.put("frames", frames);
        root.putAll(JsonReport.engine(models, point));
        Map<String, Object> modes = new LinkedHashMap<>();
        String[] names = models.classNames();
        for (ModeReport r : reports) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("miou", r.miou());
            m.put("ms_median", r.msMedian());
            m.put("ms_p99", r.msP99());
            if (r.pixelBudget() >= 0) {
                m.put("pixel_budget_mean", r.pixelBudget());
            }
            m.put("refined_fraction", r.refinedFraction());
            m.put("stage_ms_median", JsonReport.stages(r.stageMsMedian()));
            Map<String, Double> pc = new LinkedHashMap<>();
            for (int c = 0; c < names.length; c++) {
                pc.put(names[c], Double.isNaN(r.perClass()[c]) ? null : r.perClass()[c]);
            }
            m.put("per_class", pc);
            modes.put(r.mode(), m);
        }
        root.put("modes", modes);
        ModeReport full = reports.get(0);
        ModeReport sparse = reports.get(2);
        root.put("speedup_sparse_vs_dense_full", full.msMedian() / sparse.msMedian());
        JsonReport.write(file, root);
    }

    private void runSweep(Models models, DatasetSplit ds, OperatingPoint point, List<ModeReport> base) throws IOException {
        List<Double> scales = sweepScales != null ? sweepScales : List.of(point.scale());
        List<Double> budgets = sweepLatencyMs != null ? sweepLatencyMs : List.of();
        // One run, every mode interleaved frame by frame: ratios between any two points hold.
        Map<String, Segmenter> modes = new LinkedHashMap<>();
        Map<String, double[]> settings = new LinkedHashMap<>();
        for (double s : scales) {
            modes.put("dense " + s, models.dense(s));
            settings.put("dense " + s, new double[] {s, Double.NaN, 0});
            for (double t : sweepThresholds) {
                String name = "sparse " + s + " t" + t;
                modes.put(name, models.sparse(point.at(s, t), null));
                settings.put(name, new double[] {s, t, 0});
            }
            for (double b : budgets) {
                String name = "sparse " + s + " " + b + "ms";
                modes.put(name, models.sparse(point.at(s, point.threshold()), new LatencyBudget(b)));
                settings.put(name, new double[] {s, point.threshold(), b});
            }
        }
        int n = Evaluation.frameCount(ds, limit);
        List<ModeReport> points = Evaluation.run(ds, modes, models.classes(), limit, new ProgressBar(System.err, "sweep", n)::update);
        List<String> lines = new ArrayList<>();
        lines.add("mode,scale,threshold,latency_budget_ms,miou,ms_median,ms_p99,refined_fraction");
        ModeReport full = base.get(0);
        lines.add(String.format(Locale.ROOT, "%s,1.0,,,%.3f,%.3f,%.3f,0", full.mode(), full.miou(), full.msMedian(), full.msP99()));
        List<SweepPlot.Series> series = new ArrayList<>();
        series.add(new SweepPlot.Series("dense-full (x1)", Color.BLACK, SweepPlot.Style.SQUARES,
                List.of(new SweepPlot.Point(full.msMedian(), full.miou(), ""))));
        Color[] colours = {new Color(0, 90, 200), new Color(220, 110, 0), new Color(0, 150, 70), new Color(150, 0, 150)};
        List<SweepPlot.Point> dense = new ArrayList<>();
        for (int k = 0; k < scales.size(); k++) {
            List<SweepPlot.Point> line = new ArrayList<>();
            List<SweepPlot.Point> budgeted = new ArrayList<>();
            for (ModeReport r : points) {
                double[] set = settings.get(r.mode());
                if (set[0] != scales.get(k)) {
                    continue;
                }
                lines.add(String.format(Locale.ROOT, "%s,%s,%s,%s,%.3f,%.3f,%.3f,%.5f", r.mode().startsWith("dense") ? "dense-low" : "sparse",
                        set[0], Double.isNaN(set[1]) ? "" : set[1], set[2] > 0 ? set[2] : "", r.miou(), r.msMedian(), r.msP99(),
                        r.refinedFraction()));
                if (r.mode().startsWith("dense")) {
                    dense.add(new SweepPlot.Point(r.msMedian(), r.miou(), "x" + set[0]));
                } else if (set[2] > 0) {
                    budgeted.add(new SweepPlot.Point(r.msMedian(), r.miou(), (int) set[2] + " ms"));
                } else {
                    line.add(new SweepPlot.Point(r.msMedian(), r.miou(), "t" + set[1]));
                }
            }
            Color c = colours[k % colours.length];
            series.add(new SweepPlot.Series("sparse x" + scales.get(k) + ", by threshold", c, SweepPlot.Style.LINE, line));
            if (!budgeted.isEmpty()) {
                series.add(new SweepPlot.Series("sparse x" + scales.get(k) + ", latency budget", c, SweepPlot.Style.DIAMONDS,
                        budgeted));
            }
        }
        series.add(1, new SweepPlot.Series("dense-low (by scale)", new Color(200, 40, 40), SweepPlot.Style.SQUARES, dense));
        Path csv = Path.of(sweep + ".csv");
        Path png = Path.of(sweep + ".png");
        Files.createDirectories(csv.toAbsolutePath().getParent());
        Files.write(csv, lines);
        RgbFrame first = ds.frame(0);
        SweepPlot.write(png, String.format(Locale.ROOT, "%s %s, %dx%d: mIoU against engine time", ds.root().getFileName(), ds.split(),
                first.width(), first.height()), series);
        System.out.print(ReportTable.sweep(points));
        System.out.println("wrote " + csv + " and " + png);
    }
}
