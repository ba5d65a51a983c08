package dev.sparseseg.cli;

import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.OperatingPoint;
import dev.sparseseg.models.image.RgbFrame;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.Evaluation;
import dev.sparseseg.models.eval.ModeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @Option(names = "--limit", defaultValue = "0", description = "Evaluate only the first N frames (0 = all).")
    int limit;

    @Option(names = "--sweep", paramLabel = "PREFIX", description = "Also sweep thresholds: writes PREFIX.csv and PREFIX.png (mIoU against ms per frame).")
    Path sweep;

    @Option(names = "--sweep-thresholds", split = ",", defaultValue = "0.05,0.1,0.2,0.3,0.4,0.5,0.6,0.8,1.0",
            description = "Thresholds for --sweep (default: ${DEFAULT-VALUE}).")
    List<Double> sweepThresholds;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws IOException {
        DatasetSplit ds = dataset.open();
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
            ProgressBar bar = new ProgressBar(System.err, "eval", n);
            List<ModeReport> reports = Evaluation.run(ds, modes, models.classes(), limit, bar::update);
            System.out.print(ReportTable.format(reports, models.classNames()));
            if (json != null) {
                writeJson(json, models, point, ds.split(), n, reports);
                System.out.println("wrote " + json);
            }
            if (sweep != null) {
                runSweep(models, ds, reports);
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

    private void runSweep(Models models, DatasetSplit ds, List<ModeReport> base) throws IOException {
        Map<String, Segmenter> modes = new LinkedHashMap<>();
        for (double t : sweepThresholds) {
            modes.put(String.valueOf(t), models.sparse(t, models.config().budget()));
        }
        int n = Evaluation.frameCount(ds, limit);
        List<ModeReport> points = Evaluation.run(ds, modes, models.classes(), limit, new ProgressBar(System.err, "sweep", n)::update);
        List<String> lines = new ArrayList<>();
        lines.add("mode,threshold,miou,ms_median,refined_fraction");
        for (ModeReport r : base) {
            if (!r.mode().equals(SPARSE)) {
                lines.add(String.format("%s,,%.3f,%.3f,%.5f", r.mode(), r.miou(), r.msMedian(), r.refinedFraction()));
            }
        }
        for (ModeReport r : points) {
            lines.add(String.format("sparse,%s,%.3f,%.3f,%.5f", r.mode(), r.miou(), r.msMedian(), r.refinedFraction()));
        }
        Path csv = Path.of(sweep + ".csv");
        Path png = Path.of(sweep + ".png");
        Path parent = csv.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.write(csv, lines);
        SweepPlot.write(png, base, points);
        System.out.print(ReportTable.sweep(points));
        System.out.println("wrote " + csv + " and " + png);
    }
}
