package dev.sparseseg.connectors.frame;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** The frame blended with its class colours, as a JPEG for people to look at. */
public final class Overlay {
    private Overlay() {
    }

    /**
     * @param rgb     packed RGB of the frame
     * @param labels  class id per pixel
     * @param palette class colours 0xRRGGBB
     * @param alpha   weight of the class colour, 0..1
     */
    public static byte[] jpeg(byte[] rgb, byte[] labels, int width, int height, int[] palette, double alpha) {
        if (rgb.length != width * height * 3 || labels.length != width * height) {
            throw new IllegalArgumentException("frame and labels do not match " + width + "x" + height);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        int a = (int) Math.round(alpha * 256);
        for (int p = 0, i = 0; p < labels.length; p++, i += 3) {
            int c = labels[p] & 0xff;
            int col = c < palette.length ? palette[c] : 0;
            bgr[i] = blend(rgb[i + 2], col, a);
            bgr[i + 1] = blend(rgb[i + 1], col >> 8, a);
            bgr[i + 2] = blend(rgb[i], col >> 16, a);
        }
        return Jpeg.encode(img);
    }

    private static byte blend(byte frame, int colour, int a) {
        return (byte) (((frame & 0xff) * (256 - a) + (colour & 0xff) * a) >> 8);
    }
}
