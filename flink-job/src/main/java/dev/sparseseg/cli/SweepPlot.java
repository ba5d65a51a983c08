package dev.sparseseg.cli;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** mIoU against milliseconds per frame, one series per line or marker kind, drawn with Java2D (headless). */
final class SweepPlot {
    private static final int W = 900;
    private static final int H = 600;
    private static final int LEFT = 80;
    private static final int RIGHT = 270;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    /** How a series is drawn. */
    enum Style { LINE, SQUARES, DIAMONDS }

    /** One point: x = median ms per frame, y = mIoU %, and a short label beside it (may be empty). */
    record Point(double ms, double miou, String label) {
    }

    record Series(String name, Color color, Style style, List<Point> points) {
    }

    private SweepPlot() {
    }

    static void write(Path png, String title, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Point> all = series.stream().flatMap(s -> s.points().stream()).toList();
        double xMax = all.stream().mapToDouble(Point::ms).max().orElse(1) * 1.05;
        double xStep = niceStep(xMax / 5);
        double x1 = Math.ceil(xMax / xStep) * xStep;
        double yMin = all.stream().mapToDouble(Point::miou).min().orElse(0) - 0.5;
        double yMax = all.stream().mapToDouble(Point::miou).max().orElse(100) + 0.5;
        double yStep = niceStep((yMax - yMin) / 5);
        double y0 = Math.floor(yMin / yStep) * yStep;
        double y1 = Math.ceil(yMax / yStep) * yStep;
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        for (double xv = 0; xv <= x1 + xStep / 2; xv += xStep) {
            int x = px(xv, x1, plotW);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x, TOP, x, TOP + plotH);
            g.setColor(Color.BLACK);
            g.drawString(String.format(xStep < 1 ? "%.1f" : "%.0f", xv), x - 8, TOP + plotH + 16);
        }
        for (double yv = y0; yv <= y1 + yStep / 2; yv += yStep) {
            int y = py(yv, y0, y1, plotH);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.1f", yv), LEFT - 40, y + 4);
        }
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.drawString("engine time per frame, median (ms)", LEFT + plotW / 2 - 100, H - 18);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("mIoU (%)", -(TOP + plotH / 2 + 25), 22);
        rotated.dispose();
        int legendY = TOP + 10;
        List<Rectangle> labels = new ArrayList<>();
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2f));
            int[] xs = new int[s.points().size()];
            int[] ys = new int[s.points().size()];
            for (int i = 0; i < xs.length; i++) {
                Point p = s.points().get(i);
                xs[i] = px(p.ms(), x1, plotW);
                ys[i] = py(p.miou(), y0, y1, plotH);
                mark(g, s.style(), xs[i], ys[i]);
                if (!p.label().isEmpty()) {
                    label(g, p.label(), xs[i], ys[i], labels);
                }
            }
            if (s.style() == Style.LINE) {
                g.drawPolyline(xs, ys, xs.length);
            }
            int lx = LEFT + plotW + 15;
            mark(g, s.style(), lx + 6, legendY - 4);
            if (s.style() == Style.LINE) {
                g.drawLine(lx, legendY - 4, lx + 12, legendY - 4);
            }
            g.setColor(Color.BLACK);
            g.drawString(s.name(), lx + 18, legendY);
            legendY += 20;
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static void mark(Graphics2D g, Style style, int x, int y) {
        switch (style) {
            case LINE -> g.fillOval(x - 4, y - 4, 8, 8);
            case SQUARES -> g.fillRect(x - 5, y - 5, 10, 10);
            case DIAMONDS -> g.fillPolygon(new int[] {x, x + 6, x, x - 6}, new int[] {y - 6, y, y + 6, y}, 4);
        }
    }

    private static int px(double v, double hi, int plotW) {
        return LEFT + (int) (v / hi * plotW);
    }

    private static int py(double v, double lo, double hi, int plotH) {
        return TOP + plotH - (int) ((v - lo) / (hi - lo) * plotH);
    }

    /**
     * Draws {@code text} beside the point at one of four corners that overlaps no label drawn
     * before, or not at all: points of a sweep crowd together, and overprinted labels read as
     * neither.
     */
    private static void label(Graphics2D g, String text, int x, int y, List<Rectangle> taken) {
        FontMetrics fm = g.getFontMetrics();
        int w = fm.stringWidth(text);
        int h = fm.getAscent();
        int[][] corners = {{x + 6, y - 6}, {x + 6, y + 6 + h}, {x - 6 - w, y - 6}, {x - 6 - w, y + 6 + h}};
        for (int[] c : corners) {
            Rectangle r = new Rectangle(c[0] - 1, c[1] - h - 1, w + 2, h + 2);
            if (taken.stream().noneMatch(r::intersects)) {
                taken.add(r);
                g.drawString(text, c[0], c[1]);
                return;
            }
        }
    }
}
