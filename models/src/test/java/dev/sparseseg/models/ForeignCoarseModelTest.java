package dev.sparseseg.models;

import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.Segmentation;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.image.RgbFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any ONNX segmentation model with a card can be the coarse model: here one with another
 * input name, output stride 8 and no normalisation (src/test/resources/foreign).
 */
class ForeignCoarseModelTest {
    @Test
    void sparsePipelineRunsOnAForeignCoarseModel(@TempDir Path dir) throws IOException {
        for (String f : new String[] {"foreign.onnx", "segmenter.card.json"}) {
            try (InputStream in = getClass().getResourceAsStream("/foreign/" + f)) {
                Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (String f : new String[] {"refiner.onnx", "refiner.card.json", "ensembler.onnx", "ensembler.card.json"}) {
            Files.copy(TestModels.referenceDir().resolve(f), dir.resolve(f));
        }
        // The foreign segmenter serves every size, the 480x360 point included.
        TestModels.dropModelSets(dir.resolve("refiner.card.json"));
        RgbFrame frame = new DatasetSplit(TestModels.camvid(), "val").frame(0);
        try (Models models = Models.load(TestModels.cpu().withModelsDir(dir).withThreshold(0.5))) {
            assertEquals("foreign-stride8", models.segmenterModel().card().name);
            Segmentation dense = models.denseLow().segment(frame);
            Segmentation sparse = models.sparse().segment(frame);
            assertEquals(frame.width(), sparse.labels().width());
            assertEquals(frame.height(), sparse.labels().height());
            // Random weights are unsure everywhere: refinement must have run on some pixels.
            assertTrue(sparse.refinedPixels() > 0, "refined " + sparse.refinedPixels());
            for (byte b : sparse.labels().labels()) {
                assertTrue((b & 0xFF) < models.classes());
            }
            assertEquals(frame.pixels(), dense.labels().labels().length);
        }
    }
}
