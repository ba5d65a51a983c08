// Not part of the build.
import dev.sparseseg.models.engine.*;
import dev.sparseseg.models.image.*;
import java.awt.*;
import java.awt.image.*;
import java.util.Random;
import javax.imageio.ImageIO;
/** The README's picture: a synthetic street scene (CamVid frames may not be published), its class map from the shipped models over it, and the pixels they refined. Run: java -cp "flink-job/target/sparseseg-flink-job-0.1.0-SNAPSHOT.jar:flink-job/target/lib/*" docs/img/ReadmePicture.java docs/img/sparserefine.png */
public class ReadmePicture {
  public static void main(String[] a) throws Exception {
    int W = 960, H = 540;
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, new Color(222, 228, 236), 0, 260, new Color(242, 244, 246)));
    g.fillRect(0, 0, W, 260);
    Random r = new Random(5);
    // buildings left and right
    int[][] bl = {{0, 40, 190, 260}, {170, 110, 120, 190}, {700, 60, 150, 240}, {830, 20, 130, 280}};
    Color[] bc = {new Color(150, 120, 100), new Color(175, 160, 140), new Color(120, 110, 105), new Color(165, 140, 120)};
    for (int i = 0; i < bl.length; i++) {
      g.setColor(bc[i]); g.fillRect(bl[i][0], bl[i][1], bl[i][2], bl[i][3]);
      g.setColor(new Color(70, 75, 85));
      for (int y = bl[i][1] + 15; y < bl[i][1] + bl[i][3] - 30; y += 34)
        for (int x = bl[i][0] + 12; x < bl[i][0] + bl[i][2] - 20; x += 30) g.fillRect(x, y, 16, 20);
    }
    // distant buildings
    g.setColor(new Color(160, 160, 165)); g.fillRect(290, 180, 410, 120);
    // road and pavements
    g.setColor(new Color(105, 100, 105));
    g.fillPolygon(new int[]{0, W, W, 0}, new int[]{300, 300, H, H}, 4);
    g.setColor(new Color(170, 160, 150));
    g.fillPolygon(new int[]{0, 330, 300, 0}, new int[]{300, 300, 330, 420}, 4);
    g.fillPolygon(new int[]{630, W, W, 660}, new int[]{300, 300, 420, 330}, 4);
    g.setColor(new Color(230, 230, 225));
    for (int i = 0; i < 5; i++) { int y = 320 + i * 45; g.fillRect(470 - i * 3, y, 14 + i * 2, 25); }
    // tree
    g.setColor(new Color(90, 65, 40)); g.fillRect(118, 210, 18, 110);
    g.setColor(new Color(70, 110, 45));
    for (int i = 0; i < 14; i++) g.fillOval(60 + r.nextInt(100), 120 + r.nextInt(90), 60, 55);
    // pole and sign
    g.setColor(new Color(90, 90, 90)); g.fillRect(640, 150, 8, 175);
    g.setColor(new Color(200, 40, 40)); g.fillOval(625, 140, 38, 38);
    // car
    g.setColor(new Color(40, 60, 120)); g.fillRoundRect(520, 330, 230, 80, 30, 30);
    g.fillRoundRect(560, 285, 140, 60, 30, 30);
    g.setColor(new Color(170, 200, 220)); g.fillRect(575, 295, 50, 38); g.fillRect(635, 295, 52, 38);
    g.setColor(new Color(25, 25, 25)); g.fillOval(545, 385, 50, 50); g.fillOval(680, 385, 50, 50);
    // pedestrian
    g.setColor(new Color(60, 50, 45)); g.fillRect(360, 250, 20, 70); g.fillOval(358, 228, 24, 24);
    g.fillRect(360, 318, 8, 40); g.fillRect(372, 318, 8, 40);
    g.dispose();
    // sensor noise
    for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) {
      int p = img.getRGB(x, y); int n = (int) (r.nextGaussian() * 4);
      int rr = clamp(((p >> 16) & 255) + n), gg = clamp(((p >> 8) & 255) + n), bb = clamp((p & 255) + n);
      img.setRGB(x, y, (rr << 16) | (gg << 8) | bb);
    }
    RgbFrame frame = ImageFiles.fromImage(img);
    try (Models m = Models.load(EngineConfig.defaults().withThreads(2))) {
      int[] pal = m.segmenterModel().card().palette();
      var seg = m.sparse().segment(frame);
      byte[] lab = seg.labels().labels();
      boolean[] refined = new boolean[W * H];
      var sel = m.selectorFor(W, H).select(m.coarseFor(W, H).infer(frame));
      int[] idx = sel.pixels();
      for (int i = 0; i < sel.count(); i++) refined[idx[i]] = true;
      int S = 2; int w2 = W / S, h2 = H / S;
      BufferedImage out = new BufferedImage(w2 * 3 + 20, h2, BufferedImage.TYPE_INT_RGB);
      Graphics2D o = out.createGraphics(); o.setColor(Color.WHITE); o.fillRect(0, 0, out.getWidth(), h2);
      for (int y = 0; y < h2; y++) for (int x = 0; x < w2; x++) {
        int i = (y * S) * W + x * S; int p = img.getRGB(x * S, y * S);
        int c = pal[lab[i] & 255];
        out.setRGB(x, y, p);
        out.setRGB(w2 + 10 + x, y, blend(p, c));
        int grey = ((p >> 16 & 255) + (p >> 8 & 255) + (p & 255)) / 3 / 2 + 60;
        int gp = (grey << 16) | (grey << 8) | grey;
        out.setRGB(2 * w2 + 20 + x, y, refined[i] || refined[i + 1] || refined[i + W] || refined[i + W + 1] ? 0xFF00FF : gp);
      }
      o.dispose();
      ImageIO.write(out, "png", new java.io.File(a[0]));
      System.out.printf("refined %.1f%%%n", 100.0 * seg.refinedPixels() / (W * H));
    }
  }
  static int clamp(int v) { return Math.max(0, Math.min(255, v)); }
  static int blend(int p, int c) {
    int r = (((p >> 16) & 255) + ((c >> 16) & 255)) / 2, g = (((p >> 8) & 255) + ((c >> 8) & 255)) / 2, b = ((p & 255) + (c & 255)) / 2;
    return (r << 16) | (g << 8) | b;
  }
}
