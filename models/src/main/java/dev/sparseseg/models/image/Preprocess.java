package dev.sparseseg.models.image;

import dev.sparseseg.models.runtime.PixelWork;

/**
 * Frame to normalised NCHW float input, resized by area averaging.
 *
 * <p>The bins are those of PyTorch's {@code interpolate(mode="area")} (adaptive
 * average pooling), which the training code uses, so Java and PyTorch see the same
 * input: output cell i covers source rows floor(i*H/h) .. ceil((i+1)*H/h) - 1.
 */
public final class Preprocess {
    private Preprocess() {
    }

    /**
     * Output size of a side scaled by {@code scale}: the nearest multiple of {@code multiple}
     * (halves to the even multiple: at 32, 720 gives 704 and 240 gives 256), at least one
     * multiple.
     */
    public static int scaledSide(int side, double scale, int multiple) {
        return multiple * Math.max(1, (int) Math.rint(side * scale / multiple));
    }

    /**
     * Writes the frame, resized to {@code outW x outH}, as {@code [3, outH, outW]} floats
     * normalised by {@code (v/255 - mean) / std} into {@code dst}.
     */
    public static float[] toTensor(RgbFrame f, int outW, int outH, float[] mean, float[] std, float[] dst) {
        return toTensor(f, outW, outH, mean, std, dst, PixelWork.SERIAL);
    }

    /** As above, output rows spread over {@code work}'s threads. */
    public static float[] toTensor(RgbFrame f, int outW, int outH, float[] mean, float[] std, float[] dst, PixelWork work) {
        int plane = outW * outH;
        float[] out = dst != null && dst.length >= 3 * plane ? dst : new float[3 * plane];
        int w = f.width();
        int h = f.height();
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        for (int x = 0; x < outW; x++) {
            x0[x] = (int) ((long) x * w / outW);
            x1[x] = (int) (((long) (x + 1) * w + outW - 1) / outW);
        }
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = 1f / (255f * std[c]);
            shift[c] = -mean[c] / std[c];
        }
        byte[] rgb = f.rgb();
        // Rows of source pixels per output row, so that a task's cost follows its share of the frame.
        work.forRange(outH, Math.max(1, 4096 / Math.max(1, outW)), (from, to) -> {
            // Column sums over an output row's source rows, read in memory order.
            int[] col = new int[w * 3];
            for (int y = from; y < to; y++) {
                int y0 = (int) ((long) y * h / outH);
                int y1 = (int) (((long) (y + 1) * h + outH - 1) / outH);
                java.util.Arrays.fill(col, 0);
                for (int sy = y0; sy < y1; sy++) {
                    for (int i = 0, s = sy * w * 3; i < w * 3; i++, s++) {
                        col[i] += rgb[s] & 0xFF;
                    }
                }
                for (int x = 0; x < outW; x++) {
                    int r = 0, g = 0, b = 0;
                    for (int i = x0[x] * 3, end = x1[x] * 3; i < end; i += 3) {
                        r += col[i];
                        g += col[i + 1];
                        b += col[i + 2];
                    }
                    float inv = 1f / ((y1 - y0) * (x1[x] - x0[x]));
                    int o = y * outW + x;
                    out[o] = r * inv * scale[0] + shift[0];
                    out[plane + o] = g * inv * scale[1] + shift[1];
                    out[2 * plane + o] = b * inv * scale[2] + shift[2];
                }
            }
        });
        return out;
    }
}
