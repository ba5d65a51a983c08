package dev.sparseseg.cli;

import dev.sparseseg.models.eval.ModeReport;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** mIoU against milliseconds per frame, drawn with Java2D (headless). */
final class SweepPlot {
    private static final int W = 800;
    private static final int H = 560;
    private static final int PAD = 70;

    private SweepPlot() {
    }

    static void write(Path png, List<ModeReport> dense, List<ModeReport> sweep) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<ModeReport> all = new ArrayList<>(dense);
        all.addAll(sweep);
        double x0 = 0;
        double x1 = all.stream().mapToDouble(ModeReport::msMedian).max().orElse(1) * 1.1;
        double y0 = Math.floor(all.stream().mapToDouble(ModeReport::miou).min().orElse(0) - 2);
        double y1 = Math.ceil(all.stream().mapToDouble(ModeReport::miou).max().orElse(100) + 2);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.drawRect(PAD, PAD / 2, W - PAD - 20, H - PAD - PAD / 2);
        g.drawString("ms per frame (median)", W / 2 - 60, H - 20);
        g.drawString("mIoU %", 10, PAD / 2 - 8);
        for (int i = 0; i <= 5; i++) {
            double xv = x0 + (x1 - x0) * i / 5;
            double yv = y0 + (y1 - y0) * i / 5;
            g.drawString(String.format("%.1f", xv), px(xv, x0, x1) - 10, H - PAD + 18);
            g.drawString(String.format("%.1f", yv), PAD - 40, py(yv, y0, y1) + 4);
        }
        g.setStroke(new BasicStroke(2f));
        g.setColor(new Color(0, 90, 200));
        int[] xs = new int[sweep.size()];
        int[] ys = new int[sweep.size()];
        for (int i = 0; i < sweep.size(); i++) {
            xs[i] = px(sweep.get(i).msMedian(), x0, x1);
            ys[i] = py(sweep.get(i).miou(), y0, y1);
            g.fillOval(xs[i] - 4, ys[i] - 4, 8, 8);
            g.drawString("t=" + sweep.get(i).mode(), xs[i] + 6, ys[i] - 6);
        }
        g.drawPolyline(xs, ys, xs.length);
        g.setColor(new Color(200, 40, 40));
        for (ModeReport r : dense) {
            int x = px(r.msMedian(), x0, x1);
            int y = py(r.miou(), y0, y1);
            g.fillRect(x - 5, y - 5, 10, 10);
            g.drawString(r.mode(), x + 8, y + 14);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static int px(double v, double lo, double hi) {
        return PAD + (int) ((v - lo) / (hi - lo) * (W - PAD - 20));
    }

    private static int py(double v, double lo, double hi) {
        return H - PAD - (int) ((v - lo) / (hi - lo) * (H - PAD - PAD / 2));
    }
}
