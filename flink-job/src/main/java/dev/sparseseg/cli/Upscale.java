package dev.sparseseg.cli;

import dev.sparseseg.models.image.RgbFrame;

/**
 * Frames at camera resolutions made from smaller ones: the centre of the frame cropped to the
 * target's aspect ratio (so that a 4:3 frame is not stretched to 16:9), then resized bilinearly
 * (half-pixel centres, edges clamped, as PyTorch's {@code align_corners=False}).
 */
final class Upscale {
    private Upscale() {
    }

    static RgbFrame to(RgbFrame src, int width, int height) {
        // The largest centred region of src with the target's aspect ratio.
        double aspect = (double) width / height;
        double cropW = Math.min(src.width(), src.height() * aspect);
        double cropH = cropW / aspect;
        double x0 = (src.width() - cropW) / 2;
        double y0 = (src.height() - cropH) / 2;
        int[] xLo = new int[width];
        int[] xHi = new int[width];
        float[] xW = new float[width];
        axis(x0, cropW / width, src.width(), xLo, xHi, xW);
        int[] yLo = new int[height];
        int[] yHi = new int[height];
        float[] yW = new float[height];
        axis(y0, cropH / height, src.height(), yLo, yHi, yW);

        byte[] in = src.rgb();
        byte[] out = new byte[width * height * 3];
        int rowBytes = src.width() * 3;
        for (int y = 0; y < height; y++) {
            int top = yLo[y] * rowBytes;
            int bottom = yHi[y] * rowBytes;
            float wy = yW[y];
            int o = y * width * 3;
            for (int x = 0; x < width; x++) {
                int l = xLo[x] * 3;
                int r = xHi[x] * 3;
                float wx = xW[x];
                for (int c = 0; c < 3; c++) {
                    float t = (in[top + l + c] & 0xFF) * (1 - wx) + (in[top + r + c] & 0xFF) * wx;
                    float b = (in[bottom + l + c] & 0xFF) * (1 - wx) + (in[bottom + r + c] & 0xFF) * wx;
                    out[o++] = (byte) Math.round(t * (1 - wy) + b * wy);
                }
            }
        }
        return new RgbFrame(width, height, out);
    }

    /** For each output index: the two source indices either side of its centre and the weight of the second. */
    private static void axis(double origin, double step, int size, int[] lo, int[] hi, float[] weight) {
        for (int i = 0; i < lo.length; i++) {
            double s = Math.min(Math.max(origin + (i + 0.5) * step - 0.5, 0), size - 1);
            lo[i] = (int) Math.floor(s);
            hi[i] = Math.min(lo[i] + 1, size - 1);
            weight[i] = (float) (s - lo[i]);
        }
    }
}
