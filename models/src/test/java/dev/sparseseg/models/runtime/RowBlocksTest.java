package dev.sparseseg.models.runtime;

import dev.sparseseg.models.card.ModelSource;
import dev.sparseseg.models.engine.EngineConfig;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The refiner and the ensembler run block by block, blocks on two threads, give what one call over all rows gives. */
class RowBlocksTest {
    @Test
    void blocksMatchOneCall() {
        // Not a multiple of the block: a short last block too.
        int n = 2 * OnnxModel.ROW_BLOCK + 1234;
        Random rnd = new Random(3);
        try (OnnxModel ens = OnnxModel.load(ModelSource.of(null), EngineConfig.ENSEMBLER, Device.CPU, 2, false);
             OnnxModel ref = OnnxModel.load(ModelSource.of(null), EngineConfig.REFINER, Device.CPU, 2, false)) {
            int c = ens.card().numClasses();
            int f = ref.card().featureCount;
            float[] a = gaussian(rnd, n * c);
            float[] b = gaussian(rnd, n * c);
            float[] feats = gaussian(rnd, n * f);
            check(ens, new OnnxModel.Input[] {OnnxModel.Input.of(a, n, c), OnnxModel.Input.of(b, n, c)}, n, c);
            check(ref, new OnnxModel.Input[] {OnnxModel.Input.of(feats, n, f), OnnxModel.Input.of(a, n, c)}, n, c);
        }
    }

    private static void check(OnnxModel m, OnnxModel.Input[] in, int n, int c) {
        float[] whole = m.run(in, new long[] {n, c});
        float[] blocks = m.runRows(in, n, c, PixelWork.of(2));
        assertEquals(whole.length, blocks.length);
        for (int i = 0; i < whole.length; i++) {
            assertEquals(whole[i], blocks[i], 1e-5f * Math.max(1f, Math.abs(whole[i])), m.file() + " row " + i / c);
        }
    }

    private static float[] gaussian(Random rnd, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = (float) rnd.nextGaussian() * 3;
        }
        return v;
    }
}
