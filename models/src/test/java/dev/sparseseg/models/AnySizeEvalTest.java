package dev.sparseseg.models;

import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.Segmenter;
import dev.sparseseg.models.eval.DatasetSplit;
import dev.sparseseg.models.eval.Evaluation;
import dev.sparseseg.models.eval.ModeReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluation on frames of any size: a labelled set generated at run time from CamVid val
 * (frames resized bilinearly, labels by nearest neighbour; written to a temporary folder,
 * never kept), with frames of two sizes in one split.
 */
class AnySizeEvalTest {
    @Test
    void aSplitWithTwoFrameSizesIsEvaluated(@TempDir Path dir) throws IOException {
        DatasetSplit val = new DatasetSplit(TestModels.camvid(), "val");
        Files.createDirectories(dir.resolve("val"));
        Files.createDirectories(dir.resolve("valannot"));
        List<String> names = new ArrayList<>();
        int[][] sizes = {{720, 540}, {240, 180}};
        for (int i = 0; i < 4; i++) {
            int[] size = sizes[i % 2];
            String name = "f" + i + ".png";
            Path src = val.framePath(i);
            BufferedImage frame = ImageIO.read(src.toFile());
            BufferedImage label = ImageIO.read(src.getParent().resolveSibling("valannot").resolve(src.getFileName()).toFile());
            ImageIO.write(resize(frame, size[0], size[1], BufferedImage.TYPE_3BYTE_BGR,
                    RenderingHints.VALUE_INTERPOLATION_BILINEAR), "png", dir.resolve("val").resolve(name).toFile());
            ImageIO.write(resize(label, size[0], size[1], BufferedImage.TYPE_BYTE_GRAY,
                    RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR), "png", dir.resolve("valannot").resolve(name).toFile());
            names.add(name);
        }
        Files.write(dir.resolve("val.txt"), names);

        DatasetSplit mixed = new DatasetSplit(dir, "val");
        assertEquals(720, mixed.frame(0).width());
        assertEquals(180, mixed.labels(1).height());
        try (Models models = Models.load(TestModels.cpu())) {
            Map<String, Segmenter> modes = new LinkedHashMap<>();
            modes.put("dense-full", models.denseFull());
            modes.put("dense-low", models.denseLow());
            modes.put("sparse", models.sparse());
            List<ModeReport> r = Evaluation.run(mixed, modes, models.classes(), 0, null);
            for (ModeReport m : r) {
                System.out.printf("two sizes %-10s mIoU %.2f, refined %.1f%%%n", m.mode(), m.miou(), 100 * m.refinedFraction());
                // Real scenes resized: far above chance (9%), well under perfect.
                assertTrue(m.miou() > 30 && m.miou() < 95, m.mode() + " mIoU " + m.miou());
            }
            assertTrue(r.get(2).refinedFraction() > 0, "sparse refined nothing");
        }
    }

    @Test
    void aSplitIsReadAtACameraSize() throws IOException {
        DatasetSplit val = new DatasetSplit(TestModels.camvid(), "val");
        DatasetSplit big = val.resizedTo(1280, 720);
        assertEquals(val.size(), big.size());
        assertEquals(1280, big.frame(0).width());
        assertEquals(720, big.frame(0).height());
        assertEquals(1280, big.labels(0).width());
        assertEquals(720, big.labels(0).height());
        assertThrows(IllegalArgumentException.class, () -> val.resizedTo(8, 720));
        try (Models models = Models.load(TestModels.cpu())) {
            Map<String, Segmenter> modes = new LinkedHashMap<>();
            modes.put("dense-low", models.denseLow());
            modes.put("sparse", models.sparse());
            List<ModeReport> small = Evaluation.run(val, modes, models.classes(), 3, null);
            List<ModeReport> r = Evaluation.run(big, modes, models.classes(), 3, null);
            for (int i = 0; i < r.size(); i++) {
                System.out.printf("1280x720 %-10s mIoU %.2f (480x360: %.2f)%n", r.get(i).mode(), r.get(i).miou(), small.get(i).miou());
                // The same scenes, cropped to 16:9 and enlarged: labels stay aligned with their frames.
                assertTrue(r.get(i).miou() > 30, r.get(i).mode() + " mIoU " + r.get(i).miou());
            }
        }
    }

    private static BufferedImage resize(BufferedImage src, int w, int h, int type, Object interpolation) {
        BufferedImage out = new BufferedImage(w, h, type);
        if (type == BufferedImage.TYPE_BYTE_GRAY) {
            // Class ids, not intensities: copy raster samples, no colour conversion.
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out.getRaster().setSample(x, y, 0, src.getRaster().getSample(x * src.getWidth() / w, y * src.getHeight() / h, 0));
                }
            }
            return out;
        }
        var g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
