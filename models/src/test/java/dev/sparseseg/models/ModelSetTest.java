package dev.sparseseg.models;

import dev.sparseseg.models.card.ModelLoadException;
import dev.sparseseg.models.engine.DenseSegmenter;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.image.RgbFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** An operating point that names a model set of its own: that set serves every mode at its size, and only there. */
class ModelSetTest {
    static final String SET = "camvid-480x360";

    @Test
    void theBundled480x360PointIsServedByItsOwnSet() throws IOException {
        RgbFrame frame = new DatasetSplit(TestModels.camvid(), "val").frame(0);
        assertEquals(480, frame.width());
        try (Models bundled = Models.load(TestModels.cpu());
             Models alone = Models.load(TestModels.cpu().withModelsDir(TestModels.referenceDir().resolve(SET)))) {
            assertEquals(SET, bundled.operatingPoint(480, 360).modelSet());
            assertNull(bundled.operatingPoint(960, 720).modelSet());
            assertEquals(alone.operatingPoint(480, 360).scale(), bundled.operatingPoint(480, 360).scale());
            assertEquals(alone.operatingPoint(480, 360).threshold(), bundled.operatingPoint(480, 360).threshold());

            byte[] sparse = bundled.sparse().segment(frame).labels().labels();
            assertArrayEquals(alone.sparse().segment(frame).labels().labels(), sparse, "sparse");
            byte[] full = bundled.denseFull().segment(frame).labels().labels();
            assertArrayEquals(alone.denseFull().segment(frame).labels().labels(), full, "dense-full");
            assertArrayEquals(alone.denseLow().segment(frame).labels().labels(),
                    bundled.denseLow().segment(frame).labels().labels(), "dense-low");
            // The card's own segmenter labels this frame differently: the set really served it.
            byte[] own = new DenseSegmenter(bundled.coarse(1.0)).segment(frame).labels().labels();
            assertFalse(Arrays.equals(own, full), "dense-full came from the card's own segmenter");
        }
    }

    @Test
    void aMissingSetFailsTheLoadNamingTheSetAndTheCard(@TempDir Path dir) throws IOException {
        TestModels.copyReference(dir);
        Path card = dir.resolve("refiner.card.json");
        Files.writeString(card, Files.readString(card).replace("\"" + SET + "\"", "\"gone\""));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Models.load(TestModels.cpu().withModelsDir(dir)).close());
        assertEquals("model set \"gone\" (an operating point of " + card + "): models directory " + dir.resolve("gone")
                + " does not exist", e.getMessage());
    }
}
