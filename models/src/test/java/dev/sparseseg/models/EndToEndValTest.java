package dev.sparseseg.models;

import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.Evaluation;
import dev.sparseseg.models.eval.ModeReport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * All CamVid val frames through the three modes with the bundled models. Floors sit a
 * little under the measured figures (docs/benchmarks.md, section "CamVid at 480x360"), so a
 * broken stage or model fails here; the targets themselves are checked by
 * `./sparseseg eval`, not by a timed test.
 */
class EndToEndValTest {
    // Measured with the bundled models at 480x360 (the 480x360 set, inputs rounded to multiples of 32):
    // dense-full 65.95, dense-low 64.40, sparse 66.20; without the rounding 64.40, 61.30 and 64.09.
    static final double DENSE_FULL_FLOOR = 65.0;
    static final double DENSE_LOW_FLOOR = 63.5;
    static final double SPARSE_FLOOR = 65.5;
    /** Refinement must pay: sparse at least this many points above dense-low (measured +1.80). */
    static final double SPARSE_GAIN_FLOOR = 1.0;

    @Test
    void everyModeClearsItsMiouFloorOnVal() throws IOException {
        DatasetSplit val = new DatasetSplit(TestModels.camvid(), "val");
        try (Models models = Models.load(TestModels.cpu())) {
            Map<String, Segmenter> modes = new LinkedHashMap<>();
            modes.put("dense-full", models.denseFull());
            modes.put("dense-low", models.denseLow());
            modes.put("sparse", models.sparse());
            List<ModeReport> r = Evaluation.run(val, modes, models.classes(), 0, null);
            for (ModeReport m : r) {
                System.out.printf("val %-10s mIoU %.2f, %.1f ms/frame, refined %.1f%%%n",
                        m.mode(), m.miou(), m.msMedian(), 100 * m.refinedFraction());
            }
            assertEquals(3, r.size());
            assertTrue(r.get(0).miou() > DENSE_FULL_FLOOR, "dense-full mIoU " + r.get(0).miou());
            assertTrue(r.get(1).miou() > DENSE_LOW_FLOOR, "dense-low mIoU " + r.get(1).miou());
            assertTrue(r.get(2).miou() > SPARSE_FLOOR, "sparse mIoU " + r.get(2).miou());
            assertTrue(r.get(2).miou() - r.get(1).miou() > SPARSE_GAIN_FLOOR,
                    "sparse gains only " + (r.get(2).miou() - r.get(1).miou()) + " points over dense-low");
            assertTrue(r.get(2).refinedFraction() > 0 && r.get(2).refinedFraction() < 1, "refined fraction " + r.get(2).refinedFraction());
            assertEquals(0.0, r.get(0).refinedFraction());
        }
    }
}
