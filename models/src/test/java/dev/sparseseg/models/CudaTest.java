package dev.sparseseg.models;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.sparseseg.models.coarse.CoarseLogits;
import dev.sparseseg.models.engine.Models;
import dev.sparseseg.models.engine.OperatingPoint;
import dev.sparseseg.models.engine.Segmentation;
import dev.sparseseg.models.refine.RefinedPixels;
import dev.sparseseg.models.runtime.Device;
import dev.sparseseg.models.select.EntropySelector;
import dev.sparseseg.models.select.Selection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine on ONNX Runtime's CUDA provider against PyTorch's logits on the parity frame.
 * Runs only with the GPU build ({@code mvn -Pgpu}) on a machine with an NVIDIA GPU; reported
 * as skipped otherwise (CI has no GPU). Tolerance: |cuda - torch| <= 2e-2 + 2e-2 * |torch|
 * (cuDNN may pick TF32 convolutions), and at least 99.5% of labels equal.
 */
class CudaTest {
    static final double TOL = 2e-2;

    @Test
    void cudaProviderMatchesPyTorch(@TempDir Path dir) throws Exception {
        assumeTrue(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this ONNX Runtime build has no CUDA provider (build with mvn -Pgpu)");
        assumeTrue(Files.exists(Path.of("/dev/nvidia0")) || Files.exists(Path.of("/dev/nvidiactl")), "no NVIDIA GPU here");
        ParityTest.load();
        var meta = ParityTest.meta;
        double threshold = meta.get("threshold").asDouble();
        try (Models models = Models.load(TestModels.cpu().withModelsDir(TestModels.exactInputSizes(dir))
                .withDevice(Device.parse("cuda:0")))) {
            assertEquals(Device.parse("cuda:0"), models.segmenterModel().device(), "fell back to the CPU");
            CoarseLogits logits = models.coarse(meta.get("scale").asDouble()).infer(ParityTest.frame);
            close(ParityTest.floats("coarse_logits.f32"), logits.raw(), "coarse logits");
            OperatingPoint point = models.operatingPoint(ParityTest.frame.width(), ParityTest.frame.height());
            Selection sel = new EntropySelector(threshold, 0, point.gridFactor()).select(logits);
            RefinedPixels r = models.refiner().refine(ParityTest.frame, logits, sel);
            close(ParityTest.floats("refined_logits.f32"), r.refined(), "refined logits");

            Segmentation seg = models.sparse(new OperatingPoint(0, 0, meta.get("scale").asDouble(), threshold,
                    point.gridFactor()), null).segment(ParityTest.frame);
            byte[] torch = ParityTest.resource("labels.u8");
            int same = 0;
            for (int i = 0; i < torch.length; i++) {
                same += torch[i] == seg.labels().labels()[i] ? 1 : 0;
            }
            assertTrue(same >= 0.995 * torch.length, same + " of " + torch.length + " labels agree with PyTorch");
        }
    }

    private static void close(float[] torch, float[] cuda, String what) {
        int n = Math.min(torch.length, cuda.length);
        for (int i = 0; i < n; i++) {
            assertTrue(Math.abs(cuda[i] - torch[i]) <= TOL + TOL * Math.abs(torch[i]),
                    what + "[" + i + "]: cuda " + cuda[i] + " vs torch " + torch[i]);
        }
    }
}
