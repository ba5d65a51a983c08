package dev.sparseseg.models.eval;

import dev.sparseseg.models.image.LabelMap;
import dev.sparseseg.models.image.RgbFrame;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Camera-resolution frames made at run time from a dataset's smaller ones (CamVid is 480x360),
 * for the decode and encode benchmarks and tests at 1080p and 4K: frames upscaled bilinearly,
 * label maps by nearest neighbour. Never written into the repository.
 */
public final class UpscaledFrames {
    static {
        // ImageIO buffers streams in temporary files by default: disk I/O for every frame.
        ImageIO.setUseCache(false);
    }

    private UpscaledFrames() {
    }

    /** {@code f} resized bilinearly to {@code width x height}, as a BGR image ImageIO can encode. */
    public static BufferedImage upscale(RgbFrame f, int width, int height) {
        BufferedImage src = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) src.getRaster().getDataBuffer()).getData();
        byte[] rgb = f.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        BufferedImage big = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, width, height, null);
        g.dispose();
        return big;
    }

    /** {@code m} resized by nearest neighbour to {@code width x height}. */
    public static LabelMap upscale(LabelMap m, int width, int height) {
        byte[] out = new byte[width * height];
        byte[] in = m.labels();
        for (int y = 0; y < height; y++) {
            int row = (int) ((long) y * m.height() / height) * m.width();
            for (int x = 0; x < width; x++) {
                out[y * width + x] = in[row + (int) ((long) x * m.width() / width)];
            }
        }
        return new LabelMap(width, height, out);
    }

    /**
     * {@code src} at {@code width x height} as {@link #frame} crops and resizes a frame, by
     * nearest neighbour: label map i of a split stays aligned with its frame.
     */
    public static LabelMap labels(LabelMap src, int width, int height) {
        double[] crop = centreCrop(src.width(), src.height(), width, height);
        double x0 = crop[0], y0 = crop[1], cropW = crop[2], cropH = crop[3];
        int[] xs = new int[width];
        for (int x = 0; x < width; x++) {
            xs[x] = Math.min((int) Math.floor(x0 + (x + 0.5) * cropW / width), src.width() - 1);
        }
        byte[] in = src.labels();
        byte[] out = new byte[width * height];
        for (int y = 0; y < height; y++) {
            int row = Math.min((int) Math.floor(y0 + (y + 0.5) * cropH / height), src.height() - 1) * src.width();
            for (int x = 0; x < width; x++) {
                out[y * width + x] = in[row + xs[x]];
            }
        }
        return new LabelMap(width, height, out);
    }

    /** A JPEG by ImageIO at {@code quality} (0 to 1), baseline or progressive. */
    public static byte[] jpeg(RenderedImage img, float quality, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * {@code src} at {@code width x height}: the centre of the frame cropped to the target's
     * aspect ratio (a 4:3 frame is not stretched to 16:9), then resized bilinearly
     * (half-pixel centres, edges clamped, as PyTorch's {@code align_corners=False}).
     */
    public static RgbFrame frame(RgbFrame src, int width, int height) {
        double[] crop = centreCrop(src.width(), src.height(), width, height);
        double x0 = crop[0], y0 = crop[1], cropW = crop[2], cropH = crop[3];
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

    /** The largest centred region of a {@code w x h} source with the target's aspect ratio: x0, y0, width, height. */
    private static double[] centreCrop(int w, int h, int width, int height) {
        double aspect = (double) width / height;
        double cropW = Math.min(w, h * aspect);
        double cropH = cropW / aspect;
        return new double[] {(w - cropW) / 2, (h - cropH) / 2, cropW, cropH};
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
