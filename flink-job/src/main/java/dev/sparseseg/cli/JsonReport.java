package dev.sparseseg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.OperatingPoint;
import dev.sparseseg.models.eval.ModeReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the commands' {@code --json} files share: the engine's settings, stage medians, writing. */
final class JsonReport {
    private JsonReport() {
    }

    /** An operating point of {@code models} and their runtime, as top-level entries. */
    static Map<String, Object> engine(Models models, OperatingPoint point) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.putAll(point(point));
        m.put("budget", models.config().budget());
        m.put("latency_budget_ms", models.config().latencyBudgetMs());
        m.put("threads", models.config().threads());
        m.put("sparse_threads", models.config().sparseThreads());
        m.put("device", models.segmenterModel().device().toString());
        return m;
    }

    /**
     * Scale, threshold, grid factor and model set (if not the card's own) of an operating point;
     * for a point of the card, also the frame size it was chosen for and the scale chosen there
     * ({@code scale} is the one fitted to the frames).
     */
    static Map<String, Object> point(OperatingPoint p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scale", p.scale());
        if (p.width() > 0) {
            m.put("chosen_for", p.width() + "x" + p.height());
            m.put("point_scale", p.pointScale());
        }
        m.put("threshold", p.threshold());
        m.put("grid_factor", p.gridFactor());
        if (p.modelSet() != null) {
            m.put("model_set", p.modelSet());
        }
        return m;
    }

    /** Median milliseconds by stage name ({@link ModeReport#STAGES}). */
    static Map<String, Double> stages(double[] stageMsMedian) {
        Map<String, Double> st = new LinkedHashMap<>();
        for (int k = 0; k < ModeReport.STAGES.length; k++) {
            st.put(ModeReport.STAGES[k], stageMsMedian[k]);
        }
        return st;
    }

    /** Writes {@code root} as indented JSON, creating the parent folders. */
    static void write(Path file, Object root) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }
}
