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
}
