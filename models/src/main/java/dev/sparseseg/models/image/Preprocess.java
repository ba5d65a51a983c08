package dev.sparseseg.models.image;

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

    /** Output size of a side scaled by {@code scale} (half-up rounding, at least 1). */
    public static int scaledSide(int side, double scale) {
        return Math.max(1, (int) Math.floor(side * scale + 0.5));
    }

    /**
     * Writes the frame, resized to {@code outW x outH}, as {@code [3, outH, outW]} floats
     * normalised by {@code (v/255 - mean) / std} into {@code dst}.
     */
    public static float[] toTensor(RgbFrame f, int outW, int outH, float[] mean, float[] std, float[] dst) {
        int plane = outW * outH;
        float[] out = dst != null && dst.length >= 3 * plane ? dst : new float[3 * plane];
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        for (int x = 0; x < outW; x++) {
            x0[x] = (int) ((long) x * f.width() / outW);
            x1[x] = (int) (((long) (x + 1) * f.width() + outW - 1) / outW);
        }
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = 1f / (255f * std[c]);
            shift[c] = -mean[c] / std[c];
        }
        byte[] rgb = f.rgb();
        int w = f.width();
        for (int y = 0; y < outH; y++) {
            int y0 = (int) ((long) y * f.height() / outH);
            int y1 = (int) (((long) (y + 1) * f.height() + outH - 1) / outH);
            for (int x = 0; x < outW; x++) {
                int r = 0, g = 0, b = 0;
                for (int sy = y0; sy < y1; sy++) {
                    int i = (sy * w + x0[x]) * 3;
                    for (int sx = x0[x]; sx < x1[x]; sx++, i += 3) {
                        r += rgb[i] & 0xFF;
                        g += rgb[i + 1] & 0xFF;
                        b += rgb[i + 2] & 0xFF;
                    }
                }
                float inv = 1f / ((y1 - y0) * (x1[x] - x0[x]));
                int o = y * outW + x;
                out[o] = r * inv * scale[0] + shift[0];
                out[plane + o] = g * inv * scale[1] + shift[1];
                out[2 * plane + o] = b * inv * scale[2] + shift[2];
            }
        }
        return out;
    }
}
