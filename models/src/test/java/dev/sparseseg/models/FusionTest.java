package dev.sparseseg.models;

import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.coarse.GridMapping;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.fuse.GatedEnsembler;
import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.refine.RefinedPixels;
import dev.sparseseg.models.select.Selection;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gated fusion with the real ensembler: refined pixels take the fused argmax, the rest the coarse one. */
class FusionTest {
    @Test
    void selectedPixelsTakeFusedLabelsOthersKeepCoarse() {
        try (Models models = Models.load(TestModels.cpu())) {
            GatedEnsembler ens = models.ensembler();
            int c = models.classes();
            // 2x2 grid over a 4x4 frame; coarse says class 3 (Road) everywhere, confidently.
            float[] grid = new float[c * 4];
            for (int cell = 0; cell < 4; cell++) {
                grid[3 * 4 + cell] = 8f;
            }
            CoarseLogits coarse = new CoarseLogits(grid, c, new GridMapping(4, 4, 2, 2));
            // Two pixels refined: the refiner is certain of Car (8) at both.
            Selection sel = new Selection(new int[] {5, 10}, 2, 16);
            float[] l1 = new float[2 * c];
            float[] l2 = new float[2 * c];
            for (int i = 0; i < 2; i++) {
                coarse.sample(i == 0 ? 1 : 2, i == 0 ? 1 : 2, l1, i * c);
                l2[i * c + 8] = 30f;
            }
            RefinedPixels r = new RefinedPixels(sel, c, l1, l2);
            float[] fused = ens.fuseLogits(r);
            assertEquals(2 * c, fused.length);
            LabelMap labels = ens.fuse(coarse, r);
            for (int p = 0; p < 16; p++) {
                int expected = p == 5 || p == 10 ? CoarseLogits.argmax(fused, (p == 5 ? 0 : 1) * c, c) : 3;
                assertEquals(expected, labels.labels()[p], "pixel " + p);
            }
            assertTrue(ens.fuseLogits(new RefinedPixels(Selection.none(16), c, new float[0], new float[0])).length == 0);
        }
    }
}
